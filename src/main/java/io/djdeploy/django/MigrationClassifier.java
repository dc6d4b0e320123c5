package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;

import io.djdeploy.django.MigrationFacts.Field;
import io.djdeploy.django.MigrationFacts.Operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Classifies migration operations as {@code safe} or {@code review}, with reasons. One rule
 * per kind of risk, following the consensus of django-migration-linter, strong_migrations,
 * squawk and django-pg-zero-downtime-migrations (shared/domain-notes.md).
 */
public final class MigrationClassifier {
    public enum Reason {
        BACKWARD_INCOMPATIBLE("backward-incompatible"),
        LOCKS_TABLE("locks-table"),
        IRREVERSIBLE("irreversible"),
        DATA_MIGRATION("data-migration"),
        OPAQUE_SQL("opaque-sql");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /** A reason and why it applies to this operation. */
    public record Finding(Reason reason, String why) {}

    /** One rule: what it finds in an operation (nothing, when it does not apply). */
    interface Rule {
        List<Finding> check(Operation op);
    }

    /** Operations that change no schema or only add what old code ignores. */
    static final Set<String> KNOWN_SAFE = Set.of("CreateModel", "AddField", "AlterField", "RemoveIndex",
            "AddIndexConcurrently", "RemoveIndexConcurrently", "RemoveConstraint", "AlterModelOptions", "AlterModelManagers",
            "AlterIndexTogether", "AlterOrderWithRespectTo", "CreateExtension", "BtreeGinExtension", "TrigramExtension",
            "UnaccentExtension", "HStoreExtension", "CITextExtension", "CryptoExtension", "BloomExtension", "BtreeGistExtension",
            "RenameIndex", "AlterModelTableComment");

    static final List<Rule> RULES = List.of(
            // RemoveField, DeleteModel: the running code still selects the column; the data is gone
            op -> is(op, "RemoveField", "DeleteModel")
                    ? List.of(new Finding(Reason.BACKWARD_INCOMPATIBLE, "the running code still reads " + target(op) + "; its data is gone after this"))
                    : List.of(),
            // renames break old code both ways, unless only Django's state changes (same column/table)
            op -> is(op, "RenameField", "RenameModel", "AlterModelTable") && !stateOnlyRename(op)
                    ? List.of(new Finding(Reason.BACKWARD_INCOMPATIBLE, "the running code uses the old name of " + target(op)))
                    : List.of(),
            MigrationClassifier::addField,
            MigrationClassifier::alterField,
            // non-concurrent index builds block writes (fine on a table created in the same migration)
            op -> is(op, "AddIndex") && !op.createdHere()
                    ? List.of(new Finding(Reason.LOCKS_TABLE, "builds an index on the existing table " + table(op) + " and blocks writes meanwhile (use AddIndexConcurrently on PostgreSQL)"))
                    : List.of(),
            op -> is(op, "AlterUniqueTogether") && !op.createdHere() && !addedTogether(op).isEmpty()
                    ? List.of(new Finding(Reason.BACKWARD_INCOMPATIBLE, "adds unique_together " + addedTogether(op) + " on " + table(op)
                            + ": the running code's INSERTs and UPDATEs that duplicate a pair start failing"),
                    new Finding(Reason.LOCKS_TABLE, "builds a unique index on " + table(op) + " " + Locks.INDEX + "; fails on existing duplicates"))
                    : List.of(),
            op -> is(op, "AddConstraint") && !op.createdHere() && op.constraint() != null && op.constraint().unique()
                    ? List.of(new Finding(Reason.BACKWARD_INCOMPATIBLE, "adds unique constraint " + op.constraint().name() + " on " + table(op)
                            + (Boolean.TRUE.equals(op.constraint().condition()) ? " (for the rows its condition matches)" : "")
                            + ": the running code's INSERTs and UPDATEs of a duplicate start failing"),
                    new Finding(Reason.LOCKS_TABLE, "builds a unique index on " + table(op) + " " + Locks.INDEX + "; fails on existing duplicates"))
                    : List.of(),
            op -> is(op, "AddConstraint") && !op.createdHere() && (op.constraint() == null || !op.constraint().unique())
                    ? List.of(new Finding(Reason.LOCKS_TABLE, "checks every row of " + table(op) + " " + Locks.SCAN))
                    : List.of(),
            op -> is(op, "RunPython")
                    ? List.of(new Finding(Reason.DATA_MIGRATION, "runs Python over the data, in one long transaction"))
                    : List.of(),
            op -> is(op, "RunSQL")
                    ? List.of(new Finding(Reason.OPAQUE_SQL, "raw SQL: its effect cannot be checked"))
                    : List.of(),
            op -> is(op, "SeparateDatabaseAndState")
                    ? List.of(new Finding(Reason.OPAQUE_SQL, "separates database and state: they may diverge"))
                    : List.of(),
            // what SeparateDatabaseAndState does to the database is its database_operations
            op -> is(op, "SeparateDatabaseAndState") && op.databaseOperations() != null
                    ? op.databaseOperations().stream().flatMap(inner -> classify(inner).stream()).toList()
                    : List.of(),
            op -> !KNOWN_SAFE.contains(op.type()) && !is(op, "RemoveField", "DeleteModel", "RenameField", "RenameModel",
                    "AlterModelTable", "AddIndex", "AlterUniqueTogether", "AddConstraint", "RunPython", "RunSQL", "SeparateDatabaseAndState")
                    ? List.of(new Finding(Reason.OPAQUE_SQL, "unknown operation " + op.type() + ": djdeploy cannot tell what it does"))
                    : List.of(),
            MigrationClassifier::irreversible);

    private MigrationClassifier() {}

    /** The verdict for one operation: no findings means safe. */
    public static List<Finding> classify(Operation op) {
        return classify(op, List.of());
    }

    /** With findings that only the plan around the operation shows, first; one finding per reason, their whys joined. */
    static List<Finding> classify(Operation op, List<Finding> fromPlan) {
        Map<Reason, Finding> out = new LinkedHashMap<>();
        List<Finding> all = new ArrayList<>(fromPlan);
        for (Rule r : RULES) all.addAll(r.check(op));
        for (Finding f : all) {
            out.merge(f.reason(), f, (a, b) -> a.why().contains(b.why()) ? a : new Finding(a.reason(), a.why() + "; " + b.why()));
        }
        return new ArrayList<>(out.values());
    }

    static List<Finding> addField(Operation op) {
        if (!is(op, "AddField") || op.fieldDef() == null) return List.of();
        Field f = op.fieldDef();
        List<Finding> out = new ArrayList<>();
        if (f.isGenerated()) {
            // a generated column takes no INSERT value: the running code's INSERTs are unaffected
            return op.createdHere() ? out : List.of(new Finding(Reason.LOCKS_TABLE, "adds generated column " + target(op)
                    + ": the database computes it for every existing row " + (Boolean.FALSE.equals(f.dbPersist()) ? Locks.VIRTUAL : Locks.STORED)));
        }
        if (!f.isNull() && !f.isM2m() && !f.hasDbDefault() && !op.createdHere()) {
            // Django drops a Python default right after the backfill: old code's INSERTs then fail
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "adds NOT NULL column " + target(op)
                    + " without a database default: the running code's INSERTs omit it and fail"));
        }
        if (f.hasDbDefault() && Boolean.FALSE.equals(f.dbDefaultConstant()) && !op.createdHere()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "adds " + target(op) + " with a computed database default: every row is rewritten under a lock"));
        }
        if ((f.isUnique() || f.isIndexed()) && !f.isM2m() && !op.createdHere()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "builds " + (f.isUnique() ? "a unique index" : "an index") + " for "
                    + target(op) + " on the existing table and blocks writes meanwhile"));
        }
        return out;
    }

    static List<Finding> alterField(Operation op) {
        if (!is(op, "AlterField") || op.oldField() == null || op.newField() == null || op.createdHere()) return List.of();
        Field a = op.oldField();
        Field b = op.newField();
        List<Finding> out = new ArrayList<>();
        String change = describe(a) + " to " + describe(b);
        if (widening(a, b)) {
            if (charWidening(a, b)) {
                out.add(new Finding(Reason.LOCKS_TABLE, "widens " + target(op) + " (" + change + ") " + Locks.LENGTHEN));
            } else {
                List<String> fks = op.referencedBy() == null ? List.of() : op.referencedBy();
                out.add(new Finding(Reason.LOCKS_TABLE, "widens " + target(op) + " (" + change + ") " + Locks.REWRITE
                        + (fks.isEmpty() ? "" : ", and so does every foreign-key column pointing at it: " + String.join(", ", fks))));
            }
        } else if (!sameType(a, b)) {
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "narrows " + target(op) + " (" + change
                    + "): values the running code writes may no longer fit or convert"));
            out.add(new Finding(Reason.LOCKS_TABLE, "changes the type of " + target(op) + " (" + change + ") " + Locks.REWRITE));
        } else if (a.maxLength() != null && b.maxLength() != null && b.maxLength() < a.maxLength()) {
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "shortens " + target(op) + " (" + change
                    + "): the running code may write values that no longer fit, and a longer existing value fails the migration"));
            out.add(new Finding(Reason.LOCKS_TABLE, "shortens " + target(op) + ": checks every row " + Locks.REWRITE));
        }
        if (a.isNull() && !b.isNull()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "makes " + target(op) + " NOT NULL: scans the whole table under a lock"));
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "makes " + target(op) + " NOT NULL: the running code may still write NULL"));
        }
        if (!a.isUnique() && b.isUnique()) {
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "makes " + target(op) + " unique: the running code's INSERTs and UPDATEs of a duplicate start failing"));
            out.add(new Finding(Reason.LOCKS_TABLE, "makes " + target(op) + " unique: builds an index " + Locks.INDEX + "; fails on existing duplicates"));
        } else if (!a.isIndexed() && b.isIndexed()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "adds an index on " + target(op) + " and blocks writes meanwhile"));
        }
        return out;
    }

    static List<Finding> irreversible(Operation op) {
        String why = null;
        if (is(op, "RunPython") && !Boolean.TRUE.equals(op.reverseCode())) why = "RunPython without reverse_code cannot be unapplied";
        else if (is(op, "RunSQL") && !Boolean.TRUE.equals(op.reverseSql())) why = "RunSQL without reverse_sql cannot be unapplied";
        else if (Boolean.FALSE.equals(op.reversible())) why = op.type() + " cannot be unapplied";
        return why == null ? List.of() : List.of(new Finding(Reason.IRREVERSIBLE, why));
    }

    static boolean stateOnlyRename(Operation op) {
        if (is(op, "RenameField")) return op.oldColumn() != null && op.oldColumn().equals(op.newColumn());
        return op.oldTable() != null && op.oldTable().equals(op.newTable());
    }

    /** Integer types, each family from narrow to wide: a later one holds every value of an earlier one. */
    static final List<List<String>> INTEGER_FAMILIES = List.of(
            List.of("SmallAutoField", "AutoField", "BigAutoField"),
            List.of("SmallIntegerField", "IntegerField", "BigIntegerField"),
            List.of("PositiveSmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField"));

    /** The new column holds every value the old one could: code written for the old one still works (expand-only). */
    static boolean widening(Field a, Field b) {
        if (charWidening(a, b)) return true;
        for (List<String> family : INTEGER_FAMILIES) {
            int from = family.indexOf(a.type());
            int to = family.indexOf(b.type());
            if (from >= 0 && to > from) return true;
        }
        return false;
    }

    /** varchar(n) -> varchar(m > n) and varchar -> text. */
    static boolean charWidening(Field a, Field b) {
        boolean charA = "CharField".equals(a.type());
        if (charA && "TextField".equals(b.type())) return true;
        return charA && "CharField".equals(b.type()) && a.maxLength() != null && b.maxLength() != null && b.maxLength() > a.maxLength();
    }

    /** The unique_together pairs this operation adds (all of them when the state before is unknown). */
    static List<List<String>> addedTogether(Operation op) {
        if (op.together() == null) return List.of();
        List<List<String>> before = op.oldTogether() == null ? List.of() : op.oldTogether();
        return op.together().stream().filter(t -> !before.contains(t)).toList();
    }

    static boolean sameType(Field a, Field b) {
        return a.type() != null && a.type().equals(b.type());
    }

    static Map<String, List<String>> removedFields(List<MigrationFacts.Migration> migrations) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (MigrationFacts.Migration m : migrations) {
            for (Operation op : m.operations()) {
                if (is(op, "RemoveField") && op.table() != null && op.field() != null) {
                    out.computeIfAbsent(op.table(), k -> new ArrayList<>()).add(op.field());
                }
            }
        }
        return out;
    }

    /**
     * makemigrations asks "Did you rename X to Y?"; answered no, it writes RemoveField X + AddField Y
     * with a one-off default: X's values are dropped and every row gets the default instead.
     */
    static List<Finding> looksLikeRename(Operation op, Map<String, List<String>> removed) {
        if (!is(op, "AddField") || !op.oneOffDefault() || op.table() == null || op.createdHere()) return List.of();
        List<String> gone = removed.getOrDefault(op.table(), List.of());
        if (gone.isEmpty()) return List.of();
        String value = op.defaultRepr() != null ? op.defaultRepr() : "the one-off default";
        return List.of(new Finding(Reason.BACKWARD_INCOMPATIBLE, "looks like a rename of " + String.join(", ", gone) + " to " + op.field()
                + " on " + op.table() + ": every existing row gets " + value + " in " + op.field() + " and the values of "
                + String.join(", ", gone) + " are dropped (to keep them: RenameField, or add, copy with RunPython, then remove)"));
    }

    private static String describe(Field f) {
        return f.type() + (f.maxLength() != null ? "(" + f.maxLength() + ")" : "");
    }

    static boolean is(Operation op, String... types) {
        for (String t : types) if (t.equals(op.type())) return true;
        return false;
    }

    private static String table(Operation op) {
        return op.table() != null ? op.table() : op.model() != null ? op.model() : "the table";
    }

    static String target(Operation op) {
        String m = op.model() != null ? op.model() : table(op);
        return op.field() != null ? m + "." + op.field() : m;
    }

    /** The classified plan of the pending migrations, judged in order (a table created earlier in the plan is new). */
    public static MigrationPlan plan(MigrationFacts facts) {
        return plan(facts, true);
    }

    /**
     * Each migration as if it were applied alone to a database in use: what a release's
     * manifest records, so a rollback can judge any subset of them.
     */
    public static MigrationPlan isolated(MigrationFacts facts) {
        return plan(facts, false);
    }

    private static MigrationPlan plan(MigrationFacts facts, boolean inContext) {
        List<MigrationPlan.Migration> out = new ArrayList<>();
        boolean review = false;
        // a fresh database has no running code and no data: nothing there can break or be lost
        boolean fresh = inContext && facts.freshDatabase();
        // tables that pending migrations create: no running code uses them yet
        Set<String> newTables = new java.util.HashSet<>();
        // fields removed per table: in the whole plan (one deploy), or per migration when each is judged alone
        Map<String, List<String>> removed = inContext ? removedFields(facts.migrations()) : Map.of();
        for (MigrationFacts.Migration m : facts.migrations()) {
            List<MigrationPlan.Op> ops = new ArrayList<>();
            Map<String, List<String>> removedHere = inContext ? removed : removedFields(List.of(m));
            for (MigrationFacts.Operation op : m.operations()) {
                if (inContext && op.table() != null && newTables.contains(op.table()) && !"CreateModel".equals(op.type())) op = op.onNewTable();
                if ("CreateModel".equals(op.type()) && op.table() != null) newTables.add(op.table());
                List<Finding> findings = fresh ? List.of() : classify(op, looksLikeRename(op, removedHere));
                // MariaDB/MySQL: InnoDB's online DDL decides what locks, not PostgreSQL's rules
                if (MariaDbDdl.applies(facts.vendor())) findings = MariaDbDdl.adjust(op, findings);
                List<String> reasons = findings.stream().map(f -> f.reason().label).toList();
                List<String> why = findings.stream().map(Finding::why).toList();
                RollbackCompat.Verdict back = RollbackCompat.of(op);
                ops.add(new MigrationPlan.Op(op.type(), findings.isEmpty() ? MigrationPlan.SAFE : MigrationPlan.REVIEW, reasons,
                        op.description() != null ? op.description() : op.type(), why, back.label(), back.why()));
                review |= !findings.isEmpty();
            }
            out.add(new MigrationPlan.Migration(m.app(), m.name(), m.atomic(), ops, m.sql()));
        }
        return new MigrationPlan(review ? MigrationPlan.REVIEW : MigrationPlan.SAFE, out, fresh && !out.isEmpty()
                ? "fresh database (no migration applied yet): nothing runs against it, so every operation is safe to apply" : null);
    }
}
