package io.djdeploy.it;

import io.djdeploy.django.MigrationSteps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rollback across a migration that only a kept newer release knows: v1, v2, v3 (drops
 * note.body) deployed, then a forced rollback to v2. Going on to v1 means unapplying 0003
 * (whose file only v3 has) and 0002: --migrate-back does it with v3's code, never serving
 * it, after the reverse plan, the approval for the dropped column and a backup.
 */
@ExtendWith(TestHostsExtension.class)
class MigrateBackIT {
    static final String ENV = LocalSite.ENVIRONMENT;
    static Postgres pg;
    static MariaDb my;

    @BeforeAll
    static void startDatabases(Postgres postgres, MariaDb mariadb) {
        pg = postgres;
        my = mariadb;
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"postgresql", "mariadb"})
    void migrateBackUnappliesWithTheKeptReleaseThatHasTheFilesThenSwitches(String engine, Site site) throws Exception {
        // given: v1, v2, v3 deployed on this database; then forced back to v2 (v3's migration stays applied)
        MigrationGateIT.Db db;
        if (engine.equals("postgresql")) {
            pg.resetDatabase();
            site.site.appendEnv(pg.envLines());
            db = MigrationGateIT.postgres(pg);
        } else {
            my.resetDatabase();
            site.site.appendEnv(my.envLines());
            db = MigrationGateIT.mariadb(my);
        }
        site.site.writeConfig("migrations:\n  backup:\n    preset: " + engine + "\n");
        assertThat(site.deploy("v1").code()).isZero();
        String v1 = site.current();
        assertThat(site.deploy("v2").code()).isZero();
        String v2 = site.current();
        assertThat(site.djdeploy("deploy", ENV, "--ref", "v3", "--approve-migrations").code()).isZero();
        String v3 = site.current();
        assertThat(site.djdeploy("rollback", ENV, "--ignore-schema").code()).isZero();
        assertThat(site.current()).isEqualTo(v2);

        // when: a plain rollback to v1
        Site.Run plain = site.djdeploy("rollback", ENV, "--to", v1);

        // then: it knows what 0003 did (from v3's manifest) and which release can unapply it
        assertThat(plain.code()).as(plain.output()).isEqualTo(14);
        assertThat(plain.output()).contains("notes.0003_remove_note_body (backward-incompatible",
                "release " + v2 + "'s code lacks their files; release " + v3 + ", kept, has them").doesNotContain("no kept release's manifest knows it");

        // when: --migrate-back without approval
        Site.Run unapproved = site.djdeploy("rollback", ENV, "--to", v1, "--migrate-back");

        // then: the reverse plan, newest first, and a stop for the dropped column; nothing changed
        assertThat(unapproved.code()).as(unapproved.output()).isEqualTo(14);
        assertThat(unapproved.output()).contains("reverse plan, with release " + v3 + "'s code",
                "notes.0003_remove_note_body: Remove field body from note -> adds column note.body back, empty",
                "notes.0002_note_body: Add field body to note -> drops column note.body and every value in it [drops data]",
                "--approve-migrations notes.0002_note_body");
        assertThat(site.current()).isEqualTo(v2);
        assertThat(db.applied()).contains("notes.0003_remove_note_body");

        // when: approved
        Site.Run back = site.djdeploy("rollback", ENV, "--to", v1, "--migrate-back", "--approve-migrations", "notes.0002_note_body");

        // then: unapplied with v3's code, v1 serves, the ledger says migrated-back with the list, a private backup first
        assertThat(back.code()).as(back.output()).isZero();
        assertThat(back.output()).contains("migrating back: notes to 0001_initial with release " + v3 + "'s code");
        assertThat(site.current()).isEqualTo(v1);
        assertThat(site.get("/").body()).contains("Hello from v1");
        assertThat(db.applied()).filteredOn(m -> m.startsWith("notes.")).containsExactly("notes.0001_initial");
        assertThat(db.columns("notes_note")).doesNotContain("body");
        LedgerEntry last = SchemaRollbackIT.last(site);
        assertThat(last.outcome()).isEqualTo("migrated-back");
        assertThat(last.migrations()).extracting(LedgerEntry.MigrationEntry::id)
                .containsExactly("notes.0003_remove_note_body", "notes.0002_note_body");
        assertThat(last.note()).contains("with release " + v3 + "'s code");
        Path backups = site.site.deployTo().resolve("shared/backups");
        for (String name : List.of(v3, v2 + "-before-migrate-back")) {
            Path b = backups.resolve(name + MigrationSteps.backupSuffix(engine));
            assertThat(b).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b))).isEqualTo("rw-------");
        }
    }
}
