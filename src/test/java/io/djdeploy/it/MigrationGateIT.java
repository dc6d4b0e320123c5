package io.djdeploy.it;

import io.djdeploy.django.MigrationSteps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration gate for real: each example tag (v3 removes a field, v4 runs Python over the
 * data without reverse code, v5 indexes an existing table) is stopped by the gate with the
 * database unchanged, then applied once approved; against SQLite, a real PostgreSQL and a real MariaDB.
 */
@ExtendWith(TestHostsExtension.class)
class MigrationGateIT {
    static Postgres pg;
    static MariaDb my;

    @BeforeAll
    static void startDatabases(Postgres postgres, MariaDb mariadb) {
        pg = postgres;
        my = mariadb;
    }

    /** The database of one site, inspected from outside djdeploy. */
    interface Db {
        String sql(String query) throws IOException, InterruptedException;

        List<String> columns(String table) throws IOException, InterruptedException;

        List<String> indexes(String table) throws IOException, InterruptedException;

        default List<String> applied() throws IOException, InterruptedException {
            return sql("SELECT app || '.' || name FROM django_migrations ORDER BY app, name").lines().toList();
        }
    }

    static Db sqlite(Path file) {
        return new Db() {
            public String sql(String q) throws IOException, InterruptedException {
                return Postgres.run("sqlite3", file.toString(), q).strip();
            }
            public List<String> columns(String t) throws IOException, InterruptedException {
                return sql("SELECT name FROM pragma_table_info('" + t + "') ORDER BY name").lines().toList();
            }
            public List<String> indexes(String t) throws IOException, InterruptedException {
                return sql("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='" + t + "' ORDER BY name").lines().toList();
            }
        };
    }

    static Db postgres() {
        return postgres(pg);
    }

    static Db postgres(Postgres pg) {
        return new Db() {
            public String sql(String q) throws IOException, InterruptedException {
                return pg.query(q);
            }
            public List<String> columns(String t) throws IOException, InterruptedException {
                return sql("SELECT column_name FROM information_schema.columns WHERE table_name='" + t + "' ORDER BY column_name").lines().toList();
            }
            public List<String> indexes(String t) throws IOException, InterruptedException {
                return sql("SELECT indexname FROM pg_indexes WHERE tablename='" + t + "' ORDER BY indexname").lines().toList();
            }
        };
    }

    static Db mariadb() {
        return mariadb(my);
    }

    static Db mariadb(MariaDb my) {
        return new Db() {
            public String sql(String q) throws IOException, InterruptedException {
                return my.query(q);
            }
            public List<String> applied() throws IOException, InterruptedException {
                return sql("SELECT CONCAT(app, '.', name) FROM django_migrations ORDER BY app, name").lines().toList();
            }
            public List<String> columns(String t) throws IOException, InterruptedException {
                return sql("SELECT column_name FROM information_schema.columns WHERE table_schema='" + my.db + "' AND table_name='" + t
                        + "' ORDER BY column_name").lines().toList();
            }
            public List<String> indexes(String t) throws IOException, InterruptedException {
                return sql("SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema='" + my.db + "' AND table_name='" + t
                        + "' ORDER BY index_name").lines().toList();
            }
        };
    }

    static Stream<Arguments> cases() {
        return Stream.concat(Stream.of("sqlite", "postgresql").flatMap(db -> Stream.of(
                Arguments.of(db, "v3", "notes.0003_remove_note_body", "backward-incompatible"),
                Arguments.of(db, "v4", "notes.0003_title_upper", "irreversible"),
                Arguments.of(db, "v5", "notes.0003_note_created_idx", "locks-table"))),
                // on MariaDB v5's index is built in place with writes going on: not gated (MariaDbDdlTest), so not here
                Stream.of(Arguments.of("mariadb", "v3", "notes.0003_remove_note_body", "backward-incompatible")));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void theGateStopsAReviewMigrationWithTheDatabaseUnchangedThenAnApprovedRunAppliesIt(
            String engine, String tag, String migration, String reason, Site site) throws Exception {
        // given: v2 live, a note with a lower-case title, a backup preset for the engine
        Db db = setUp(site, engine);
        assertThat(site.deploy("v2").code()).isZero();
        assertThat(site.post("/notes/", "title=hello").statusCode()).isEqualTo(201);
        String before = site.current();
        List<String> applied = db.applied();
        List<String> columns = db.columns("notes_note");
        List<String> indexes = db.indexes("notes_note");

        // when: the deploy meets the gate
        Site.Run gated = site.deploy(tag);

        // then: stopped after PREPARE, nothing changed
        assertThat(gated.code()).as(gated.output()).isEqualTo(10);
        assertThat(gated.output()).contains("migration plan: 1 pending, verdict review", migration, reason,
                "--approve-migrations " + migration);
        assertThat(gated.output()).doesNotContain("==> MIGRATE", "==> SWITCH");
        assertThat(db.applied()).isEqualTo(applied);
        assertThat(db.columns("notes_note")).isEqualTo(columns);
        assertThat(db.indexes("notes_note")).isEqualTo(indexes);
        assertThat(db.sql("SELECT title FROM notes_note")).isEqualTo("hello");
        assertThat(site.current()).isEqualTo(before);
        assertThat(site.releaseDirs()).containsExactly(before);
        assertThat(site.locked()).isFalse();
        LedgerEntry gatedEntry = last(site);
        assertThat(gatedEntry.outcome()).isEqualTo("gated");
        assertThat(gatedEntry.migrations()).extracting(LedgerEntry.MigrationEntry::id).containsExactly(migration);

        // when: approved
        Site.Run approved = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", tag, "--approve-migrations", migration);

        // then: applied once, recorded, backed up first
        assertThat(approved.code()).as(approved.output()).isZero();
        assertThat(db.applied()).contains(migration).hasSize(applied.size() + 1);
        switch (tag) {
            case "v3" -> assertThat(db.columns("notes_note")).doesNotContain("body");
            case "v4" -> assertThat(db.sql("SELECT title FROM notes_note")).isEqualTo("HELLO");
            default -> assertThat(db.indexes("notes_note")).contains("notes_note_created_idx");
        }
        assertThat(site.get("/").body()).contains("Hello from " + tag);
        LedgerEntry done = last(site);
        assertThat(done.outcome()).isEqualTo("success");
        assertThat(done.approved()).containsExactly(migration);
        assertThat(done.manifest()).extracting(LedgerEntry.MigrationEntry::id).contains("notes.0001_initial", migration);
        assertThat(site.site.deployTo().resolve("releases/" + site.current() + "/.djdeploy/migrations.json")).exists();
        try (Stream<Path> backups = Files.list(site.site.deployTo().resolve("shared/backups"))) {
            assertThat(backups.map(p -> p.getFileName().toString()).toList())
                    .containsExactly(site.current() + MigrationSteps.backupSuffix(engine));
        }
        Path backup = site.site.deployTo().resolve("shared/backups/" + site.current() + MigrationSteps.backupSuffix(engine));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        if (engine.equals("mariadb")) assertThat(Files.readString(backup)).contains("CREATE TABLE `notes_note`", "INSERT INTO `notes_note`");
    }

    @Test
    void aMigrationBlockedByAnotherSessionsLockFailsFastAtMigrateAndTheOldReleaseKeepsServing(Site site) throws Exception {
        // given: v2 live on PostgreSQL (default lock_timeout, 5s), and another session reading notes_note in an open transaction
        pg.resetDatabase();
        site.site.appendEnv(pg.envLines());
        assertThat(site.deploy("v2").code()).isZero();
        String v2 = site.current();
        Process holder = new ProcessBuilder("runuser", "-u", "postgres", "--", Postgres.BIN.resolve("psql").toString(), "-X", "-q",
                "-h", "127.0.0.1", "-p", String.valueOf(pg.port), "-U", "postgres", "-d", pg.db).redirectErrorStream(true).start();
        try {
            holder.getOutputStream().write("BEGIN;\nSELECT count(*) FROM notes_note;\n".getBytes());
            holder.getOutputStream().flush();
            String held = "SELECT count(*) FROM pg_locks WHERE relation = 'notes_note'::regclass AND granted";
            for (int i = 0; i < 100 && pg.query(held).equals("0"); i++) Thread.sleep(100);
            assertThat(pg.query(held)).isEqualTo("1");

            // when: v3 (drops a column: ALTER TABLE needs an exclusive lock) is approved
            long start = System.nanoTime();
            Site.Run run = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v3", "--approve-migrations");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            // then: MIGRATE fails after the timeout, saying so; nothing changed; v2 serves
            assertThat(run.code()).as(run.output()).isEqualTo(6);
            assertThat(run.output()).contains("==> MIGRATE", "lock timeout (5s): notes.0003_remove_note_body waited for a lock on table notes_note")
                    .doesNotContain("==> SWITCH");
            assertThat(seconds).as("a 5s lock timeout, not a queue").isLessThan(60);
            assertThat(postgres().columns("notes_note")).contains("body");
            assertThat(postgres().applied()).doesNotContain("notes.0003_remove_note_body");
            assertThat(site.current()).isEqualTo(v2);
            assertThat(site.get("/").body()).contains("Hello from v2");
            assertThat(last(site).outcome()).isEqualTo("failed");
        } finally {
            holder.getOutputStream().write("COMMIT;\n\\q\n".getBytes());
            holder.getOutputStream().close();
            holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            holder.destroy();
        }
        // and: the migration left no lock behind once the other session ended
        assertThat(pg.query("SELECT count(*) FROM pg_locks WHERE relation = 'notes_note'::regclass")).isEqualTo("0");
    }

    @Test
    void aFailedBackupStopsTheDeployBeforeAnyMigrationRuns(Site site) throws Exception {
        // given
        site.site.writeConfig("migrations:\n  backup:\n    command: echo no space left for the backup >&2; exit 3\n");
        assertThat(site.deploy("v2").code()).isZero();
        Db db = sqlite(site.site.deployTo().resolve("shared/db.sqlite3"));
        List<String> applied = db.applied();

        // when
        Site.Run run = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v3", "--approve-migrations");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains("the backup failed, so no migration ran", "no space left for the backup");
        assertThat(db.applied()).isEqualTo(applied);
        assertThat(db.columns("notes_note")).contains("body");
    }

    @Test
    void aSafeMigrationPassesTheGateWithoutApproval(Site site) throws Exception {
        assertThat(site.deploy("v1").code()).isZero();
        Site.Run run = site.deploy("v2");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("migration plan: 1 pending, verdict safe", "notes.0002_note_body");
    }

    private static Db setUp(Site site, String engine) throws Exception {
        if (engine.equals("postgresql")) {
            pg.resetDatabase();
            site.site.appendEnv(pg.envLines());
            site.site.writeConfig("migrations:\n  backup:\n    preset: postgresql\n  lock_timeout: 5s\n  statement_timeout: 5m\n");
            return postgres();
        }
        if (engine.equals("mariadb")) {
            my.resetDatabase();
            site.site.appendEnv(my.envLines());
            site.site.writeConfig("migrations:\n  backup:\n    preset: mariadb\n");
            return mariadb();
        }
        site.site.writeConfig("migrations:\n  backup:\n    preset: sqlite\n");
        return sqlite(site.site.deployTo().resolve("shared/db.sqlite3"));
    }

    static LedgerEntry last(Site site) throws IOException {
        List<LedgerEntry> l = site.ledger();
        return l.get(l.size() - 1);
    }
}
