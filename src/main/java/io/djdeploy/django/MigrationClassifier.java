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
            op -> is(op, "AlterUniqueTogether") && !op.createdHere() && op.together() != null && !op.together().isEmpty()
                    ? List.of(new Finding(Reason.LOCKS_TABLE, "builds a unique index on " + table(op) + " under a lock; fails on duplicates"))
                    : List.of(),
            op -> is(op, "AddConstraint") && !op.createdHere()
                    ? List.of(new Finding(Reason.LOCKS_TABLE, (op.constraint() != null && "unique".equals(op.constraint().kind())
                    ? "builds a unique index on " : "checks every row of ") + table(op) + " under a lock"))
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
            op -> !KNOWN_SAFE.contains(op.type()) && !is(op, "RemoveField", "DeleteModel", "RenameField", "RenameModel",
                    "AlterModelTable", "AddIndex", "AlterUniqueTogether", "AddConstraint", "RunPython", "RunSQL", "SeparateDatabaseAndState")
                    ? List.of(new Finding(Reason.OPAQUE_SQL, "unknown operation " + op.type() + ": djdeploy cannot tell what it does"))
                    : List.of(),
            MigrationClassifier::irreversible);

    private MigrationClassifier() {}

    /** The verdict for one operation: no findings means safe. */
    public static List<Finding> classify(Operation op) {
        Map<Reason, Finding> out = new LinkedHashMap<>();
        for (Rule r : RULES) {
            for (Finding f : r.check(op)) out.putIfAbsent(f.reason(), f);
        }
        return new ArrayList<>(out.values());
    }

    static List<Finding> addField(Operation op) {
        if (!is(op, "AddField") || op.fieldDef() == null) return List.of();
        Field f = op.fieldDef();
        List<Finding> out = new ArrayList<>();
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
        if (!sameType(a, b) && !widening(a, b)) {
            out.add(new Finding(Reason.LOCKS_TABLE, "changes the type of " + target(op) + " (" + describe(a) + " to "
                    + describe(b) + "): rewrites the table under a lock"));
        } else if (sameType(a, b) && a.maxLength() != null && b.maxLength() != null && b.maxLength() < a.maxLength()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "shortens " + target(op) + ": rewrites and checks every row under a lock"));
        }
        if (a.isNull() && !b.isNull()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "makes " + target(op) + " NOT NULL: scans the whole table under a lock"));
            out.add(new Finding(Reason.BACKWARD_INCOMPATIBLE, "makes " + target(op) + " NOT NULL: the running code may still write NULL"));
        }
        if (!a.isUnique() && b.isUnique()) {
            out.add(new Finding(Reason.LOCKS_TABLE, "makes " + target(op) + " unique: builds an index under a lock; fails on duplicates"));
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

    /** varchar(n) -> varchar(m > n) and varchar -> text change no row: no rewrite. */
    static boolean widening(Field a, Field b) {
        boolean charA = "CharField".equals(a.type());
        if (charA && "TextField".equals(b.type())) return true;
        return charA && "CharField".equals(b.type()) && a.maxLength() != null && b.maxLength() != null && b.maxLength() >= a.maxLength();
    }

    static boolean sameType(Field a, Field b) {
        return a.type() != null && a.type().equals(b.type());
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

    private static String target(Operation op) {
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
        for (MigrationFacts.Migration m : facts.migrations()) {
            List<MigrationPlan.Op> ops = new ArrayList<>();
            for (MigrationFacts.Operation op : m.operations()) {
                if (inContext && op.table() != null && newTables.contains(op.table()) && !"CreateModel".equals(op.type())) op = op.onNewTable();
                if ("CreateModel".equals(op.type()) && op.table() != null) newTables.add(op.table());
                List<Finding> findings = fresh ? List.of() : classify(op);
                List<String> reasons = findings.stream().map(f -> f.reason().label).toList();
                List<String> why = findings.stream().map(Finding::why).toList();
                ops.add(new MigrationPlan.Op(op.type(), findings.isEmpty() ? MigrationPlan.SAFE : MigrationPlan.REVIEW, reasons,
                        op.description() != null ? op.description() : op.type(), why));
                review |= !findings.isEmpty();
            }
            out.add(new MigrationPlan.Migration(m.app(), m.name(), m.atomic(), ops, m.sql()));
        }
        return new MigrationPlan(review ? MigrationPlan.REVIEW : MigrationPlan.SAFE, out, fresh && !out.isEmpty()
                ? "fresh database (no migration applied yet): nothing runs against it, so every operation is safe to apply" : null);
    }
}
