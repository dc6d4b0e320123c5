package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.django.MigrationFacts;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.RollbackSchema;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * After a rollback's PREFLIGHT, on the migrate host: may the target's code run on the database
 * as it is? Newer applied migrations that are expand-only are fine; anything else stops the
 * rollback with the list, unless --migrate-back unapplies them (with the code of a kept
 * release that has their files, see {@link MigrateBack}) or --ignore-schema forces it
 * (recorded in the ledger). What each applied migration did comes from every kept release's
 * manifest and the ledger ({@link KeptManifests}), not only the current release's.
 */
final class SchemaGuard implements Checkpoint {
    private final Deployer.SchemaMode mode;

    SchemaGuard(Deployer.SchemaMode mode) {
        this.mode = mode;
    }

    /**
     * Compares the migrations applied in the database with the target release's manifest.
     * @return why the rollback stops, or null to go on
     */
    @Override
    public RunResult after(Run run) {
        RunContext ctx = run.ctx();
        EnvironmentConfig env = run.env();
        EventSink events = run.events();
        if (!env.django().migrate() || env.migrations().policy() == MigrationsConfig.Policy.OFF) return null;
        HostRun m = run.migrateHost();
        if (m == null || m.previous() == null) {
            events.emit(new Event.Warning(null, "no migrate host in this run: the schema check is skipped"));
            return null;
        }
        String target = ctx.releaseId();
        String current = m.previous();
        try {
            KeptManifests kept = KeptManifests.read(m);
            List<MigrationEntry> targetManifest = kept.manifests().get(target);
            List<MigrationEntry> currentManifest = kept.manifests().get(current);
            if (targetManifest == null || currentManifest == null) {
                String which = targetManifest == null ? "the target " + target : "the current release " + current;
                if (mode == Deployer.SchemaMode.IGNORE) {
                    ctx.note("forced with --ignore-schema: " + which + " has no migration manifest");
                    events.emit(new Event.Warning(m.name(), ctx.note()));
                    return null;
                }
                return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, which + " has no migration manifest (deployed before djdeploy recorded them)"
                        + ", so the schema cannot be checked; switch anyway with --ignore-schema");
            }
            Map<String, MigrationEntry> newer = kept.known();
            // read by the connect step's command, with the current release's helper, while the other reads ran
            io.djdeploy.remote.CommandResult read = ConnectFacts.schema(m);
            // runtime: container: the current release's helper in a one-off container of its image (no venv on the host)
            MigrationFacts facts = MigrationSteps.parse(read != null ? read : m.transport().run(env.containers()
                    ? io.djdeploy.container.AppContainers.helper(env, m.ops().layout(), current, MigrationSteps.APPLIED)
                    : MigrationSteps.appliedCommand(m.ops().layout(), current, env.django())));
            List<String> applied = new ArrayList<>();
            for (List<String> a : facts.applied() == null ? List.<List<String>>of() : facts.applied()) applied.add(a.get(0) + "." + a.get(1));
            RollbackSchema.Verdict v = RollbackSchema.compare(applied, targetManifest, newer);
            if (v.extra().isEmpty()) {
                events.emit(new Event.Info(m.name(), "schema: the database holds no migration that release " + target + " does not know"));
                return null;
            }
            if (v.ok()) {
                events.emit(new Event.Info(m.name(), "schema: " + v.extra().size() + " newer migration(s) are expand-only ("
                        + String.join(", ", v.expandOnly()) + "): release " + target + "'s code runs on this schema"));
                return null;
            }
            List<String> lines = new ArrayList<>();
            for (RollbackSchema.Blocker b : v.blockers()) lines.add(b.id() + " (" + b.why() + ")");
            if (mode == Deployer.SchemaMode.IGNORE) {
                ctx.note("forced with --ignore-schema over " + String.join(", ", lines));
                events.emit(new Event.Warning(m.name(), ctx.note()));
                return null;
            }
            if (mode == Deployer.SchemaMode.MIGRATE_BACK) return MigrateBack.run(run, m, current, v, targetManifest, kept);
            String via = RollbackSchema.holder(v.extra(), kept.manifests(), current);
            String back = via == null
                    ? "--migrate-back cannot unapply them: no kept release has the file of " + String.join(", ", RollbackSchema.withoutFile(v.extra(), kept.manifests()))
                    : via.equals(current) ? "--migrate-back (unapply them with release " + current + "'s code first)"
                    : "--migrate-back (release " + current + "'s code lacks their files; release " + via
                    + ", kept, has them: its code unapplies them, never serving, then the switch)";
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, "release " + target + "'s code does not know migrations applied since: "
                    + String.join("; ", lines) + ". Nothing changed. Choose: " + back + " or --ignore-schema (switch anyway; recorded as forced)");
        } catch (IllegalArgumentException e) {
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, "cannot check the schema: " + e.getMessage()
                    + "; switch anyway with --ignore-schema");
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
    }
}
