package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;
import java.util.ArrayList;
import java.util.List;

import io.djdeploy.release.LedgerEntry.MigrationEntry;

/**
 * Every migration a release's code knows, with each one's class: stored in the release
 * ({@code .djdeploy/migrations.json}) and in its ledger entry, so a rollback can tell
 * whether the target's code understands the schema.
 */
/** @see MigrationEntry */
public record ReleaseManifest(List<MigrationEntry> migrations) {
    public static List<MigrationEntry> of(MigrationFacts all) {
        return entries(MigrationClassifier.isolated(all));
    }

    /** One entry per migration: review when any operation is, with the reasons of all. */
    public static List<MigrationEntry> entries(MigrationPlan plan) {
        List<MigrationEntry> out = new ArrayList<>();
        for (MigrationPlan.Migration m : plan.migrations()) {
            List<String> reasons = new ArrayList<>();
            List<String> ops = new ArrayList<>();
            boolean expandOnly = true;
            for (MigrationPlan.Op op : m.operations()) {
                for (String r : op.reasons()) if (!reasons.contains(r)) reasons.add(r);
                ops.add(op.description());
                // the rollback axis, not the forward one: a widening locks a table while it runs,
                // yet the previous code runs fine on the schema after it (RollbackCompat)
                expandOnly &= op.expandOnly();
            }
            out.add(new MigrationEntry(m.id(), reasons.isEmpty() ? MigrationPlan.SAFE : MigrationPlan.REVIEW, reasons, expandOnly, ops));
        }
        return out;
    }
}
