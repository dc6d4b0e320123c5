package io.djdeploy.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of deploy.yml, level by level. The {@link #SETTINGS} may stand at the top level and
 * in an environment (the environment wins, key by key); each section reader declares its own
 * keys. docs/configuration.md's key tables are checked against this ({@code ConfigDocsTest}).
 */
final class Schema {
    private Schema() {}

    // top level only
    static final Key<String> APP = Key.text("app", null, v -> Rules.APP.matcher(v).matches() ? null
            : "must be a short lower-case name (letters, digits, - and _), it names services and paths").required();
    static final Key<String> REPO = Key.text("repo", null, v -> v.startsWith("-")
            ? "must be a git URL or path, got '" + v + "' (git would read a leading '-' as an option)" : null).required();
    /** Read by {@link ConfigLoader} itself: each entry is an environment. */
    static final Key<Located> ENVIRONMENTS = Key.<Located>of("environments", (r, at, dflt) -> at, null).required();

    // environment only
    static final Key<String> DEPLOY_TO = Key.text("deploy_to", null, Rules::deployTo).required();
    static final Key<List<HostConfig>> HOSTS = Key.of("hosts", new Hosts(), List.<HostConfig>of()).required();

    // settings: top level and environment
    static final Key<String> REF = Key.text("ref", "main", Rules::ref);
    static final Key<Integer> KEEP_RELEASES = Key.integer("keep_releases", 5, 2, 1000);
    static final Key<ReleaseRuntime> RUNTIME = Key.oneOf("runtime", ReleaseRuntime.class, ReleaseRuntime.VIRTUALENV);
    static final Key<ImageConfig> IMAGE = Key.section("image", new ImageSection());
    static final Key<PythonConfig> PYTHON = Key.section("python", new PythonSection());
    static final Key<DjangoConfig> DJANGO = Key.section("django", new DjangoSection());
    static final Key<SharedConfig> SHARED = Key.section("shared", new SharedSection());
    static final Key<WebConfig> WEB = Key.section("web", new WebSection());
    static final Key<HealthConfig> HEALTH = Key.section("health", new HealthSection());
    static final Key<SshConfig> SSH = Key.section("ssh", new SshSection());
    static final Key<GitConfig> GIT = Key.section("git", new GitSection());
    static final Key<SwitchConfig> SWITCH = Key.section("switch", new SwitchSection());
    static final Key<WorkersConfig> WORKERS = Key.section("workers", new WorkersSection());
    static final Key<MigrationsConfig> MIGRATIONS = Key.section("migrations", new MigrationsSection());
    static final Key<Boolean> ROLLBACK = Key.section("rollback", new RollbackSection());
    static final Key<Duration> LOCK = Key.section("lock", new LockSection());
    static final Key<ChecksConfig> CHECKS = Key.section("checks", new ChecksSection());
    static final Key<VerifyConfig> VERIFY = Key.section("verify", new VerifySection());
    static final Key<List<NotifyConfig>> NOTIFY = Key.of("notify", Types.items(new NotifySection(), "{url, format, events, timeout, retries}"),
            List.<NotifyConfig>of());
    /** Read level by level by {@link ConfigLoader}: per hook point, the environment's hooks replace the top level's. */
    static final Key<List<HookConfig>> HOOKS = Key.of("hooks", Types.items(new HookSection(), "{at, command, roles, once, timeout, on_error, upload}"),
            List.<HookConfig>of()).documented("none");

    static final List<Key<?>> SETTINGS = List.of(REF, KEEP_RELEASES, PYTHON, DJANGO, SHARED, WEB, HEALTH, SSH, SWITCH, WORKERS,
            MIGRATIONS, ROLLBACK, LOCK, CHECKS, VERIFY, NOTIFY, GIT, HOOKS, RUNTIME, IMAGE);
    static final List<Key<?>> ROOT = concat(List.of(APP, REPO, ENVIRONMENTS), SETTINGS);
    static final List<Key<?>> ENVIRONMENT = concat(List.of(DEPLOY_TO, HOSTS), SETTINGS);

    static Set<String> names(List<Key<?>> keys) {
        Set<String> names = new LinkedHashSet<>();
        for (Key<?> k : keys) names.add(k.name());
        return names;
    }

    private static List<Key<?>> concat(List<Key<?>> a, List<Key<?>> b) {
        List<Key<?>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
