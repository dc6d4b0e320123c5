package io.djdeploy.django;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.container.AppContainers;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.web.Templates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GATE and MIGRATE of a container release: the same steps, verdicts and refusals as
 * {@link MigrationSteps}, with the helper and manage.py in one-off containers of the new image
 * on the migrate host (the env file through --env-file, never a command line). The release's
 * manifest was read from the image when it was built, so the GATE asks the database only for
 * what is pending.
 */
public final class ContainerMigrations {
    private ContainerMigrations() {}

    /** GATE: the pending plan (with SQL) from the helper inside the new image, against the real database. */
    public static Step analyze() {
        return new Step() {
            public String name() { return MigrationSteps.ANALYZE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return MigrationSteps.enabled(ctx) && MigrationSteps.onMigrateHost(h); }
            public String waitsFor(HostRun h, RunContext ctx) { return "the helper in a one-off container of the new image, reading the database"; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(AppContainers.helper(ctx.env(), h.ops().layout(), ctx.releaseId(), "migrations"));
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                return List.of(Command.fail("runtime: container: the release script has no migration gate; deploy with djdeploy", 1));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                List<Command> c = plan(h, ctx);
                return Scripted.queries(c, Scripted.Gate.LAST, (x, r) -> {
                    MigrationPlan plan = MigrationClassifier.plan(MigrationSteps.facts(c.get(0), r.get(0)));
                    x.ctx().migrationPlan(plan);
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** Before gated migrations, as {@link MigrationSteps#backup}: a preset runs the helper in a one-off container. */
    public static Step backup() {
        return new Step() {
            public String name() { return MigrationSteps.BACKUP; }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "the database backup (migrations.backup) to finish: its time grows with the database's size";
            }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return MigrationSteps.enabled(ctx) && MigrationSteps.onMigrateHost(h) && ctx.env().migrations().backup() != null
                        && (ctx.migrationPlan() == null || ctx.migrationPlan().needsReview());
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(backupCommand(h.ops().layout(), ctx.releaseId(), ctx.env()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                List<Command> c = plan(h, ctx);
                return Scripted.shown(c, Scripted.Gate.EXIT_OK, (x, r) -> {
                    if (!r.get(0).ok()) throw new StepFailure("the backup failed, so no migration ran", c.get(0).script(), r.get(0).exitCode(), r.get(0).tail());
                    x.info("backup written before migrating");
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /**
     * The configured backup into {@code shared/backups/<id>.*}: a user's command runs on the host
     * as for a virtualenv release; a preset runs the helper in a one-off container with the
     * backups directory mounted, as the host's deploy user (so the private directory stays its own).
     */
    static Command backupCommand(ReleaseLayout l, String id, EnvironmentConfig env) {
        MigrationsConfig.Backup b = env.migrations().backup();
        String dir = l.shared() + "/backups";
        Command privateDir = Command.of("mkdir", "-p", dir).then(Command.of("chmod", "700", dir)).then(Command.sh("umask 077"));
        if (b.command() != null) {
            Map<String, String> values = Templates.placeholders(env, l, id);
            values.put("backup_dir", dir);
            return privateDir.then(Command.sh(Templates.render(b.command(), values)));
        }
        String out = dir + "/" + id + MigrationSteps.backupSuffix(b.preset());
        Command user = Command.assign("djdeploy_user", Command.sh("printf '%s:%s' \"$(id -u)\" \"$(id -g)\""));
        return privateDir.then(user).then(AppContainers.helper(env, l, id, List.of("--user", Shell.var("djdeploy_user"), "-v", dir + ":" + dir),
                "backup", "--preset", b.preset(), "--out", out));
    }

    /** Once, on the migrate host, before any host switches: manage.py migrate in a one-off container of the new image. */
    public static Step migrate() {
        return new Step() {
            public String name() { return MigrationSteps.MIGRATE; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return MigrationSteps.enabled(ctx) && MigrationSteps.onMigrateHost(h) && MigrationSteps.pending(ctx);
            }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "manage.py migrate in a one-off container: a schema change may wait for a table lock held by running queries, and a data migration runs over every row";
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(migrateCommand(h.ops().layout(), ctx.releaseId(), ctx.env()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                Command c = plan(h, ctx).get(0);
                return Scripted.shown(List.of(c), Scripted.Gate.EXIT_OK, (x, results) -> {
                    if (results.get(0).ok()) return;
                    String why = MigrateFailure.explain(results.get(0).stdout() + "\n" + results.get(0).stderr(), x.ctx().migrationPlan(),
                            x.ctx().env().migrations().lockTimeout());
                    throw new StepFailure(why != null ? why : "command failed with exit status " + results.get(0).exitCode(), c.script(),
                            results.get(0).exitCode(), results.get(0).tail());
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** {@code manage.py migrate --noinput} with PostgreSQL's lock and statement timeouts in PGOPTIONS, as {@link MigrationSteps#migrateCommand}. */
    static Command migrateCommand(ReleaseLayout l, String id, EnvironmentConfig env) {
        MigrationsConfig m = env.migrations();
        StringBuilder pg = new StringBuilder();
        if (m.lockTimeout() != null && !m.lockTimeout().isZero()) pg.append("-c lock_timeout=").append(MigrationSteps.ms(m.lockTimeout()));
        if (m.statementTimeout() != null && !m.statementTimeout().isZero()) {
            pg.append(pg.length() > 0 ? " " : "").append("-c statement_timeout=").append(MigrationSteps.ms(m.statementTimeout()));
        }
        Map<String, String> environ = new LinkedHashMap<>();
        if (pg.length() > 0) environ.put("PGOPTIONS", pg.toString());
        return AppContainers.manage(env, l, id, environ, "migrate", "--noinput");
    }
}
