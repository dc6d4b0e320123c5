package io.djdeploy.pipeline;

import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReversePlan;
import io.djdeploy.django.RollbackSchema;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Phase;
import io.djdeploy.step.RunContext;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * --migrate-back: unapply the migrations the target does not know with the code of a kept
 * release that has their files (the current one, or a newer kept one; its code only runs
 * `migrate`, it is never served), after printing the reverse plan, checking approvals for
 * reverse operations that drop data and taking the configured backup. Recorded as
 * `migrated-back` with the list.
 */
final class MigrateBack {
    static final String OUTCOME = "migrated-back";

    private MigrateBack() {}

    static RunResult run(Run run, HostRun m, String current, RollbackSchema.Verdict v, List<MigrationEntry> target, KeptManifests kept)
            throws TransportException, InterruptedException {
        RunContext ctx = run.ctx();
        EventSink events = run.events();
        String irreversible = RollbackSchema.irreversible(v.extra(), kept.known());
        if (irreversible != null) {
            return blocked(ctx, "cannot migrate back: " + irreversible
                    + " cannot be unapplied. Nothing changed; --ignore-schema switches anyway (recorded as forced)");
        }
        String via = RollbackSchema.holder(v.extra(), kept.manifests(), current);
        if (via == null) {
            return blocked(ctx, "cannot migrate back: no kept release has the file of " + String.join(", ", RollbackSchema.withoutFile(v.extra(), kept.manifests()))
                    + " (Django unapplies only migrations it finds on disk). Nothing changed; --ignore-schema switches anyway (recorded as forced)");
        }
        List<ReversePlan.Step> steps = ReversePlan.of(v.extra(), kept.known());
        String code = via.equals(current) ? "release " + current + "'s code (current)" : "release " + via + "'s code (kept, has their files; it only runs migrate, it is never served)";
        events.emit(new Event.Info(m.name(), "reverse plan, with " + code + ":"));
        for (ReversePlan.Step s : steps) {
            events.emit(new Event.Info(m.name(), "  " + s.migration() + ": " + s.operation() + " -> " + s.reverse() + (s.dropsData() ? " [drops data]" : "")));
        }
        List<String> unapproved = ReversePlan.unapprovedDrops(steps, ctx.approvedMigrations());
        if (!unapproved.isEmpty()) {
            return blocked(ctx, "migrating back " + String.join(", ", unapproved) + " drops data (see the reverse plan). Nothing changed; "
                    + "approve with --approve-migrations " + String.join(",", unapproved));
        }
        if (run.env().migrations().backup() != null) {
            Command backup = MigrationSteps.backupCommand(m.ops().layout(), via, run.env(), current + "-before-migrate-back");
            CommandResult r = m.transport().run(backup, (s, l) -> events.emit(new Event.Output(m.name(), s.name().toLowerCase(Locale.ROOT), l)));
            if (!r.ok()) {
                events.emit(new Event.Failure(m.name(), Phase.PREFLIGHT, "backup", "the backup failed", backup.script(), r.exitCode(), r.tail()));
                return blocked(ctx, "the backup before migrating back failed (exit " + r.exitCode() + "), so nothing was migrated back; the site still runs release " + current);
            }
            events.emit(new Event.Info(m.name(), "backup written before migrating back"));
        }
        for (Map.Entry<String, String> e : RollbackSchema.backTo(v.extra(), target).entrySet()) {
            Command c = MigrationSteps.migrateCommand(m.ops().layout(), via, run.env().django(), run.env().migrations(), e.getKey(), e.getValue());
            events.emit(new Event.Info(m.name(), "migrating back: " + e.getKey() + " to " + e.getValue() + " with release " + via + "'s code"));
            CommandResult r = m.transport().run(c, (s, l) -> events.emit(new Event.Output(m.name(), s.name().toLowerCase(Locale.ROOT), l)));
            if (!r.ok()) {
                events.emit(new Event.Failure(m.name(), Phase.PREFLIGHT, "migrate back", "migrating back failed", c.script(), r.exitCode(), r.tail()));
                return blocked(ctx, "migrating " + e.getKey() + " back to " + e.getValue() + " failed (exit " + r.exitCode() + "); the site still runs release " + current);
            }
        }
        ctx.migrationPlan(ReversePlan.asPlan(v.extra(), steps));
        ctx.note("migrated back " + String.join(", ", v.extra()) + " with release " + via + "'s code before switching");
        ctx.outcome(OUTCOME);
        return null;
    }

    private static RunResult blocked(RunContext ctx, String why) {
        return new RunResult(RunResult.Result.SCHEMA_BLOCKED, ctx.releaseId(), why);
    }
}
