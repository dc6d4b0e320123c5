package io.djdeploy.pipeline;

import io.djdeploy.config.HostConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.django.Manage;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.release.HostFacts;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A run's first command on a host, one round trip (issue 18): it proves the connection runs
 * commands, takes the lock and, only when this run got it, reads what the run needs before it
 * decides anything, each part after a marker line ({@link HostFacts}). Every command reads
 * the current link and the release dirs (inspect); a rollback also reads the ledger, each
 * complete release's REVISION, which releases have the helper, the env file (for the
 * redactor, never printed) and, on the migrate host, every kept manifest and the migrations
 * applied in the database, by the current release's helper. That Python start is the slow part
 * (0.6–0.8 s: it imports Django), so it starts first, in the background, and the other reads
 * run while it imports; the script waits for it at the end.
 */
final class ConnectFacts {
    /** A placeholder release id: paths inside a release are built for it, then its dir becomes "$d" or "$cur". */
    private static final String SOME_ID = "20000101000000";

    private ConnectFacts() {}

    static String nonce(RunContext ctx) {
        return ctx.runId().replace("-", "");
    }

    /** The script; its standard input is the lock info. */
    static Command command(HostRun h, RunContext ctx) {
        ReleaseLayout l = h.ops().layout();
        String n = nonce(ctx);
        boolean rollback = "rollback".equals(ctx.command());
        boolean schema = rollback && readsSchema(h, ctx);
        Command lock = h.ops().lockCommand(CoreSteps.lockInfo(ctx));
        StringBuilder s = new StringBuilder();
        s.append(mark(n, "start"));
        // the lock's own script runs in a subshell: its `exit` ends only that
        s.append("lock_out=$( { ").append(lock.script()).append("\n} 2>&1 ); lock_rc=$?; ");
        s.append("printf '\\n@@%s lock %s\\n' ").append(n).append(" \"$lock_rc\"; printf '%s' \"$lock_out\"; ");
        s.append("if [ \"$lock_rc\" = 0 ]; then ");
        s.append("cur=$(readlink ").append(Shell.quote(l.current())).append(" 2>/dev/null | sed -n 's,.*/,,; /^[0-9]\\{14\\}$/p'); ");
        if (schema) {
            s.append("schema_pid=''; if [ -n \"$cur\" ]; then schema_out=$(mktemp) && schema_err=$(mktemp) && { ( ")
                    .append(schemaCommand(l, ctx).script()).append(" ) >\"$schema_out\" 2>\"$schema_err\" </dev/null & schema_pid=$!; }; fi; ");
        }
        s.append(mark(n, "current")).append(h.ops().currentCommand().script()).append("; ");
        s.append(mark(n, "releases")).append(h.ops().releasesCommand().script()).append("; ");
        s.append(mark(n, "complete")).append(h.ops().completeReleasesCommand().script()).append("; ");
        if (ctx.env().web().blueGreen() && h.config().hasRole(HostConfig.WEB)) {
            // which color is live: only a run holding the lock changes it, so the boot step may use this read
            s.append(mark(n, "bluegreen")).append("( ").append(io.djdeploy.web.BlueGreen.stateCommand(ctx.env(), l).script()).append("\n); ");
        }
        if (rollback) {
            String rel = l.release(SOME_ID);
            String helper = l.helper(SOME_ID).substring(rel.length() + 1);
            String revision = l.revision(SOME_ID).substring(rel.length() + 1);
            String manifest = MigrationSteps.manifestPath(l, SOME_ID).substring(rel.length() + 1);
            s.append(mark(n, "ledger")).append("cat ").append(Shell.quote(l.ledger())).append(" 2>/dev/null; ");
            // each complete release: its REVISION, whether it has the helper, and (migrate host) its manifest
            s.append("for d in ").append(Shell.quote(l.releases())).append("/*; do [ -f \"$d/").append(revision).append("\" ] || continue; id=${d##*/}; ");
            s.append("printf '\\n@@%s revision %s\\n' ").append(n).append(" \"$id\"; cat \"$d/").append(revision).append("\"; ");
            s.append("[ -f \"$d/").append(helper).append("\" ] && printf '\\n@@%s helper %s\\n' ").append(n).append(" \"$id\"; ");
            if (h.config().hasRole(HostConfig.MIGRATE)) {
                s.append("[ -f \"$d/").append(manifest).append("\" ] && { printf '\\n@@%s manifest %s\\n' ").append(n)
                        .append(" \"$id\"; cat \"$d/").append(manifest).append("\"; }; ");
            }
            s.append("done; ");
            String env = ctx.env().django().envFile();
            if (env != null) {
                s.append("if [ -r ").append(Shell.quote(env)).append(" ]; then ").append(mark(n, "envfile ok")).append("cat ")
                        .append(Shell.quote(env)).append("; else ").append(mark(n, "envfile missing")).append("true; fi; ");
            }
        }
        if (schema) {
            s.append("if [ -n \"$schema_pid\" ]; then wait \"$schema_pid\"; schema_rc=$?; printf '\\n@@%s schema %s\\n' ").append(n)
                    .append(" \"$schema_rc\"; cat \"$schema_out\"; ").append(mark(n, "schema-stderr"))
                    .append("cat \"$schema_err\"; rm -f \"$schema_out\" \"$schema_err\"; fi; ");
        }
        s.append("fi; ").append(mark(n, "end")).append("true");
        return Command.sh(s.toString()).withStdin(lock.stdin());
    }

    private static String mark(String nonce, String name) {
        return "printf '\\n@@%s %s\\n' " + nonce + " " + Shell.quote(name) + "; ";
    }

    /** The schema check's read (SchemaGuard), taken here when it will run: a rollback with migrations on, on the migrate host. */
    static boolean readsSchema(HostRun h, RunContext ctx) {
        // a container release has no venv on the host: SchemaGuard reads it in a one-off container instead
        return h.config().hasRole(HostConfig.MIGRATE) && ctx.env().django().migrate()
                && ctx.env().migrations().policy() != MigrationsConfig.Policy.OFF && !ctx.env().containers();
    }

    /**
     * SchemaGuard's read of the applied migrations with the current release's helper, "$cur"
     * standing for its id: the light {@code applied} read ({@link MigrationSteps#appliedRead}).
     */
    static Command schemaCommand(ReleaseLayout l, RunContext ctx) {
        String rel = l.release(SOME_ID);
        Command cd = Command.of("cd", inCurrent(Manage.projectDir(l, SOME_ID, ctx.env().django()), rel));
        List<Object> full = helper(l, ctx, "migrations", rel);
        full.add("--no-sql");
        return cd.then(MigrationSteps.appliedRead(Command.of(helper(l, ctx, MigrationSteps.APPLIED, rel).toArray()), Command.of(full.toArray())));
    }

    private static List<Object> helper(ReleaseLayout l, RunContext ctx, String sub, String rel) {
        List<Object> argv = new ArrayList<>();
        for (String a : Manage.helper(l, SOME_ID, ctx.env().django(), sub)) argv.add(inCurrent(a, rel));
        return argv;
    }

    private static Object inCurrent(String arg, String rel) {
        int i = arg.indexOf(rel);
        return i < 0 ? arg : Shell.var("cur").around(arg.substring(0, i) + rel.substring(0, rel.length() - SOME_ID.length()),
                arg.substring(i + rel.length()));
    }

    // ---- reads: from the facts when the connect step read them, else from the host (one round trip each)

    static List<String> completeReleases(HostRun h) throws io.djdeploy.remote.TransportException, InterruptedException {
        HostFacts f = h.facts();
        return f != null && f.has("complete") ? h.ops().releaseIds(f.get("complete")) : h.ops().completeReleases();
    }

    static List<io.djdeploy.release.LedgerEntry> ledger(HostRun h) throws io.djdeploy.remote.TransportException, InterruptedException {
        HostFacts f = h.facts();
        return f != null && f.has("ledger") ? h.ops().ledgerEntries(f.get("ledger")) : h.ops().ledger();
    }

    static io.djdeploy.release.Revision revision(HostRun h, String id) throws io.djdeploy.remote.TransportException, InterruptedException {
        HostFacts f = h.facts();
        return f != null && f.has("ledger") ? io.djdeploy.release.Revision.parse(f.sections().getOrDefault("revision " + id, "")) : h.ops().revision(id);
    }

    /** @return whether release {@code id} has the helper, or null when the facts do not say */
    static Boolean hasHelper(HostRun h, String id) {
        HostFacts f = h.facts();
        return f != null && f.has("ledger") ? f.has("helper " + id) : null;
    }

    /** The manifest's text (null: none), or the facts' absence: {@link java.util.Optional#empty}. */
    static java.util.Optional<String> manifest(HostRun h, String id) {
        HostFacts f = h.facts();
        if (f == null || !f.has("ledger") || !h.config().hasRole(HostConfig.MIGRATE)) return java.util.Optional.empty();
        String m = f.get("manifest " + id);
        return java.util.Optional.of(m == null ? "" : m);
    }

    /** The applied-migrations read the facts hold, as if it had run alone; null when they hold none. */
    static io.djdeploy.remote.CommandResult schema(HostRun h) {
        HostFacts f = h.facts();
        String rc = f == null ? null : f.arg("schema");
        if (rc == null) return null;
        String out = f.withArg("schema");
        String err = f.get("schema-stderr") == null ? "" : f.get("schema-stderr");
        List<String> lines = new ArrayList<>();
        for (String t : List.of(out, err)) if (!t.isEmpty()) lines.addAll(java.util.Arrays.asList(t.split("\n")));
        List<String> tail = lines.size() > 15 ? lines.subList(lines.size() - 15, lines.size()) : lines;
        int exit;
        try {
            exit = Integer.parseInt(rc);
        } catch (NumberFormatException e) {
            exit = 1;
        }
        return new io.djdeploy.remote.CommandResult(exit, out.isEmpty() ? out : out + "\n", err, List.copyOf(tail), java.time.Duration.ZERO);
    }
}
