package io.djdeploy.django;

import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.release.MigrationPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What `--migrate-back` does, operation by operation, newest first: unapplying runs each
 * operation backwards. Adding something drops it (a dropped column or table takes its data
 * with it: those need --approve-migrations); removing something brings back the column or
 * table, not its data. Read from the manifest's operation descriptions (Django's own
 * {@code describe()} text, the same in 3.2 to 5.2).
 */
public final class ReversePlan {
    private ReversePlan() {}

    /** One operation run backwards: what it does then, and whether it drops data. */
    public record Step(String migration, String operation, String reverse, boolean dropsData) {}

    /** @param extra the migrations to unapply, in the order they were applied */
    public static List<Step> of(List<String> extra, Map<String, MigrationEntry> known) {
        List<Step> out = new ArrayList<>();
        for (int i = extra.size() - 1; i >= 0; i--) {
            MigrationEntry e = known.get(extra.get(i));
            List<String> ops = e == null || e.operations() == null ? List.of() : e.operations();
            for (int j = ops.size() - 1; j >= 0; j--) out.add(reverse(extra.get(i), ops.get(j)));
        }
        return out;
    }

    static Step reverse(String migration, String op) {
        String d = op.strip();
        if (d.startsWith("Add field ")) {
            return new Step(migration, d, "drops column " + rest(d, "Add field ") + " and every value in it", true);
        }
        if (d.startsWith("Create model ") || d.startsWith("Create proxy model ")) {
            return new Step(migration, d, "drops table " + d.substring(d.lastIndexOf(' ') + 1) + " and every row in it", !d.startsWith("Create proxy"));
        }
        if (d.startsWith("Remove field ")) {
            return new Step(migration, d, "adds column " + rest(d, "Remove field ") + " back, empty (NULL or its default): its old values are not restored", false);
        }
        if (d.startsWith("Delete model ")) {
            return new Step(migration, d, "creates table " + d.substring("Delete model ".length()) + " again, empty: its old rows are not restored", false);
        }
        if (d.startsWith("Create index") || d.startsWith("Concurrently create index") || d.startsWith("Create constraint")) {
            return new Step(migration, d, "drops the index or constraint (no data is lost)", false);
        }
        if (d.startsWith("Raw Python operation")) return new Step(migration, d, "runs its reverse_code over the data", false);
        if (d.startsWith("Raw SQL operation")) return new Step(migration, d, "runs its reverse_sql (djdeploy cannot tell what it does)", false);
        if (d.startsWith("Alter field ")) return new Step(migration, d, "changes the column back (may rewrite the table)", false);
        if (d.startsWith("Rename ")) return new Step(migration, d, "renames it back", false);
        return new Step(migration, d, "runs it backwards", false);
    }

    private static String rest(String d, String prefix) {
        // "Add field body to note" -> "note.body"; "Remove field body from note" -> "note.body"
        String[] w = d.substring(prefix.length()).split(" ");
        return w.length == 3 ? w[2] + "." + w[0] : d.substring(prefix.length());
    }

    /** The migrations whose reverse drops data and is not approved ("*" approves all). */
    public static List<String> unapprovedDrops(List<Step> steps, java.util.Set<String> approved) {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.dropsData() && !approved.contains("*") && !approved.contains(s.migration()) && !out.contains(s.migration())) out.add(s.migration());
        }
        return out;
    }

    /** The reverse plan as the ledger records it: each migrated-back migration with its reverse operations. */
    public static MigrationPlan asPlan(List<String> extra, List<Step> steps) {
        List<MigrationPlan.Migration> out = new ArrayList<>();
        for (int i = extra.size() - 1; i >= 0; i--) {
            String id = extra.get(i);
            List<MigrationPlan.Op> ops = new ArrayList<>();
            for (Step s : steps) {
                if (!s.migration().equals(id)) continue;
                ops.add(new MigrationPlan.Op("Reverse", s.dropsData() ? MigrationPlan.REVIEW : MigrationPlan.SAFE,
                        s.dropsData() ? List.of("drops-data") : List.of(), s.operation() + ": " + s.reverse(), List.of()));
            }
            int dot = id.indexOf('.');
            out.add(new MigrationPlan.Migration(id.substring(0, dot), id.substring(dot + 1), null, ops, null));
        }
        boolean review = steps.stream().anyMatch(Step::dropsData);
        return new MigrationPlan(review ? MigrationPlan.REVIEW : MigrationPlan.SAFE, out, "migrated back");
    }
}
