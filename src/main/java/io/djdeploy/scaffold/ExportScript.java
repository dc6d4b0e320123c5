package io.djdeploy.scaffold;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.config.VerifyConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.pipeline.Pipelines;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.djdeploy.remote.Shell.quote;

/**
 * `djdeploy export-script`: a standalone bash release script that does on one host what the
 * deploy pipeline does (stage 2 of adopting automation, after the checklist). Connects to nothing.
 *
 * <p>The steps are the pipeline's own ({@link Pipelines#deploy}), in order, each with the
 * commands it gives a script ({@code Step#script}: its planned commands unless it judges output
 * in Java), so every step and every web strategy is covered and there is no list of step names
 * here. Values known only at run time (the release id, the commit, the previous release, who
 * runs it) are built with a placeholder that {@link #bind} turns into a bash variable, so each
 * command stays exactly as the pipeline builds it and every config value still passes through
 * {@link Shell#quote}. A failure after the switch goes back as a rollback does: the rollback
 * pipeline's SWITCH and WORKERS steps for the previous release.
 */
public final class ExportScript {
    /** Placeholder release ids: valid ids (ReleaseLayout insists) that no real deploy makes. */
    static final String RELEASE_ID = "29991231235959";
    static final String PREVIOUS_ID = "29991231235958";
    static final Instant STARTED = Instant.parse("2999-12-31T23:59:59Z");
    static final long PID = 2999123123L;

    /** Placeholder → the bash variable holding the run-time value. */
    static final Map<String, String> RUNTIME = runtime();

    private static Map<String, String> runtime() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(RELEASE_ID, "RELEASE");
        m.put(PREVIOUS_ID, "PREVIOUS");
        m.put(DateTimeFormatter.ISO_INSTANT.format(STARTED), "STARTED");
        m.put(String.valueOf(PID), "PID");
        m.put("@@SHA@@", "SHA");
        m.put("@@WHO@@", "WHO");
        m.put("@@ORIGIN@@", "ORIGIN");
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
    private final Map<String, String> runtime = new LinkedHashMap<>(RUNTIME);
    private final StringBuilder out = new StringBuilder();
    private final RunContext ctx;
    private final HostRun run;
    private final boolean migrates;

    private ExportScript(EnvironmentConfig env, HostConfig host, String ref) {
        this.env = env.withHosts(List.of(host));
        this.fleet = env;
        this.host = host;
        this.ref = ref;
        this.layout = new ReleaseLayout(env.deployTo());
        this.ctx = context("export-script", RELEASE_ID);
        this.run = new HostRun(host, null, new HostOps(null, layout));
        run.inspected(PREVIOUS_ID, List.of());
        runtime.put(ctx.runId(), "RUN_ID");
        this.migrates = Pipelines.deploy().stream().filter(p -> p.phase() == Phase.GATE)
                .anyMatch(p -> p.steps().stream().anyMatch(s -> s.appliesTo(run, ctx)));
    }

    private RunContext context(String command, String release) {
        RunContext c = new RunContext(env, command, ref, new Identity("@@WHO@@", "@@ORIGIN@@", PID), STARTED, Helper.bytes(), false,
                new Redactor());
        c.releaseId(release);
        c.sha("@@SHA@@");
        return c;
    }

    /** The script for {@code host} of {@code env} at {@code ref}. */
    public static String render(EnvironmentConfig env, HostConfig host, String ref, Origin origin) {
        String everything = env + "\n" + ref + "\n" + host;
        for (String placeholder : RUNTIME.keySet()) {
            if (everything.contains(placeholder)) {
                throw new Unsupported("the config contains '" + placeholder + "', which export-script uses as a placeholder");
            }
        }
        ExportSecrets.checkRepo(env);
        ExportScript s = new ExportScript(env, host, ref);
        String script = s.write(origin);
        ExportSecrets.check(env, script);
        for (String placeholder : s.runtime.keySet()) {
            if (script.contains(placeholder)) throw new IllegalStateException("unbound placeholder " + placeholder + " in the script");
        }
        return script;
    }

    /** Turns placeholders into bash variables where they stand (see {@link #bind(String, Map)}). */
    String bind(String text) {
        return ScriptVariables.bind(text, runtime);
    }

    // ------------------------------------------------------------------ writing

    private void l(String line) {
        out.append(line).append('\n');
    }

    /**
     * One command as the pipeline runs it: in a subshell with sh's rules (no errexit, nounset
     * or pipefail: the commands are written for `sh -c`), its standard input (a file's content,
     * the lock's info) piped in; an {@link Command#export} sets its variable for the script.
     * {@code onFailure} (e.g. {@code || return 1}) is appended, else the script's errexit acts.
     */
    private void run(String indent, Command c, String onFailure) {
        String tail = onFailure == null ? "" : " " + onFailure;
        if (c.exported() != null) {
            l(indent + bind(c.script()) + tail);
            return;
        }
        String text = bind(c.script());
        String in = c.stdin() == null ? "" : bind("printf '%s' " + quote(new String(c.stdin(), StandardCharsets.UTF_8))) + " | ";
        if (text.indexOf('#') < 0 && text.indexOf('\n') < 0) {
            l(indent + in + "( set +eu +o pipefail; " + text + " )" + tail);
        } else {
            l(indent + in + "( set +eu +o pipefail");
            l(indent + "  " + text);
            l(indent + ")" + tail);
        }
    }

    private void var(String name, String value) {
        l(name + "=" + quote(value == null ? "" : value));
    }

    /** Without djdeploy's classification every unapplied migration needs approval, unless policy auto says apply. */
    private boolean asksApproval() {
        return env.migrations().policy() == MigrationsConfig.Policy.GATE;
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
        if (migrates && asksApproval()) l("#     APPROVE_MIGRATIONS=1 bash deploy.sh    # apply unapplied migrations (the first run lists them)");
        l("#");
        l("# It does what `djdeploy deploy " + oneLine(env.name()) + " --ref " + ref + "` does on this one host, with the same");
        l("# layout, lock, REVISION file and ledger, so djdeploy status, releases and deploy work alongside it:");
        l("# every step of the deploy pipeline, with the commands djdeploy runs (`djdeploy plan` shows the same ones):");
        l("# lock, fetch, build releases/<id>, migrations, the switch (" + env.web().strategy().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + "), health check (a failure switches back), workers, ledger, cleanup, unlock.");
        l("# Not here (see docs/export-script.md): djdeploy's migration classification (" + (asksApproval()
                ? "any unapplied migration" : "migrations.policy auto: every unapplied migration is applied;"));
        l("# " + (asksApproval() ? "needs APPROVE_MIGRATIONS=1" : "no review") + "), other hosts and their barriers, most settings checks (the");
        l("# database is checked), the migration manifest, notifications, redaction of output.");
        if (!migrates && env.django().migrate() && env.migrations().policy() != MigrationsConfig.Policy.OFF) {
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
    }

    /** The functions that embed commands built from the config. */
    private void generatedFunctions() {
        HostOps ops = new HostOps(null, layout);
        l("");
        l("# Only this run's lock (its run id is in info.json).");
        l("release_lock() {");
        run("  ", ops.unlockCommand(ctx.runId()), null);
        l("}");
        l("");
        l("append_ledger() {");
        LedgerEntry none = new LedgerEntry("deploy", null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(), null, null, null, null);
        l("  ledger_line \"$1\" | { " + ops.appendLedgerCommand(none).script() + "; }");
        l("}");
        l("");
        switchBack();
    }

    /**
     * After the switch, a failure goes back as `djdeploy rollback` goes: the rollback pipeline's
     * steps from SWITCH on, for the previous release.
     */
    private void switchBack() {
        l("# A failure after the switch puts the host back on the previous release, as djdeploy does:");
        l("# the rollback's switch steps for the previous release, then its workers.");
        l("switch_back() {");
        l("  if [ -z \"$PREVIOUS\" ]; then NOTE=\"no previous release to go back to: release $RELEASE stays current\"; return 1; fi");
        if (!env.safety().autoRollback()) {
            l("  NOTE=\"not switched back: rollback.auto is off\"");
            l("  return 1");
            l("}");
            return;
        }
        l("  # djdeploy goes back only when the migrations it applied are expand-only; this script cannot tell");
        l("  if [ -n \"$MIGRATED\" ]; then");
        l("    NOTE=\"not switched back: this run applied migrations ($MIGRATED) and the script cannot tell whether release $PREVIOUS runs on the new schema\"");
        l("    return 1");
        l("  fi");
        l("  log \"switching back to release $PREVIOUS\"");
        RunContext back = context("rollback", PREVIOUS_ID);
        HostRun h = new HostRun(host, null, new HostOps(null, layout));
        h.inspected(RELEASE_ID, List.of());
        for (Pipelines.PhaseSpec spec : Pipelines.rollback(null, io.djdeploy.pipeline.Deployer.SchemaMode.CHECK)) {
            if (spec.phase().beforeSwitch()) continue;
            for (Step s : spec.steps()) {
                if (!s.appliesTo(h, back)) continue;
                l("  # " + spec.phase().label() + ": " + s.name());
                for (Command c : s.script(h, back)) {
                    run("  ", c, "|| { NOTE=" + quote("switching back failed at " + s.name()) + "; return 1; }");
                }
            }
        }
        l("  SWITCHED=0");
        l("  log \"healthy again: back on release $PREVIOUS\"");
        l("}");
    }

    private void steps() {
        l("");
        l("# ---- the release, step by step (phases and step names as in `djdeploy plan`) -------------------");
        l("");
        l("main() {");
        l("  begin");
        l("  PID=$$");
        for (Pipelines.PhaseSpec spec : Pipelines.deploy()) {
            List<Step> steps = spec.steps().stream().filter(s -> s.appliesTo(run, ctx)).toList();
            if (steps.isEmpty()) continue;
            if (spec.phase() == Phase.PREPARE) newRelease();
            for (Step s : steps) {
                l("");
                l("  step " + quote(spec.phase().label()) + " " + quote(s.name()));
                for (Command c : s.script(run, ctx)) run("  ", c, null);
            }
            afterPhase(spec.phase());
        }
        l("  end_step ok");
        l("}");
    }

    /** The new release's id, later than every existing one, once the commit is known. */
    private void newRelease() {
        l("");
        l("  RELEASE=$(new_release_id)");
        l("  RELEASE_DIR=" + bind(quote(layout.release(RELEASE_ID))));
        l("  RELEASE_CREATED=1   # from here a failure removes it (the lock keeps other runs out)");
        l("  log \"new release $RELEASE from $REF (${SHA:0:12})\"");
    }

    /** What the runner knows between phases, as script variables the ledger and the switch back read. */
    private void afterPhase(Phase phase) {
        switch (phase) {
            case LOCK -> l("  LOCKED=1");
            case GATE -> l("  if [ -n \"${" + MigrationSteps.PENDING + ":-}\" ] && [ \"${APPROVE_MIGRATIONS:-}\" = 1 ]; then APPROVED=1; fi");
            case MIGRATE -> l("  if [ -n \"${" + MigrationSteps.PENDING + ":-}\" ]; then MIGRATED=$(printf '%s' \"$" + MigrationSteps.PENDING
                    + "\" | paste -s -d , - | sed 's/,/, /g'); fi");
            default -> { }
        }
    }
}
