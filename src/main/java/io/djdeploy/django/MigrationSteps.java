package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;
import io.djdeploy.config.DjangoConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.release.Json;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;
import io.djdeploy.web.Templates;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GATE and MIGRATE: analyse with Django's own machinery, back up, migrate once. */
public final class MigrationSteps {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String ANALYZE = "analyze migrations";
    public static final String MANIFEST = "manifest";
    public static final String BACKUP = "backup";
    public static final String MIGRATE = "migrate";
    private MigrationSteps() {}

    static boolean enabled(RunContext ctx) {
        return ctx.env().django().migrate() && ctx.env().migrations().policy() != MigrationsConfig.Policy.OFF;
    }

    static boolean onMigrateHost(HostRun h) {
        return h.config().hasRole(HostConfig.MIGRATE);
    }

    /** Whether GATE asks this host's new release about its migrations (through the warm process, which it then stops). */
    public static boolean analyzes(HostRun h, RunContext ctx) {
        return enabled(ctx) && onMigrateHost(h);
    }

    /** {@code cd <project> && python helper.py migrations [args]}, with the env file loaded by the helper. */
    public static Command helperCommand(ReleaseLayout l, String id, DjangoConfig django, String sub, String... args) {
        return helperCommand(l, id, django, Manage.Warm.OFF, sub, args);
    }

    /** As {@link #helperCommand(ReleaseLayout, String, DjangoConfig, String, String...)}, through the warm process when asked. */
    public static Command helperCommand(ReleaseLayout l, String id, DjangoConfig django, Manage.Warm warm, String sub, String... args) {
        List<String> argv = Manage.helper(l, id, django, sub);
        argv.addAll(List.of(args));
        argv.addAll(warm.flag());
        return Command.of(argv).in(Manage.projectDir(l, id, django));
    }

    /** The helper subcommand that reads only the applied migrations (no django.setup(), no migration loader). */
    public static final String APPLIED = "applied";

    /**
     * A rollback's read of the migrations applied in the database with release {@code id}'s
     * helper, in its project dir: {@link #appliedRead} of {@code applied} and {@code migrations --no-sql}.
     */
    public static Command appliedCommand(ReleaseLayout l, String id, DjangoConfig django) {
        List<String> full = Manage.helper(l, id, django, "migrations");
        full.add("--no-sql");
        return Command.of("cd", Manage.projectDir(l, id, django))
                .then(appliedRead(Command.of(Manage.helper(l, id, django, APPLIED)), Command.of(full)));
    }

    /**
     * {@code applied}, or, when the release's helper predates that subcommand (a release deployed by
     * an older djdeploy: argparse refuses an unknown subcommand with exit status 2, which neither
     * command uses otherwise), {@code full} (the whole analysis, whose JSON holds the same
     * {@code applied} list). Any other failure keeps its own exit status.
     */
    public static Command appliedRead(Command applied, Command full) {
        return applied.orElse(Command.sh("rc=$?").andAlso(Command.ifElse(Command.sh("[ \"$rc\" = 2 ]"), full, Command.sh("(exit \"$rc\")"))));
    }

    /** Runs the helper and parses its one JSON object; a Django error fails the step with its message. */
    public static MigrationFacts facts(StepExec x, Command c) throws StepFailure, TransportException, InterruptedException {
        return facts(c, x.query(c));
    }

    /** As {@link #facts(StepExec, Command)}, from what {@code c} printed. */
    static MigrationFacts facts(Command c, CommandResult r) throws StepFailure {
        try {
            return parse(r);
        } catch (IllegalArgumentException e) {
            throw new StepFailure(e.getMessage(), c.script(), r.exitCode(), r.tail());
        }
    }

    /** The helper's JSON verdict; IllegalArgumentException with a one-line reason when it is unusable. */
    public static MigrationFacts parse(CommandResult r) {
        MigrationFacts f;
        try {
            f = Json.read(r.lastJsonLine(), MigrationFacts.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the migration analysis printed no result (exit " + r.exitCode() + "): " + r.lastLine().orElse("no output"));
        }
        if (f.error() != null) throw new IllegalArgumentException("the migration analysis failed: " + f.error());
        if (f.conflicts() != null && !f.conflicts().isEmpty()) {
            throw new IllegalArgumentException("conflicting migrations " + f.conflicts() + ": merge them first (manage.py makemigrations --merge)");
        }
        if (f.inconsistent() != null) throw new IllegalArgumentException("inconsistent migration history: " + f.inconsistent());
        // an unreachable database must never look like "nothing pending"
        if (f.dbError() != null && !"all".equals(f.mode())) {
            throw new IllegalArgumentException("cannot read the applied migrations from the database: " + f.dbError());
        }
        return f;
    }

    /** The script variable that holds the unapplied migrations (one app.name per line) in an exported script. */
    public static final String PENDING = "PENDING";

    /**
     * For a script, which cannot classify: the unapplied migrations (showmigrations --plan) and
     * their operations (migrate --plan); under policy gate none is applied without
     * APPROVE_MIGRATIONS=1 (exit 10, as djdeploy's gate).
     */
    static List<Command> gateScript(HostRun h, RunContext ctx) {
        ReleaseLayout l = h.ops().layout();
        DjangoConfig dj = ctx.env().django();
        Shell.Var list = Shell.var("list");
        Command pending = Command.export(PENDING, Manage.command(l, ctx.releaseId(), dj, "showmigrations", "--plan")
                .pipe(Command.of("sed", "-n", "s/^ *\\[ \\] *//p")));
        Command found = Command.assign("list", Command.of("printf", "%s", Shell.var(PENDING)).pipe(Command.of("paste", "-s", "-d", ",", "-"))
                        .pipe(Command.of("sed", "s/,/, /g")))
                .andAlso(Command.of("printf", "unapplied migration(s): %s\\n", list))
                .andAlso(Manage.command(l, ctx.releaseId(), dj, "migrate", "--plan"));
        if (ctx.env().migrations().policy() == MigrationsConfig.Policy.GATE) {
            found = found.andAlso(Command.ifThen(Command.of("test", Shell.var("APPROVE_MIGRATIONS"), "=", "1").not(),
                    Command.of("printf", "unapplied migration(s): %s: this script cannot classify them, so it applies none without approval; "
                            + "nothing changed. Review the plan above, then run again with APPROVE_MIGRATIONS=1\\n", list).toStderr()
                            .andAlso(Command.exit(10))));
        }
        return List.of(pending, Command.ifElse(Command.of("test", "-n", Shell.var(PENDING)), found, Command.echo("no unapplied migrations")));
    }

    /** GATE: the pending plan (with SQL) and the release's manifest, from one host. */
    public static Step analyze() {
        return new Step() {
            public String name() { return ANALYZE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return analyzes(h, ctx); }
            public List<Command> script(HostRun h, RunContext ctx) {
                return gateScript(h, ctx);
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                ReleaseLayout l = h.ops().layout();
                // the release's warm Django process answers both (PREPARE started it), then stops
                return List.of(helperCommand(l, ctx.releaseId(), ctx.env().django(), Manage.Warm.ON, "migrations"),
                        helperCommand(l, ctx.releaseId(), ctx.env().django(), Manage.Warm.LAST, "migrations", "--all", "--no-sql"));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                List<Command> c = plan(h, ctx);
                return Scripted.queries(c, Scripted.Gate.LAST, (x, r) -> {
                    MigrationPlan plan = MigrationClassifier.plan(facts(c.get(0), r.get(0)));
                    x.ctx().manifest(ReleaseManifest.of(facts(c.get(1), r.get(1))));
                    x.ctx().migrationPlan(plan);
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** Every host stores the manifest with the release, for schema-aware rollback. */
    public static Step manifest() {
        return new Step() {
            public String name() { return MANIFEST; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return ctx.manifest() != null; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                byte[] json = Json.line(new ReleaseManifest(ctx.manifest())).getBytes(StandardCharsets.UTF_8);
                return List.of(Command.writeFile(manifestPath(h.ops().layout(), ctx.releaseId()), 0644, json));
            }
        };
    }

    public static String manifestPath(ReleaseLayout l, String id) {
        return l.release(id) + "/.djdeploy/migrations.json";
    }

    static boolean pending(RunContext ctx) {
        // without an analysis (plan) we cannot know: migrate, as the checklist does
        return ctx.migrationPlan() == null || !ctx.migrationPlan().isEmpty();
    }

    /**
     * Before gated migrations (a plan with review-class operations, approved or under policy
     * auto): the risky ones. A plan of safe operations only needs no backup. A failed backup
     * stops the deploy before any migration runs.
     */
    public static Step backup() {
        return new Step() {
            public String name() { return BACKUP; }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "the database backup (migrations.backup) to finish: its time grows with the database's size";
            }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return enabled(ctx) && onMigrateHost(h) && ctx.env().migrations().backup() != null
                        && (ctx.migrationPlan() == null || ctx.migrationPlan().needsReview());
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(backupCommand(h.ops().layout(), ctx.releaseId(), ctx.env(), ctx.releaseId()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                List<Command> c = plan(h, ctx);
                // a failed backup stops the script before any migration runs
                return Scripted.shown(c, Scripted.Gate.EXIT_OK, (x, r) -> {
                    for (int i = 0; i < r.size(); i++) {
                        if (!r.get(i).ok()) throw new StepFailure("the backup failed, so no migration ran", c.get(i).script(), r.get(i).exitCode(), r.get(i).tail());
                    }
                    x.info("backup written before migrating");
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /**
     * The configured backup, run with release {@code id}'s code into {@code shared/backups/NAME.*}
     * (a user's command gets the placeholders of that release).
     */
    public static Command backupCommand(ReleaseLayout l, String id, EnvironmentConfig env, String name) {
        MigrationsConfig.Backup b = env.migrations().backup();
        String dir = l.shared() + "/backups";
        // a backup holds every row and password hash: a private dir, files 0600 (umask 077)
        Command privateDir = Command.of("mkdir", "-p", dir).then(Command.of("chmod", "700", dir)).then(Command.sh("umask 077"));
        if (b.command() != null) {
            Map<String, String> values = Templates.placeholders(env, l, id);
            values.put("backup_dir", dir);
            return privateDir.then(Command.sh(Templates.render(b.command(), values)));
        }
        String out = dir + "/" + name + backupSuffix(b.preset());
        return privateDir.then(helperCommand(l, id, env.django(), "backup", "--preset", b.preset(), "--out", out));
    }

    /** Once, on the migrate host, under the lock, before any host switches. */
    public static Step migrate() {
        return new Step() {
            public String name() { return MIGRATE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return enabled(ctx) && onMigrateHost(h) && pending(ctx); }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "manage.py migrate on the database: a schema change may wait for a table lock held by running queries, and a data migration runs over every row";
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(migrateCommand(h.ops().layout(), ctx.releaseId(), ctx.env().django(), ctx.env().migrations()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                Command c = plan(h, ctx).get(0);
                return Scripted.shown(List.of(c), Scripted.Gate.EXIT_OK, (x, results) -> migrated(x, c, results.get(0)));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    private static void migrated(StepExec x, Command c, CommandResult r) throws StepFailure {
        if (r.ok()) return;
        String why = MigrateFailure.explain(r.stdout() + "\n" + r.stderr(), x.ctx().migrationPlan(), x.ctx().env().migrations().lockTimeout());
        throw new StepFailure(why != null ? why : "command failed with exit status " + r.exitCode(), c.script(), r.exitCode(), r.tail());
    }

    /**
     * {@code manage.py migrate --noinput [APP LEAF]} with PostgreSQL's lock_timeout and
     * statement_timeout in PGOPTIONS: libpq sends them when the connection opens, so every
     * statement of the migrating session has them and the app needs no change. An ALTER that
     * waits for a lock then fails after the timeout instead of queueing every later query
     * behind it. Other databases ignore PGOPTIONS.
     */
    public static Command migrateCommand(ReleaseLayout l, String id, DjangoConfig django, MigrationsConfig m, String... target) {
        List<String> args = new ArrayList<>();
        StringBuilder pg = new StringBuilder();
        if (m.lockTimeout() != null && !m.lockTimeout().isZero()) pg.append("-c lock_timeout=").append(ms(m.lockTimeout()));
        if (m.statementTimeout() != null && !m.statementTimeout().isZero()) {
            pg.append(pg.length() > 0 ? " " : "").append("-c statement_timeout=").append(ms(m.statementTimeout()));
        }
        if (pg.length() > 0) {
            args.add("env");
            args.add("PGOPTIONS=" + pg);
        }
        args.add(l.venvPython(id));
        String manage = django.manage();
        args.add(manage.substring(manage.lastIndexOf('/') + 1));
        args.add("migrate");
        args.addAll(List.of(target));
        args.add("--noinput");
        List<String> argv = new ArrayList<>(Manage.helperRun(l, id, django));
        argv.addAll(args);
        return Command.of(argv).in(Manage.projectDir(l, id, django));
    }

    /** pg_dump's custom format, mariadb-dump's SQL, or an SQLite database file. */
    public static String backupSuffix(String preset) {
        return switch (preset) {
            case "postgresql" -> ".dump";
            case "mariadb" -> ".sql";
            default -> ".sqlite3";
        };
    }

    static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
