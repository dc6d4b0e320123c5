package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads deploy.yml into records. Every problem is collected with file, line and key path
 * (e.g. {@code environments.production.hosts[1].roles}) and reported at once; unknown keys
 * are errors because a typo must never be silently ignored.
 *
 * <p>The file is read defensively by {@link ConfigSource}; the keys of each level are in
 * {@link Schema}, and each section has its own reader that declares its keys once. This class
 * reads the top level and the environments, and merges the settings of each environment over
 * the top level's (the environment's value wins, key by key).
 */
public final class ConfigLoader {
    /** Git ref names: what `git check-ref-format` allows, minus anything a shell or git option could misread. */
    public static final Pattern REF = Rules.REF;
    /** {@link #REF} (and no "..") in words, for error messages. */
    public static final String REF_RULE = Rules.REF_RULE;

    private final Map<String, String> env;

    public ConfigLoader() {
        this(System.getenv());
    }

    /** @param env the variables {@code ${VAR}} interpolation reads (tests pass their own) */
    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public DeployConfig load(Path file) throws ConfigException {
        return parse(file, ConfigSource.read(file));
    }

    public DeployConfig parse(Path file, String text) throws ConfigException {
        Reading r = new Reading(file.toString(), env);
        Node root = ConfigSource.compose(r.file, text, r.errors);
        if (root == null) throw new ConfigException(r.errors);
        DeployConfig config = bind(r, file, root);
        // checks run section by section, environment by environment; report in file order
        r.errors.sort(Comparator.comparingInt(ConfigError::line));
        if (!r.errors.isEmpty()) throw new ConfigException(r.errors);
        return config;
    }

    private DeployConfig bind(Reading r, Path file, Node rootNode) {
        if (!(rootNode instanceof MappingNode root)) {
            r.error(rootNode, "", "the top level must be a mapping (app:, repo:, environments: lines), got " + Reading.kind(rootNode));
            return null;
        }
        Map<String, Located> top = r.entries(root, "", Schema.names(Schema.ROOT));
        Values file0 = new Values(r, new Layers(List.of(top)), new Located(root, ""));
        String app = file0.get(Schema.APP);
        String repo = file0.get(Schema.REPO);
        if (!file0.has(Schema.APP)) file0.missing(Schema.APP, "is required: a short lower-case name such as shop, it names services and paths");
        if (!file0.has(Schema.REPO)) file0.missing(Schema.REPO, "is required: the git URL or path releases are cloned from");

        Map<String, EnvironmentConfig> environments = new LinkedHashMap<>();
        Located envs = file0.get(Schema.ENVIRONMENTS);
        if (envs == null) {
            file0.missing(Schema.ENVIRONMENTS, "is required: at least one environment (e.g. production) with deploy_to and hosts");
        } else {
            MappingNode envsMap = r.mapping(envs.node(), "environments");
            if (envsMap != null) {
                if (envsMap.getValue().isEmpty()) r.error(envsMap, "environments", "must name at least one environment");
                for (NodeTuple t : envsMap.getValue()) {
                    String name = r.keyName(t);
                    if (name == null) continue;
                    String path = "environments." + name;
                    if (!Rules.ENV_NAME.matcher(name).matches()) {
                        r.error(t.getKeyNode(), path, "environment names use letters, digits, '.', '_' and '-'");
                        continue;
                    }
                    if (environments.containsKey(name)) {
                        r.error(t.getKeyNode(), path, "duplicate environment");
                        continue;
                    }
                    MappingNode envNode = r.mapping(t.getValueNode(), path);
                    if (envNode == null) continue;
                    Map<String, Located> own = r.entries(envNode, path, Schema.names(Schema.ENVIRONMENT));
                    environments.put(name, environment(r, name, app, repo, own, top, new Located(envNode, path), file));
                }
            }
        }
        return new DeployConfig(file, app, repo, environments);
    }

    private EnvironmentConfig environment(Reading r, String name, String app, String repo,
                                          Map<String, Located> own, Map<String, Located> top, Located self, Path file) {
        Values e = new Values(r, new Layers(List.of(own)), self);
        String deployTo = e.get(Schema.DEPLOY_TO);
        if (!e.has(Schema.DEPLOY_TO)) e.missing(Schema.DEPLOY_TO, "is required: the directory that holds current, releases and shared");
        if (deployTo != null && deployTo.length() > 1 && deployTo.endsWith("/")) deployTo = deployTo.substring(0, deployTo.length() - 1);
        if (!e.has(Schema.HOSTS)) e.missing(Schema.HOSTS, "is required: a list of hosts, e.g. [{host: web1.example.com, roles: [web, migrate]}]");
        List<HostConfig> hosts = e.get(Schema.HOSTS);

        Values s = new Values(r, new Layers(List.of(own, top)), self);
        String ref = s.get(Schema.REF);
        int keep = s.get(Schema.KEEP_RELEASES);
        PythonConfig python = s.get(Schema.PYTHON);
        DjangoConfig django = s.get(Schema.DJANGO);
        SharedConfig shared = s.get(Schema.SHARED);
        WebConfig web = s.get(Schema.WEB);
        requireColorCommands(s, web);
        if (web.blueGreen() && !s.has(Schema.HEALTH)) {
            s.sub(Schema.WEB).errorAt(WebSection.STRATEGY, "health.url",
                    "is required with web.strategy blue-green: the new color is checked on its own socket at this URL's path before it gets traffic");
        }
        if (s.get(Schema.RUNTIME) == ReleaseRuntime.CONTAINER && !web.blueGreen()) {
            // a container release is switched by starting the idle color's container (docs/containers.md)
            String why = "runtime: container needs web.strategy blue-green: the new release's container starts as the idle color and is"
                    + " checked on its own socket before nginx's web.sock link moves to it";
            if (s.sub(Schema.WEB).has(WebSection.STRATEGY)) s.sub(Schema.WEB).error(WebSection.STRATEGY, why);
            else s.errorAt(Schema.RUNTIME, "web.strategy", why);
        }
        HealthConfig health = s.get(Schema.HEALTH);
        SshConfig ssh = s.get(Schema.SSH);
        SwitchConfig switching = s.get(Schema.SWITCH);
        WorkersConfig workers = s.get(Schema.WORKERS);
        workersForRuntime(s, workers);
        MigrationsConfig migrations = s.get(Schema.MIGRATIONS);
        SafetyConfig safety = new SafetyConfig(s.get(Schema.ROLLBACK), s.get(Schema.LOCK));
        return new EnvironmentConfig(name, app, repo, ref, deployTo, hosts, keep, python, django, shared, web, health,
                ssh, switching, workers, migrations, safety, s.get(Schema.CHECKS), s.get(Schema.VERIFY), s.get(Schema.NOTIFY),
                List.copyOf(r.secrets), s.get(Schema.GIT), hooks(r, own, top, self, file),
                s.get(Schema.RUNTIME), image(s, app, hosts));
    }

    /**
     * Blue-green starts and stops colors with web.start/web.stop: given, implied by web.manager,
     * or, with runtime: container, the color's container (the web layer's default, docs/containers.md).
     */
    private static void requireColorCommands(Values s, WebConfig web) {
        if (!web.blueGreen() || s.get(Schema.RUNTIME) == ReleaseRuntime.CONTAINER) return;
        Values w = s.sub(Schema.WEB);
        if (web.start() == null) w.missing(WebSection.START, WebSection.START_MISSING);
        if (web.stop() == null) w.missing(WebSection.STOP, WebSection.STOP_MISSING);
    }

    /** workers.restart/beat_restart restart a process manager's programs; containers run workers.command/beat_command instead. */
    private static void workersForRuntime(Values s, WorkersConfig workers) {
        Values w = s.sub(Schema.WORKERS);
        boolean containers = s.get(Schema.RUNTIME) == ReleaseRuntime.CONTAINER;
        for (Key<String> k : containers ? List.of(WorkersSection.RESTART, WorkersSection.BEAT_RESTART)
                : List.of(WorkersSection.COMMAND, WorkersSection.BEAT_COMMAND)) {
            if (w.has(k)) w.error(k, containers
                    ? "is not used with runtime: container (workers run in containers: set workers.command / workers.beat_command, the Celery command line in the image)"
                    : "is only used with runtime: container (the virtualenv runtime restarts workers with workers.restart / workers.beat_restart)");
        }
    }

    /** {@code image}: required with runtime container, meaningless without; its builder is one of the hosts. */
    private static ImageConfig image(Values s, String app, List<HostConfig> hosts) {
        ImageConfig image = s.get(Schema.IMAGE);
        if (s.get(Schema.RUNTIME) != ReleaseRuntime.CONTAINER) {
            if (s.has(Schema.IMAGE)) s.sub(Schema.IMAGE).errorHere("is only used with runtime: container");
            return null;
        }
        Values v = s.sub(Schema.IMAGE);
        if (image.registry() == null && !v.has(ImageSection.REGISTRY_KEY)) {
            if (v.present()) v.missing(ImageSection.REGISTRY_KEY, "is required with runtime: container: the registry every host pulls the release's image from, e.g. registry.example.com:5000");
            else s.errorAt(Schema.RUNTIME, "image.registry", "is required with runtime: container: the registry every host pulls the release's image from, e.g. registry.example.com:5000");
        }
        if (image.builder() != null && hosts != null && hosts.stream().noneMatch(h -> h.host().equals(image.builder()))) {
            v.error(ImageSection.BUILD_KEY, "names host '" + image.builder() + "', which is not one of this environment's hosts ("
                    + String.join(", ", hosts.stream().map(HostConfig::host).toList()) + ")");
        }
        String repository = image.repository() != null ? image.repository() : app;
        return new ImageConfig(image.registry(), repository, image.dockerfile(), image.builder(), image.baseImage(), image.volumes());
    }

    /** Per hook point, the environment's own hooks replace the top level's (docs/hooks.md). */
    private static HooksConfig hooks(Reading r, Map<String, Located> own, Map<String, Located> top, Located self, Path file) {
        List<HookConfig> topHooks = new Values(r, new Layers(List.of(top)), self).get(Schema.HOOKS);
        List<HookConfig> ownHooks = new Values(r, new Layers(List.of(own)), self).get(Schema.HOOKS);
        Path dir = file.toAbsolutePath().getParent();
        return HooksConfig.merge(dir == null ? Path.of("/") : dir, topHooks, ownHooks);
    }
}
