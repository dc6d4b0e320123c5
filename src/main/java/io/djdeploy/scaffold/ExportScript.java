package io.djdeploy.scaffold;

import io.djdeploy.config.DjangoConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HealthConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.config.VerifyConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.django.DjangoSteps;
import io.djdeploy.django.Manage;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseChecks;
import io.djdeploy.django.VenvStep;
import io.djdeploy.pipeline.CoreSteps;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.pipeline.HostChecks;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.Identity;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.release.Revision;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;
import io.djdeploy.web.HealthCheck;
import io.djdeploy.web.WebSteps;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.djdeploy.remote.Shell.quote;

/**
 * `djdeploy export-script`: a standalone bash release script that does on one host what the
 * deploy pipeline does (stage 2 of adopting automation, after the checklist). Connects to nothing.
 *
 * <p>Its commands come from the builders the pipeline uses: the deploy plan
 * ({@link Deployer#plan}) for git, code, shared links, switch, web reload and workers;
 * {@link HostOps} for the lock, unlock and ledger commands; {@link VenvStep}, {@link Manage},
 * {@link WebSteps}, {@link ReleaseLayout} and {@link Revision} for the rest. Values known only
 * at run time (the release id, the commit, the previous release, who runs it) are built with a
 * placeholder that {@link #bind} turns into a bash variable, so each command stays exactly as
 * the pipeline builds it and every config value still passes through {@link Shell#quote}.
 * What needs djdeploy's Python helper (migration classification, settings checks, the manifest)
 * is done with plain commands or left out, and the script says so.
 */
public final class ExportScript {
    /** Placeholder release ids: valid ids (ReleaseLayout insists) that no real deploy makes. */
    static final String RELEASE_ID = "29991231235959";
    static final String PREVIOUS_ID = "29991231235958";

    /** Placeholder → the bash variable holding the run-time value. */
    static final Map<String, String> RUNTIME = runtime();

    private static Map<String, String> runtime() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(RELEASE_ID, "RELEASE");
        m.put(PREVIOUS_ID, "PREVIOUS");
        m.put("@@SHA@@", "SHA");
        m.put("@@WHO@@", "WHO");
        m.put("@@STARTED@@", "STARTED");
        m.put("@@RUN_ID@@", "RUN_ID");
        m.put("@@VENV_HASH@@", "VENV_HASH");
        return m;
    }

    /** The config asks for something a script cannot do safely; the message names the key. */
    public static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message);
        }
    }

    /** For the header: what generated the script, with which command line, from which config file. */
    public record Origin(String version, String commandLine, String config) {}

    private final EnvironmentConfig env;      // limited to the one host
    private final EnvironmentConfig fleet;    // every host, to name the migrate host
    private final HostConfig host;
    private final String ref;
    private final ReleaseLayout layout;
    private final Map<String, List<String>> plan = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();

    private ExportScript(EnvironmentConfig env, HostConfig host, String ref) {
        this.env = env.withHosts(List.of(host));
        this.fleet = env;
        this.host = host;
        this.ref = ref;
        this.layout = new ReleaseLayout(env.deployTo());
    }

    /** The script for {@code host} of {@code env} at {@code ref}. */
    public static String render(EnvironmentConfig env, HostConfig host, String ref, Origin origin) {
        if (env.web().blueGreen() && host.hasRole(HostConfig.WEB)) {
            throw new Unsupported("web.strategy: blue-green is not supported by export-script (it writes restart/reload "
                    + "scripts only; use djdeploy deploy for blue-green)");
        }
        String everything = env + "\n" + ref + "\n" + host;
        for (String placeholder : RUNTIME.keySet()) {
            if (everything.contains(placeholder)) {
                throw new Unsupported("the config contains '" + placeholder + "', which export-script uses as a placeholder");
            }
        }
        if (io.djdeploy.step.Redactor.splitPassword(env.repo()) != null) {
            throw new Unsupported("repo: holds a password, and export-script never writes a secret into a script "
                    + "(let git on the host find it: a credential helper, or an SSH deploy key)");
        }
        ExportScript s = new ExportScript(env, host, ref);
        s.plan();
        String script = s.write(origin);
        checkNoSecret(env, script);
        for (String placeholder : RUNTIME.keySet()) {
            if (script.contains(placeholder)) throw new IllegalStateException("unbound placeholder " + placeholder + " in the script");
        }
        if (script.contains("<commit of") || script.contains("<requirements hash>") || script.contains("# stdin:")) {
            throw new IllegalStateException("a plan placeholder was left in the script");
        }
        return script;
    }

    /** Secrets travel in files on the host, never in a script: refuse rather than write one. */
    static void checkNoSecret(EnvironmentConfig env, String script) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("repo", env.repo());
        keys.put("web.reload", env.web().reload());
        if (env.web().nginx() != null) {
            keys.put("web.nginx.test", env.web().nginx().test());
            keys.put("web.nginx.reload", env.web().nginx().reload());
        }
        keys.put("workers.restart", env.workers().restart());
        keys.put("workers.beat_restart", env.workers().beatRestart());
        if (env.migrations().backup() != null) keys.put("migrations.backup.command", env.migrations().backup().command());
        if (env.health() != null) keys.put("health.url", env.health().url());
        keys.put("verify.status", env.verify().status());
        keys.put("verify.logs", env.verify().logs());
        for (VerifyConfig.Url u : env.verify().urls()) keys.putIfAbsent("verify.urls", u.url());
        java.util.List<String> hosts = env.hosts().stream().map(HostConfig::host).toList();
        for (String secret : env.secrets()) {
            // the same matching as the redactor's: rendered for each host, escaped, encoded
            io.djdeploy.step.Redactor one = new io.djdeploy.step.Redactor();
            one.addConfigSecrets(java.util.List.of(secret), hosts);
            if (secret == null || !one.holdsSecret(script)) continue;
            String key = keys.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().contains(secret))
                    .map(Map.Entry::getKey).findFirst().orElse("a config value");
            throw new Unsupported(key + ": marked secret: true, and export-script never writes a secret into a script "
                    + "(keep it in a file on the host that the command reads, as the env file is)");
        }
    }

    /**
     * Every step of the deploy pipeline and how the script covers it: a step added to the
     * pipeline fails the export (and its tests) until the script knows it, rather than
     * being silently left out.
     */
    static final Map<String, String> COVERED = Map.ofEntries(
            Map.entry(CoreSteps.CONNECT, "not needed: the script runs on the host"),
            Map.entry(CoreSteps.LOCK, "HostOps.lockCommand"), Map.entry(CoreSteps.INSPECT, "readlink current"),
            Map.entry(CoreSteps.TOOLS, "planned"), Map.entry(HostChecks.HOST_CHECKS, "env file readable, required keys"),
            Map.entry(CoreSteps.FETCH, "planned"), Map.entry(CoreSteps.CODE, "planned"),
            Map.entry(CoreSteps.HELPER, "not available: plain commands instead"), Map.entry(CoreSteps.SHARED_LINKS, "planned"),
            Map.entry(VenvStep.NAME, "VenvStep"), Map.entry(ReleaseChecks.CHECK_DEPLOY, "Manage"), Map.entry(DjangoSteps.COLLECTSTATIC, "Manage"),
            Map.entry(ReleaseChecks.SETTINGS_CHECKS, "needs the helper: left out"), Map.entry(CoreSteps.REVISION, "Revision"),
            Map.entry(MigrationSteps.ANALYZE, "showmigrations --plan + APPROVE_MIGRATIONS"),
            Map.entry(MigrationSteps.MANIFEST, "needs the helper: left out"), Map.entry(MigrationSteps.BACKUP, "planned (command), preset left out"),
            Map.entry(MigrationSteps.MIGRATE, "Manage"), Map.entry(WebSteps.SWITCH, "planned"), Map.entry("reload web", "planned"),
            Map.entry(WebSteps.HEALTH, "curl"), Map.entry(CoreSteps.RESTART_WORKERS, "planned"), Map.entry(CoreSteps.RESTART_BEAT, "planned"),
            Map.entry(CoreSteps.CLEANUP, "as HostOps.cleanupCandidates"));

    /** The deploy plan of this host with the placeholder release id, by step name. */
    private void plan() {
        Clock at = Clock.fixed(ReleaseLayout.idTime(RELEASE_ID), ZoneOffset.UTC);
        Identity who = new Identity("export-script", "localhost", 0);
        try (Deployer d = new Deployer(env, h -> {
            throw new IllegalStateException("export-script connects to nothing");
        }, EventSink.NONE, who, at, Helper.bytes(), 1)) {
            for (Deployer.PlannedStep s : d.plan(ref)) {
                if (!COVERED.containsKey(s.step())) {
                    throw new IllegalStateException("the deploy pipeline has a step export-script does not know: '" + s.step()
                            + "' (" + s.phase() + "); add it to ExportScript");
                }
                plan.put(s.step(), s.commands());
            }
        }
    }

    private boolean has(String step) {
        return plan.containsKey(step);
    }

    /** A planned step's commands, with the run-time values bound. */
    private List<String> planned(String step) {
        List<String> cmds = plan.get(step);
        if (cmds == null) return List.of();
        return cmds.stream().map(this::bind).toList();
    }

    /**
     * Turns placeholders into bash variables where they stand: inside '...' as
     * '"${VAR}"', inside "..." as ${VAR}, elsewhere as "${VAR}". The plan's commit
     * placeholder (a quoted word of its own) becomes "${SHA}".
     */
    String bind(String text) {
        String t = text.replace(quote("<commit of " + ref + ">"), "\"${SHA}\"");
        return bind(t, RUNTIME);
    }

    static String bind(String text, Map<String, String> vars) {
        StringBuilder b = new StringBuilder();
        char state = 0; // 0: unquoted, '\'' or '"': inside those quotes
        int i = 0;
        outer:
        while (i < text.length()) {
            for (Map.Entry<String, String> v : vars.entrySet()) {
                if (text.startsWith(v.getKey(), i)) {
                    String name = v.getValue();
                    b.append(state == '\'' ? "'\"${" + name + "}\"'" : state == '"' ? "${" + name + "}" : "\"${" + name + "}\"");
                    i += v.getKey().length();
                    continue outer;
                }
            }
            char c = text.charAt(i++);
            b.append(c);
            if (state == '\'') {
                if (c == '\'') state = 0;
            } else if (c == '\\' && i < text.length()) {
                b.append(text.charAt(i++));
            } else if (state == '"') {
                if (c == '"') state = 0;
            } else if (c == '\'' || c == '"') {
                state = c;
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ writing

    private void l(String line) {
        out.append(line).append('\n');
    }

    /** One command as the pipeline runs it: in a shell of its own, so a `cd` stays inside. */
    private void run(String indent, String command) {
        run(indent, command, "");
    }

    /** ... followed by {@code after} (e.g. {@code || true}); a command that may hold a comment gets lines of its own. */
    private void run(String indent, String command, String after) {
        String tail = after.isEmpty() ? "" : " " + after;
        if (command.indexOf('#') < 0 && command.indexOf('\n') < 0) {
            l(indent + "( " + command + " )" + tail);
        } else {
            l(indent + "(");
            l(indent + "  " + command);
            l(indent + ")" + tail);
        }
    }

    private void var(String name, String value) {
        l(name + "=" + quote(value == null ? "" : value));
    }

    private void step(String phase, String name) {
        l("");
        l("  step " + quote(phase) + " " + quote(name));
    }

    /** {@code cd <project> && with_env <venv python> manage.py ARGS}, for the new release. */
    private String manage(String... args) {
        DjangoConfig dj = env.django();
        String manage = dj.manage();
        List<String> argv = new ArrayList<>(List.of(layout.venvPython(RELEASE_ID), manage.substring(manage.lastIndexOf('/') + 1)));
        argv.addAll(List.of(args));
        return bind(Command.sh("with_env " + Shell.join(argv)).in(Manage.projectDir(layout, RELEASE_ID, dj)).script());
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0);
    }

    private boolean migrates() {
        return has(MigrationSteps.MIGRATE);
    }

    /** Without djdeploy's classification every unapplied migration needs approval, unless policy auto says apply. */
    private boolean asksApproval() {
        MigrationsConfig m = env.migrations();
        boolean preset = m.backup() != null && m.backup().command() == null;
        return m.policy() == MigrationsConfig.Policy.GATE || preset;
    }

    private boolean healthChecked() {
        return has(WebSteps.HEALTH) && env.health() != null;
    }

    private String write(Origin origin) {
        header(origin);
        settings();
        l("");
        l("# ---- functions ---------------------------------------------------------------------------------");
        l("");
        out.append(ExportScriptLib.text(io.djdeploy.template.TextTemplates.forConfig(java.nio.file.Path.of(origin.config()))));
        generatedFunctions();
        steps();
        l("");
        l("# Sourced (to reuse or test the functions): define only. Run: deploy, with stdin closed so that");
        l("# no command can read the rest of this script when it is piped into bash.");
        l("(return 0 2>/dev/null) || main \"$@\" < /dev/null");
        return out.toString();
    }

    private void header(Origin origin) {
        String hostLine = host.host() + " (" + String.join(", ", host.roles()) + ")";
        l("#!/usr/bin/env bash");
        l("# Release script: " + oneLine(env.app()) + ", environment " + oneLine(env.name()) + ", host " + oneLine(hostLine) + ", ref " + ref);
        l("#");
        l("# Generated by " + oneLine(origin.version()) + ": " + oneLine(origin.commandLine()));
        l("# from the config " + oneLine(origin.config()) + ". Regenerate it when the config changes.");
        l("#");
        l("# Run it ON the host, as the user that deploys:");
        l("#     bash deploy.sh");
        if (migrates() && asksApproval()) l("#     APPROVE_MIGRATIONS=1 bash deploy.sh    # apply unapplied migrations (the first run lists them)");
        l("#");
        l("# It does what `djdeploy deploy " + oneLine(env.name()) + " --ref " + ref + "` does on this one host, with the same");
        l("# layout, lock, REVISION file and ledger, so djdeploy status, releases and deploy work alongside it:");
        l("# lock, fetch, build releases/<id> (code, shared links, venv, check --deploy, collectstatic, REVISION),");
        l("# migrations, atomic switch, web reload, health check (a failure switches back), ledger, cleanup, unlock.");
        l("# Not here (see docs/export-script.md): djdeploy's migration classification (" + (asksApproval()
                ? "any unapplied migration" : "migrations.policy auto: every unapplied migration is applied;"));
        l("# " + (asksApproval() ? "needs APPROVE_MIGRATIONS=1" : "no review") + "), other hosts and their barriers, the settings checks and the migration");
        l("# manifest (both need djdeploy's Python helper), notifications, redaction of output.");
        if (!migrates() && env.django().migrate() && env.migrations().policy() != MigrationsConfig.Policy.OFF) {
            HostConfig m = fleet.migrateHost();
            l("# Migrations: not on this host; they run once, from the script of the host with role migrate"
                    + (m != null ? " (" + oneLine(m.host()) + ")" : "") + ".");
        }
        l("#");
        l("# Exit status, as djdeploy's: 0 deployed; 4 locked by someone else; 6 failed before the switch (nothing");
        l("# changed); 7 failed after the switch and back on the previous release; 8 failed after the switch and NOT");
        l("# back (see the output); 10 unapplied migrations need APPROVE_MIGRATIONS=1; 130 interrupted.");
        l("set -euo pipefail");
    }

    /** A value in a comment: one line, whatever the config holds. */
    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }

    private void settings() {
        l("");
        l("# ---- settings from the config (every value shell-quoted) ------------------------------------");
        l("");
        var("APP", env.app());
        var("ENV_NAME", env.name());
        var("HOST", host.host());
        var("REF", ref);
        var("DEPLOY_TO", layout.deployTo());
        var("RELEASES_DIR", layout.releases());
        var("CURRENT", layout.current());
        var("LOCK_DIR", layout.lock());
        var("LEDGER", layout.ledger());
        var("ENV_FILE", env.django().envFile());
        var("SETTINGS", env.django().settings());
        var("KEEP_RELEASES", String.valueOf(env.keepReleases()));
        // VenvStep.hash: interpreter and site-packages switch, then the requirements' sha256sum output
        var("VENV_HASH_PREFIX", "interpreter=" + env.python().interpreter() + "\nsystem_site_packages="
                + env.python().systemSitePackages() + "\n");
        HealthConfig hc = env.health();
        if (hc != null) {
            var("HEALTH_URL", HealthCheck.url(hc, host.host()));
            var("HEALTH_STATUS", String.valueOf(hc.status()));
            var("HEALTH_MODE", hc.release().name().toLowerCase(Locale.ROOT));
            var("HEALTH_HEADER", hc.header());
            var("HEALTH_RETRIES", String.valueOf(hc.retries()));
            var("HEALTH_INTERVAL", seconds(hc.interval().toMillis()));
            var("HEALTH_TIMEOUT", seconds(hc.timeout().toMillis()));
        }
    }

    /** The functions that embed commands built from the config. */
    private void generatedFunctions() {
        l("");
        l("# The lock as djdeploy takes it (release.HostOps): mkdir is atomic; info.json says who holds it,");
        l("# so `djdeploy status` shows it and `djdeploy unlock` removes it.");
        l("take_lock() {");
        l("  local holder rc=0");
        LockInfo dummy = new LockInfo(null, null, null, null, null, null, null);
        l("  holder=$(lock_info_json | { " + ops().lockCommand(dummy).script() + "; }) || rc=$?");
        l("  if [ \"$rc\" -eq 0 ]; then LOCKED=1; return 0; fi");
        l("  if [ -d \"$LOCK_DIR\" ]; then");
        l("    die 4 \"locked by $(lock_holder \"$holder\") (djdeploy status $ENV_NAME shows the lock; djdeploy unlock $ENV_NAME [--force] removes it)\"");
        l("  fi");
        l("  die \"cannot create the lock $LOCK_DIR\"");
        l("}");
        l("");
        l("# Only this run's lock (its run id is in info.json).");
        l("release_lock() {");
        run("  ", bind(ops().unlockCommand("@@RUN_ID@@").script()));
        l("}");
        l("");
        l("append_ledger() {");
        LedgerEntry none = new LedgerEntry("deploy", null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(), null, null, null, null);
        l("  ledger_line \"$1\" | { " + ops().appendLedgerCommand(none).script() + "; }");
        l("}");
        l("");
        l("# The requirements files' sha256sum output, for the venv hash.");
        l("requirements_sums() {");
        run("  ", bind(VenvStep.hashCommand(layout, RELEASE_ID, env.python()).script()));
        l("}");
        l("");
        switchBack();
    }

    private HostOps ops() {
        return new HostOps(null, layout);
    }

    /** After the switch, a failure goes back as djdeploy does: switch, reload, workers, verify. */
    private void switchBack() {
        l("# A failure after the switch puts the host back on the previous release, as djdeploy does:");
        l("# switch, reload the web tier, restart workers on the old code, verify it.");
        l("switch_back() {");
        l("  if [ -z \"$PREVIOUS\" ]; then NOTE=\"no previous release to go back to: release $RELEASE stays current\"; return 1; fi");
        if (!env.safety().autoRollback()) {
            l("  NOTE=\"not switched back: rollback.auto is off\"");
            l("  return 1");
            l("}");
            return;
        }
        if (migrates()) {
            l("  # djdeploy goes back only when the migrations it applied are expand-only; this script cannot tell");
            l("  if [ -n \"$MIGRATED\" ]; then");
            l("    NOTE=\"not switched back: this run applied migrations ($MIGRATED) and the script cannot tell whether release $PREVIOUS runs on the new schema\"");
            l("    return 1");
            l("  fi");
        }
        l("  log \"switching back to release $PREVIOUS\"");
        run("  ", bind(ops().switchCommand(PREVIOUS_ID).script()), "|| { NOTE=\"switching back to $PREVIOUS failed\"; return 1; }");
        l("  SWITCHED=0");
        if (host.hasRole(HostConfig.WEB)) {
            for (Command c : WebSteps.activateCommands(env, layout, PREVIOUS_ID)) run("  ", bind(c.script()), "|| true");
        }
        for (String step : List.of(CoreSteps.RESTART_WORKERS, CoreSteps.RESTART_BEAT)) {
            for (String c : planned(step)) run("  ", onPrevious(c), "|| true");
        }
        if (healthChecked()) {
            l("  if ! http_check \"$HEALTH_URL\" \"$HEALTH_STATUS\" \"$HEALTH_MODE\" \"$PREVIOUS\" \"$HEALTH_RETRIES\" \"$HEALTH_INTERVAL\" \"$HEALTH_TIMEOUT\"; then");
            l("    NOTE=\"previous release $PREVIOUS is not healthy either: $HEALTH_RESULT\"");
            l("    return 1");
            l("  fi");
            l("  log \"healthy again: $HEALTH_RESULT\"");
        }
        l("}");
    }

    /** A planned command of the new release, for the previous one instead. */
    private static String onPrevious(String boundCommand) {
        return boundCommand.replace("${RELEASE}", "${PREVIOUS}");
    }

    private void steps() {
        l("");
        l("# ---- the release, step by step (phases and step names as in `djdeploy plan`) -------------------");
        l("");
        l("main() {");
        l("  begin");

        step("lock", CoreSteps.LOCK);
        l("  take_lock");

        step("preflight", CoreSteps.INSPECT);
        l("  PREVIOUS=$(current_release)");
        l("  log \"current release: ${PREVIOUS:-none (first deploy)}\"");

        step("preflight", CoreSteps.TOOLS);
        for (String c : planned(CoreSteps.TOOLS)) run("  ", c);
        if (healthChecked()) l("  command -v curl >/dev/null || die \"curl not found on this host (the health check needs it)\"");

        if (env.django().envFile() != null) {
            step("preflight", HostChecks.HOST_CHECKS);
            l("  [ -r \"$ENV_FILE\" ] || die \"env file missing or unreadable: $ENV_FILE (django.env_file)\"");
            List<String> required = env.checks().requiredEnv();
            if (!required.isEmpty()) {
                l("  # the names only: the values are never read into this script's output");
                l("  for key in " + String.join(" ", required.stream().map(Shell::quote).toList()) + "; do");
                l("    grep -q -E \"^(export[[:space:]]+)?${key}[[:space:]]*=\" \"$ENV_FILE\" || die \"env file $ENV_FILE has no $key (checks.required_env)\"");
                l("  done");
            }
        }

        step("preflight", CoreSteps.FETCH);
        List<String> fetch = planned(CoreSteps.FETCH);
        run("  ", fetch.get(0));
        l("  SHA=$(" + fetch.get(1) + ") || die \"ref $REF is not a commit of the repository (push the tag or branch, or export with another --ref)\"");
        l("  RELEASE=$(new_release_id)");
        l("  RELEASE_DIR=" + bind(quote(layout.release(RELEASE_ID))));
        l("  VENV=" + bind(quote(layout.venv(RELEASE_ID))));
        l("  log \"new release $RELEASE from $REF (${SHA:0:12})\"");

        step("prepare", CoreSteps.CODE);
        List<String> code = planned(CoreSteps.CODE);
        l("  # mkdir fails if the directory exists: never take over another run's release");
        run("  ", code.get(0));
        l("  RELEASE_CREATED=1");
        for (String c : code.subList(1, code.size())) run("  ", c);

        if (has(CoreSteps.SHARED_LINKS)) {
            step("prepare", CoreSteps.SHARED_LINKS);
            for (String c : planned(CoreSteps.SHARED_LINKS)) run("  ", c);
        }

        venv();

        if (has(ReleaseChecks.CHECK_DEPLOY)) {
            step("prepare", ReleaseChecks.CHECK_DEPLOY);
            l("  CHECK_OUTPUT=$( ( " + manage("check", "--deploy") + " ) 2>&1) || { printf '%s\\n' \"$CHECK_OUTPUT\" >&2; die \"manage.py check --deploy found errors\"; }");
            l("  printf '%s\\n' \"$CHECK_OUTPUT\"");
            List<String> failOn = env.checks().failOnWarnings();
            if (!failOn.isEmpty()) {
                l("  for id in " + String.join(" ", failOn.stream().map(Shell::quote).toList()) + "; do   # checks.fail_on_warnings");
                l("    case $CHECK_OUTPUT in *\"($id)\"*) die \"check --deploy warning $id fails by policy (fix the setting, or drop it from checks.fail_on_warnings)\" ;; esac");
                l("  done");
            }
        }

        if (has(DjangoSteps.COLLECTSTATIC)) {
            step("prepare", DjangoSteps.COLLECTSTATIC);
            run("  ", manage("collectstatic", "--noinput"));
        }

        step("prepare", CoreSteps.REVISION);
        String rev = layout.revision(RELEASE_ID);
        String text = new Revision(RELEASE_ID, ref, "@@SHA@@", "@@WHO@@", "@@STARTED@@").render();
        l("  # written last (to a temp file, then renamed): a release without it is incomplete, never a rollback target");
        run("  ", bind("printf '%s' " + quote(text) + " > " + quote(rev + ".tmp") + " && chmod 0644 " + quote(rev + ".tmp")
                + " && mv -f -- " + quote(rev + ".tmp") + " " + quote(rev)));

        if (migrates()) migrations();

        step("switch", WebSteps.SWITCH);
        for (String c : planned(WebSteps.SWITCH)) run("  ", c);
        l("  SWITCHED=1");

        if (has("reload web")) {
            step("switch", "reload web");
            for (String c : planned("reload web")) run("  ", c);
        }

        if (healthChecked()) health();

        for (String s : List.of(CoreSteps.RESTART_WORKERS, CoreSteps.RESTART_BEAT)) {
            if (!has(s)) continue;
            step("workers", s);
            for (String c : planned(s)) run("  ", c);
        }

        step("finalize", CoreSteps.CLEANUP);
        l("  cleanup_releases || log \"warning: cleanup failed (the deploy itself succeeded)\"");
        l("}");
    }

    private void venv() {
        step("prepare", VenvStep.NAME);
        l("  # reused when a kept release's venv was built from the same hash (copied, paths rewritten), else built");
        l("  VENV_HASH=$(venv_hash)");
        l("  VENV_FROM=$(reusable_venv \"$VENV_HASH\")");
        l("  if [ -n \"$VENV_FROM\" ] && cp -a -- \"$RELEASES_DIR/$VENV_FROM/.venv\" \"$VENV\" && relocate_venv \"$RELEASES_DIR/$VENV_FROM/.venv\" \"$VENV\"; then");
        l("    log \"venv: requirements unchanged since release $VENV_FROM, copied its venv\"");
        l("  else");
        l("    if [ -n \"$VENV_FROM\" ]; then log \"venv: copy failed, building a new one\"; rm -rf -- \"$VENV\"; fi");
        run("    ", bind(VenvStep.createCommand(layout, RELEASE_ID, env.python()).script()));
        l("  fi");
        run("  ", bind(VenvStep.stampCommand(layout, RELEASE_ID, "@@VENV_HASH@@").script()));
    }

    private void migrations() {
        MigrationsConfig m = env.migrations();
        boolean preset = m.backup() != null && m.backup().command() == null;
        boolean ask = asksApproval();
        step("gate", MigrationSteps.ANALYZE);
        l("  # djdeploy classifies every pending operation (safe / review) with its Python helper; this script");
        l("  # cannot, so it lists the unapplied migrations (showmigrations --plan) and the operations (migrate --plan)");
        l(ask ? "  # and applies none unless APPROVE_MIGRATIONS=1." : "  # and applies them: migrations.policy is auto.");
        if (preset) {
            l("  # migrations.backup preset " + oneLine(m.backup().preset()) + " needs djdeploy's helper: this script does not take it,");
            l("  # so take a backup yourself before APPROVE_MIGRATIONS=1.");
        }
        l("  PENDING=$( ( " + manage("showmigrations", "--plan") + " ) | sed -n 's/^ *\\[ \\] *//p') || die \"cannot read the migration plan (manage.py showmigrations --plan failed, see above)\"");
        l("  if [ -n \"$PENDING\" ]; then");
        l("    log \"$(pending_summary)\"");
        run("    ", manage("migrate", "--plan"));
        if (ask) {
            l("    if [ \"${APPROVE_MIGRATIONS:-}\" != 1 ]; then");
            l("      die 10 \"$(pending_summary): this script cannot classify them, so it applies none without approval; nothing changed. Review the plan above, then run again with APPROVE_MIGRATIONS=1\"");
            l("    fi");
        }
        l("    if [ \"${APPROVE_MIGRATIONS:-}\" = 1 ]; then APPROVED=1; fi");
        l("  else");
        l("    log \"no unapplied migrations\"");
        l("  fi");
        l("  if [ -n \"$PENDING\" ]; then");
        if (has(MigrationSteps.BACKUP) && !preset) {
            l("    step migrate backup");
            for (String c : planned(MigrationSteps.BACKUP)) run("    ", c);
        }
        l("    step migrate migrate");
        if (m.lockTimeout() != null || m.statementTimeout() != null) {
            l("    # migrations.lock_timeout / statement_timeout are not applied here (djdeploy sets them through its helper)");
        }
        run("    ", manage("migrate", "--noinput"));
        l("    MIGRATED=$(echo $PENDING | sed 's/ /, /g')");
        l("  fi");
    }

    private void health() {
        HealthConfig hc = env.health();
        step("switch", WebSteps.HEALTH);
        l("  # the URL must answer " + hc.status() + (hc.release() == HealthConfig.ReleaseCheck.OFF ? ""
                : " and report the new release id (" + (hc.release() == HealthConfig.ReleaseCheck.HEADER ? "header " + oneLine(hc.header()) : "in the body")
                + "): \"200 from the old code\" does not pass"));
        l("  if ! http_check \"$HEALTH_URL\" \"$HEALTH_STATUS\" \"$HEALTH_MODE\" \"$RELEASE\" \"$HEALTH_RETRIES\" \"$HEALTH_INTERVAL\" \"$HEALTH_TIMEOUT\"; then");
        if (env.verify().logs() != null) {
            l("    printf '%s\\n' " + quote("--- " + oneLine(env.verify().logs()) + " ---") + " >&2");
            run("    ", env.verify().logs(), ">&2 || true");
        }
        l("    die \"health check failed: $HEALTH_RESULT\"");
        l("  fi");
        l("  log \"healthy: $HEALTH_RESULT\"");
        VerifyConfig v = env.verify();
        for (VerifyConfig.Url u : v.urls()) {
            String url = u.url().replace("{host}", host.host());
            l("  http_check " + quote(url) + " " + u.status() + " " + (u.text() == null ? "off ''" : "body " + quote(u.text()))
                    + " 3 0.5 \"$HEALTH_TIMEOUT\" || die " + quote("verification of " + url + " failed: ") + "\"$HEALTH_RESULT\"");
        }
        if (v.status() != null) {
            run("  ", v.status(), "|| die \"the web service's status command failed (verify.status)\"");
        }
    }
}
