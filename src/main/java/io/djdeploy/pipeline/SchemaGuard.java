package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.django.Manage;
import io.djdeploy.django.MigrationFacts;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseManifest;
import io.djdeploy.django.RollbackSchema;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Phase;
import io.djdeploy.step.RunContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * After a rollback's PREFLIGHT, on the migrate host: may the target's code run on the database
 * as it is? Newer applied migrations that are expand-only are fine; anything else stops the
 * rollback with the list, unless --migrate-back unapplies them (with the newer code, which
 * still has their files) or --ignore-schema forces it (recorded in the ledger).
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
            List<MigrationEntry> targetManifest = readManifest(m, target);
            List<MigrationEntry> currentManifest = readManifest(m, current);
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
            Map<String, MigrationEntry> newer = new LinkedHashMap<>();
            for (MigrationEntry e : currentManifest) newer.put(e.id(), e);
            MigrationFacts facts = MigrationSteps.parse(m.transport().run(
                    MigrationSteps.helperCommand(m.ops().layout(), current, env.django(), "migrations", "--no-sql")));
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
            if (mode == Deployer.SchemaMode.MIGRATE_BACK) return migrateBack(run, m, current, v, targetManifest, newer);
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, "release " + target + "'s code does not know migrations applied since: "
                    + String.join("; ", lines) + ". Nothing changed. Choose: --migrate-back (unapply them with release " + current
                    + "'s code first) or --ignore-schema (switch anyway; recorded as forced)");
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

    /** --migrate-back: `migrate APP LEAF` with the newer (current) code, which still has the files to unapply. */
    private static RunResult migrateBack(Run run, HostRun m, String current, RollbackSchema.Verdict v,
                                  List<MigrationEntry> target, Map<String, MigrationEntry> newer)
            throws TransportException, InterruptedException {
        RunContext ctx = run.ctx();
        EventSink events = run.events();
        String irreversible = RollbackSchema.irreversible(v.extra(), newer);
        if (irreversible != null) {
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, ctx.releaseId(), "cannot migrate back: " + irreversible
                    + " cannot be unapplied. Nothing changed; --ignore-schema switches anyway (recorded as forced)");
        }
        for (Map.Entry<String, String> e : RollbackSchema.backTo(v.extra(), target).entrySet()) {
            Command c = Manage.command(m.ops().layout(), current, run.env().django(), "migrate", e.getKey(), e.getValue(), "--noinput");
            events.emit(new Event.Info(m.name(), "migrating back: " + e.getKey() + " to " + e.getValue() + " with release " + current + "'s code"));
            CommandResult r = m.transport().run(c, (s, l) -> events.emit(new Event.Output(m.name(), s.name().toLowerCase(Locale.ROOT), l)));
            if (!r.ok()) {
                events.emit(new Event.Failure(m.name(), Phase.PREFLIGHT, "migrate back", "migrating back failed", c.script(), r.exitCode(), r.tail()));
                return new RunResult(RunResult.Result.SCHEMA_BLOCKED, ctx.releaseId(), "migrating " + e.getKey() + " back to " + e.getValue()
                        + " failed (exit " + r.exitCode() + "); the site still runs release " + current);
            }
        }
        ctx.note("migrated back " + String.join(", ", v.extra()) + " before switching");
        return null;
    }

    private static List<MigrationEntry> readManifest(HostRun h, String id) throws TransportException, InterruptedException {
        CommandResult r = h.transport().run(Command.of("cat", MigrationSteps.manifestPath(h.ops().layout(), id)).quiet());
        if (!r.ok() || r.out().isEmpty()) return null;
        try {
            return Json.read(r.out(), ReleaseManifest.class).migrations();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
