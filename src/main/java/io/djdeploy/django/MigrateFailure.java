package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed {@code migrate}'s output into one clear line when the cause is known: a lock
 * timeout says which migration waited, on which table (from the plan's SQL) and what it means
 * for the site, instead of leaving the operator a Python traceback.
 */
public final class MigrateFailure {
    private MigrateFailure() {}

    // PostgreSQL (psycopg2 and psycopg 3 say the same) and MariaDB/MySQL's InnoDB wording
    private static final Pattern LOCK_TIMEOUT = Pattern.compile("due to lock timeout|LockNotAvailable|Lock wait timeout exceeded");
    // Django prints "  Applying app.name..." and " OK" on the same line once it is done
    private static final Pattern APPLYING = Pattern.compile("Applying (\\S+?)\\.\\.\\.(?! OK)");
    private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:ALTER TABLE(?:\\s+ONLY)?|DROP TABLE|CREATE (?:UNIQUE )?INDEX\\s+\\S+\\s+ON)\\s+[`\"]?(\\w+)");

    /** @return the explanation, or null when the output shows no cause djdeploy knows */
    public static String explain(String output, MigrationPlan plan, Duration lockTimeout) {
        if (output == null || !LOCK_TIMEOUT.matcher(output).find()) return null;
        String migration = null;
        Matcher m = APPLYING.matcher(output);
        while (m.find()) migration = m.group(1);
        String table = migration == null ? null : table(plan, migration);
        StringBuilder out = new StringBuilder("lock timeout");
        if (lockTimeout != null) out.append(" (").append(human(lockTimeout)).append(")");
        out.append(": ").append(migration != null ? migration : "a migration").append(" waited for a lock");
        if (table != null) out.append(" on table ").append(table);
        out.append(" that another session holds (an open transaction or a long query), and gave up instead of queueing")
                .append(" the site's queries behind it. It was not applied (PostgreSQL rolls the migration back; on MariaDB check")
                .append(" the schema: its DDL is not transactional). Nothing switched. Find the holder (pg_stat_activity or")
                .append(" SHOW PROCESSLIST), then deploy again; migrations.lock_timeout sets the wait");
        return out.toString();
    }

    /** The first table the migration's SQL alters, drops or indexes; null when the plan has no SQL for it. */
    static String table(MigrationPlan plan, String migration) {
        if (plan == null) return null;
        for (MigrationPlan.Migration mig : plan.migrations()) {
            if (!mig.id().equals(migration) || mig.sql() == null) continue;
            for (String sql : mig.sql()) {
                Matcher t = TABLE.matcher(sql);
                if (t.find()) return t.group(1);
            }
        }
        return null;
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
