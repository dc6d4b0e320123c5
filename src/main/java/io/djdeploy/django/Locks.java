package io.djdeploy.django;

/**
 * What each kind of schema change locks, per database, as the classifier's reasons say it
 * (docs/migrations.md has the same table). Sources: PostgreSQL's ALTER TABLE docs (which
 * forms rewrite the table, ACCESS EXCLUSIVE), MariaDB's InnoDB online DDL pages (in place vs
 * copy), and Django's SQLite schema editor (most ALTERs rebuild the table).
 */
final class Locks {
    private Locks() {}

    /** Changing a column's type, or its values being checked/rewritten. */
    static final String REWRITE = "(PostgreSQL: rewrites every row under an ACCESS EXCLUSIVE lock; MariaDB: copies the table, "
            + "writes blocked; SQLite: rebuilds the table)";

    /** varchar longer, or varchar -> text: no row changes on PostgreSQL. */
    static final String LENGTHEN = "(PostgreSQL: catalog-only change, but under a brief ACCESS EXCLUSIVE lock that queues behind "
            + "running queries; MariaDB: in place unless the length crosses 255 bytes or the type changes, then copies the table; "
            + "SQLite: rebuilds the table)";

    /** A non-concurrent index build. */
    static final String INDEX = "(PostgreSQL: blocks writes while it builds; MariaDB: builds in place, writes allowed; "
            + "SQLite: blocks writes)";

    /** A constraint that scans every row (CHECK, NOT NULL). */
    static final String SCAN = "(PostgreSQL: ACCESS EXCLUSIVE lock while every row is checked; MariaDB: copies the table; "
            + "SQLite: rebuilds the table)";

    /** GeneratedField(db_persist=True). */
    static final String STORED = "(PostgreSQL: rewrites the table under an ACCESS EXCLUSIVE lock; MariaDB: copies the table; "
            + "SQLite: rebuilds the table); INSERTs never name it, so the running code is unaffected";

    /** GeneratedField(db_persist=False). */
    static final String VIRTUAL = "(PostgreSQL before 18: not supported; MariaDB: in place; SQLite: rebuilds the table); "
            + "INSERTs never name it, so the running code is unaffected";
}
