package io.djdeploy.django;

import io.djdeploy.django.MigrationClassifier.Finding;
import io.djdeploy.django.MigrationClassifier.Reason;
import io.djdeploy.django.MigrationFacts.Field;
import io.djdeploy.django.MigrationFacts.Operation;

import java.util.ArrayList;
import java.util.List;

/**
 * The locks-table column for MariaDB (and MySQL): InnoDB's online DDL does many ALTERs
 * INSTANT (metadata only) or INPLACE with concurrent reads and writes, and only some COPY the
 * table while writes wait. So on MariaDB the lock finding comes from the algorithm InnoDB
 * picks, not from PostgreSQL's rules. From MariaDB 10.11's "InnoDB Online DDL Operations"
 * pages: ADD COLUMN (nullable or with a default) and DROP COLUMN are INSTANT (10.3/10.4+);
 * ADD INDEX / UNIQUE and NULL -> NOT NULL are INPLACE with LOCK=NONE; a column type change,
 * a VARCHAR whose length bytes grow (255 bytes: 63 utf8mb4 characters), a CHECK constraint
 * and a FOREIGN KEY (with foreign_key_checks on, as Django leaves it) need ALGORITHM=COPY.
 * DDL is not transactional there: a migration failing halfway leaves its earlier statements done.
 */
public final class MariaDbDdl {
    private MariaDbDdl() {}

    public enum Algorithm { INSTANT, INPLACE, COPY }

    /** What InnoDB does for the operation on an existing table, and why; null when the operation takes no table lock question. */
    public record Verdict(Algorithm algorithm, String why) {}

    /** Django's vendor name for MariaDB and MySQL. */
    public static boolean applies(String vendor) {
        return "mysql".equals(vendor);
    }

    /** The findings with PostgreSQL's lock finding replaced by what InnoDB does. */
    public static List<Finding> adjust(Operation op, List<Finding> findings) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) if (f.reason() != Reason.LOCKS_TABLE) out.add(f);
        Verdict v = op.createdHere() ? null : verdict(op);
        if (v != null && v.algorithm() == Algorithm.COPY) out.add(new Finding(Reason.LOCKS_TABLE, v.why()));
        return out;
    }

    public static Verdict verdict(Operation op) {
        String t = table(op);
        switch (op.type()) {
            case "AddField": {
                Field f = op.fieldDef();
                if (f != null && Boolean.TRUE.equals(f.isRelation()) && !f.isM2m()) {
                    return copy("adds a foreign key to " + t + ": with foreign_key_checks on, InnoDB copies the table (ALGORITHM=COPY) and writes wait");
                }
                if (f != null && (f.isUnique() || f.isIndexed())) return inplace("adds the column instantly and builds its index in place; writes continue");
                if (f != null && f.hasDbDefault() && Boolean.FALSE.equals(f.dbDefaultConstant())) {
                    return copy("adds a column with a computed default to " + t + ": InnoDB copies the table (ALGORITHM=COPY) and writes wait");
                }
                return new Verdict(Algorithm.INSTANT, "adds the column instantly (metadata only)");
            }
            case "RemoveField", "RenameField":
                return new Verdict(Algorithm.INSTANT, "changes only metadata");
            case "AddIndex", "AlterUniqueTogether", "AlterIndexTogether", "RemoveIndex", "RenameIndex":
                return inplace("builds or drops the index in place (LOCK=NONE); writes continue");
            case "AddConstraint":
                if (op.constraint() != null && "unique".equals(op.constraint().kind())) return inplace("builds a unique index in place (LOCK=NONE); writes continue");
                return copy("adds a CHECK constraint to " + t + ": InnoDB copies the table (ALGORITHM=COPY) and writes wait");
            case "AlterField":
                return alterField(op, t);
            default:
                return null;
        }
    }

    private static Verdict alterField(Operation op, String t) {
        Field a = op.oldField();
        Field b = op.newField();
        if (a == null || b == null) return null;
        boolean sameType = a.type() != null && a.type().equals(b.type());
        boolean charToChar = "CharField".equals(a.type()) && sameType;
        if (charToChar && a.maxLength() != null && b.maxLength() != null && b.maxLength() > a.maxLength()) {
            // utf8mb4: 4 bytes a character; past 255 bytes the length prefix grows from 1 to 2 bytes
            return a.maxLength() * 4 <= 255 && b.maxLength() * 4 > 255
                    ? copy("widens " + t + " past 255 bytes (a longer length prefix): InnoDB copies the table (ALGORITHM=COPY) and writes wait")
                    : new Verdict(Algorithm.INSTANT, "widens the VARCHAR in place, metadata only");
        }
        if (!sameType || charToChar && b.maxLength() != null && a.maxLength() != null && b.maxLength() < a.maxLength()) {
            return copy("changes the column type of " + t + " (" + a.type() + " to " + b.type() + "): InnoDB copies the table (ALGORITHM=COPY) and writes wait");
        }
        if (!Boolean.TRUE.equals(a.isRelation()) && Boolean.TRUE.equals(b.isRelation())) {
            return copy("adds a foreign key on " + t + ": InnoDB copies the table (ALGORITHM=COPY) and writes wait");
        }
        return inplace("rebuilds or indexes in place (LOCK=NONE); writes continue");
    }

    private static Verdict inplace(String why) {
        return new Verdict(Algorithm.INPLACE, why);
    }

    private static Verdict copy(String why) {
        return new Verdict(Algorithm.COPY, "on MariaDB " + why);
    }

    private static String table(Operation op) {
        String m = op.table() != null ? op.table() : op.model() != null ? op.model() : "the table";
        return op.field() != null ? m + "." + op.field() : m;
    }
}
