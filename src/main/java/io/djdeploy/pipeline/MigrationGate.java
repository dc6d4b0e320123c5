package io.djdeploy.pipeline;

import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.step.Event;
import io.djdeploy.step.HostRun;

import java.util.List;

/** After GATE: shows the migration plan and applies migrations.policy to it. */
final class MigrationGate {
    private MigrationGate() {}

    /** Checkpoint: GATED when review-class migrations are not approved (the release is removed; nothing changed). */
    static RunResult apply(Run run) {
        MigrationPlan plan = run.ctx().migrationPlan();
        if (plan == null) return null;
        HostRun m = run.migrateHost();
        String host = m == null ? null : m.name();
        boolean gating = run.env().migrations().policy() == MigrationsConfig.Policy.GATE;
        List<String> unapproved = gating ? plan.unapproved(run.ctx().approvedMigrations()) : List.of();
        run.events().emit(new Event.MigrationPlanReady(host, plan, unapproved));
        if (plan.isEmpty()) {
            run.info(host, "no pending migrations");
            return null;
        }
        if (!gating) {
            run.info(host, "migrations policy auto: applying " + plan.migrations().size() + " migration(s)");
            return null;
        }
        if (unapproved.isEmpty()) {
            if (plan.needsReview()) run.info(host, "review-class migrations approved: " + String.join(", ", plan.reviewIds()));
            return null;
        }
        return new RunResult(RunResult.Result.GATED, run.ctx().releaseId(), "migrations need review before they run: "
                + String.join(", ", unapproved) + " (" + String.join(", ", plan.reasons()) + "); nothing changed. Approve all with"
                + " --approve-migrations, or some with --approve-migrations " + String.join(",", unapproved));
    }
}
