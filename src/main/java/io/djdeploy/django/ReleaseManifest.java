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

    /** Operations that only add: code that does not know them still runs on the schema. */
    static final java.util.Set<String> EXPANDING = java.util.Set.of("CreateModel", "AddField", "AddIndex", "AddIndexConcurrently",
            "AlterModelOptions", "AlterModelManagers", "AlterIndexTogether");

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
                // safe operations leave a schema the running (older) code works with; an index may
                // lock while it is built, but old code runs fine next to it once it exists
                boolean onlyLocks = !op.reasons().isEmpty() && op.reasons().stream().allMatch("locks-table"::equals);
                expandOnly &= op.reasons().isEmpty() || EXPANDING.contains(op.type()) && onlyLocks;
            }
            out.add(new MigrationEntry(m.id(), reasons.isEmpty() ? MigrationPlan.SAFE : MigrationPlan.REVIEW, reasons, expandOnly, ops));
        }
        return out;
    }
}
