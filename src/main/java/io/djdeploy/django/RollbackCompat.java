package io.djdeploy.django;

import io.djdeploy.django.MigrationFacts.Field;
import io.djdeploy.django.MigrationFacts.Operation;

import java.util.List;
import java.util.Set;

/**
 * The rollback axis of an operation: once it is applied, can the previous release's code
 * still run on the schema? {@code expand-only} (it only adds or widens what the old code
 * ignores or still fits in) or {@code contract} (it removes, renames, narrows or constrains
 * what the old code uses). Rollback uses this; the gate uses the forward reasons
 * ({@link MigrationClassifier}): a widening locks a table going forward, yet the old code
 * runs fine on it after.
 */
public final class RollbackCompat {
    public static final String EXPAND_ONLY = "expand-only";
    public static final String CONTRACT = "contract";

    /** @param why what the previous code meets on the schema after the operation */
    public record Verdict(String label, String why) {
        public boolean expandOnly() {
            return EXPAND_ONLY.equals(label);
        }
    }

    /** Operations that change nothing the previous code reads or writes. */
    static final Set<String> INVISIBLE = Set.of("AddIndex", "AddIndexConcurrently", "RemoveIndex", "RemoveIndexConcurrently",
            "RenameIndex", "AlterIndexTogether", "RemoveConstraint", "AlterModelOptions", "AlterModelManagers",
            "AlterModelTableComment", "CreateExtension", "BtreeGinExtension", "TrigramExtension", "UnaccentExtension",
            "HStoreExtension", "CITextExtension", "CryptoExtension", "BloomExtension", "BtreeGistExtension");

    private RollbackCompat() {}

    public static Verdict of(Operation op) {
        String t = op.type();
        if (t.equals("CreateModel")) return expand("a new table the previous code does not use");
        if (INVISIBLE.contains(t)) return expand("indexes, removed constraints and options are invisible to the previous code");
        if (t.equals("AddField")) return addField(op);
        if (t.equals("AlterField")) return alterField(op);
        if (t.equals("RemoveField") || t.equals("DeleteModel")) return contract("the previous code still reads " + MigrationClassifier.target(op));
        if (t.equals("RenameField") || t.equals("RenameModel") || t.equals("AlterModelTable")) {
            return MigrationClassifier.stateOnlyRename(op) ? expand("only Django's state changes: same column and table")
                    : contract("the previous code uses the old name of " + MigrationClassifier.target(op));
        }
        if (t.equals("AlterUniqueTogether")) {
            return MigrationClassifier.addedTogether(op).isEmpty() ? expand("removes unique_together only")
                    : contract("the previous code may write duplicates of " + MigrationClassifier.addedTogether(op) + ", which now fail");
        }
        if (t.equals("AddConstraint")) {
            boolean unique = op.constraint() != null && op.constraint().unique();
            return contract(unique ? "the previous code may write duplicates, which now fail"
                    : "the previous code may write rows the constraint rejects");
        }
        if (t.equals("SeparateDatabaseAndState")) {
            List<Operation> db = op.databaseOperations() == null ? List.of() : op.databaseOperations();
            for (Operation inner : db) {
                Verdict v = of(inner);
                if (!v.expandOnly()) return contract("its database operation " + inner.type() + ": " + v.why());
            }
            return expand(db.isEmpty() ? "changes Django's state only" : "its database operations only add");
        }
        if (t.equals("RunPython")) return contract("changes data in ways djdeploy cannot see");
        if (t.equals("RunSQL")) return contract("raw SQL: djdeploy cannot tell what it changed");
        if (t.equals("AlterOrderWithRespectTo")) return contract("adds or drops the _order column");
        return contract("unknown operation " + t + ": djdeploy cannot tell what it changed");
    }

    private static Verdict addField(Operation op) {
        Field f = op.fieldDef();
        if (f == null) return contract("the added field is unknown");
        if (f.isGenerated()) return expand("a generated column: the previous code's INSERTs never name it");
        if (op.createdHere() || f.isM2m()) return expand("a new table the previous code does not use");
        if (f.isNull() || f.hasDbDefault()) return expand("the previous code's INSERTs omit " + MigrationClassifier.target(op) + " and get NULL or the database default");
        return contract("the previous code's INSERTs omit NOT NULL column " + MigrationClassifier.target(op) + " and fail");
    }

    private static Verdict alterField(Operation op) {
        Field a = op.oldField();
        Field b = op.newField();
        if (a == null || b == null) return contract("the field before the change is unknown");
        String target = MigrationClassifier.target(op);
        if (!a.isUnique() && b.isUnique()) return contract("the previous code may write duplicates of " + target + ", which now fail");
        if (a.isNull() && !b.isNull()) return contract("the previous code may write NULL into " + target + ", which now fails");
        if (MigrationClassifier.widening(a, b)) return expand(target + " is wider: every value the previous code writes still fits");
        if (!MigrationClassifier.sameType(a, b)) return contract("the previous code writes " + target + " as " + a.type() + ", which may not fit " + b.type());
        if (a.maxLength() != null && b.maxLength() != null && b.maxLength() < a.maxLength()) {
            return contract("the previous code may write values longer than " + b.maxLength() + " into " + target);
        }
        return expand("nothing the previous code writes stops fitting " + target);
    }

    private static Verdict expand(String why) {
        return new Verdict(EXPAND_ONLY, why);
    }

    private static Verdict contract(String why) {
        return new Verdict(CONTRACT, why);
    }
}
