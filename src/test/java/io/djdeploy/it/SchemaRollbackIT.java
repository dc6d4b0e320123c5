package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rollback never silently puts code in front of a schema it does not understand: the applied
 * migrations are compared with the target's manifest before anything switches.
 */
@ExtendWith(TestHostsExtension.class)
class SchemaRollbackIT {
    static final String ENV = LocalSite.ENVIRONMENT;

    @Test
    void aDroppedColumnBlocksTheRollbackUntilMigratedBack(Site site) throws Exception {
        // given: v2 live, then v3 (drops note.body) approved and live
        assertThat(site.deploy("v2").code()).isZero();
        String v2 = site.current();
        assertThat(site.djdeploy("deploy", ENV, "--ref", "v3", "--approve-migrations").code()).isZero();
        String v3 = site.current();
        MigrationGateIT.Db db = MigrationGateIT.sqlite(site.site.deployTo().resolve("shared/db.sqlite3"));

        // when: a plain rollback
        Site.Run blocked = site.djdeploy("rollback", ENV);

        // then: stopped before changing anything, with the migration, why, and the choices
        assertThat(blocked.code()).as(blocked.output()).isEqualTo(14);
        assertThat(blocked.output()).contains("notes.0003_remove_note_body", "backward-incompatible", "--migrate-back", "--ignore-schema");
        assertThat(site.current()).isEqualTo(v3);
        assertThat(site.locked()).isFalse();
        assertThat(last(site).outcome()).isEqualTo("refused");

        // when: migrating back first
        Site.Run back = site.djdeploy("rollback", ENV, "--migrate-back");

        // then: the column is back, the migration unapplied, v2 serves
        assertThat(back.code()).as(back.output()).isZero();
        assertThat(back.output()).contains("migrating back: notes to 0002_note_body");
        assertThat(site.current()).isEqualTo(v2);
        assertThat(db.applied()).doesNotContain("notes.0003_remove_note_body").contains("notes.0002_note_body");
        assertThat(db.columns("notes_note")).contains("body");
        assertThat(site.get("/").body()).contains("Hello from v2");
        assertThat(last(site).note()).contains("migrated back notes.0003_remove_note_body");
        // and the release rolled away from is bad: never a default target again
        assertThat(site.djdeploy("releases", ENV).output()).containsPattern(v3 + "\\s+bad");
    }

    @Test
    void expandOnlyMigrationsLetTheRollbackThrough(Site site) throws Exception {
        // given: v2, then v5 (adds an index: expand-only)
        assertThat(site.deploy("v2").code()).isZero();
        String v2 = site.current();
        assertThat(site.djdeploy("deploy", ENV, "--ref", "v5", "--approve-migrations").code()).isZero();

        // when / then: the rollback proceeds and says why
        Site.Run run = site.djdeploy("rollback", ENV);
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("expand-only", "notes.0003_note_created_idx");
        assertThat(site.current()).isEqualTo(v2);
    }

    @Test
    void irreversibleMigrationsRefuseMigrateBack(Site site) throws Exception {
        // given: v2, then v4 (RunPython without reverse code)
        assertThat(site.deploy("v2").code()).isZero();
        String v2 = site.current();
        assertThat(site.djdeploy("deploy", ENV, "--ref", "v4", "--approve-migrations").code()).isZero();
        String v4 = site.current();

        // when: migrate back is asked for
        Site.Run refused = site.djdeploy("rollback", ENV, "--migrate-back");

        // then: refused, naming the operation; nothing changed
        assertThat(refused.code()).as(refused.output()).isEqualTo(14);
        assertThat(refused.output()).contains("cannot migrate back", "notes.0003_title_upper", "Raw Python operation");
        assertThat(site.current()).isEqualTo(v4);

        // when: forced
        Site.Run forced = site.djdeploy("rollback", ENV, "--ignore-schema");
        assertThat(forced.code()).as(forced.output()).isZero();
        assertThat(site.current()).isEqualTo(v2);
        LedgerEntry last = last(site);
        assertThat(last.outcome()).isEqualTo("forced");
        assertThat(last.note()).contains("--ignore-schema", "notes.0003_title_upper");
    }

    @Test
    void aStaleLockIsReportedWithItsDetailsAndOnlyRemovedByForce(Site site) throws Exception {
        // given: a lock left by a djdeploy process on this machine that no longer exists
        assertThat(site.deploy("v1").code()).isZero();
        Path lock = Files.createDirectories(site.site.deployTo().resolve(".djdeploy/lock"));
        String origin = io.djdeploy.step.Identity.current(System.getenv()).origin();
        Files.writeString(lock.resolve("info.json"), "{\"user\":\"carol\",\"origin\":\"" + origin
                + "\",\"pid\":999999999,\"ref\":\"v9\",\"started\":\"2026-01-01T00:00:00Z\",\"command\":\"deploy\",\"run_id\":\"x\"}\n");

        // when
        Site.Run deploy = site.deploy("v2");
        Site.Run status = site.djdeploy("status", ENV);

        // then: refused, the lock reported stale with its details, and still there
        assertThat(deploy.code()).isEqualTo(4);
        assertThat(deploy.output()).contains("locked by carol@" + origin, "STALE", "process 999999999", "unlock ENV --force");
        assertThat(status.output()).contains("STALE");
        assertThat(site.locked()).isTrue();

        // when: forced
        assertThat(site.djdeploy("unlock", ENV, "--force").code()).isZero();

        // then: gone, and the ledger says who removed whose lock
        assertThat(site.locked()).isFalse();
        LedgerEntry last = last(site);
        assertThat(last.event()).isEqualTo("unlock");
        assertThat(last.outcome()).isEqualTo("forced");
        assertThat(last.note()).contains("carol@" + origin);
        assertThat(site.deploy("v2").code()).isZero();
    }

    @Test
    void withAutoRollbackOffAFailedSwitchStaysOnTheNewReleaseAndSaysSo(Site site) throws Exception {
        site.site.writeConfig("rollback:\n  auto: false\n");
        assertThat(site.deploy("v2").code()).isZero();
        Site.Run run = site.deploy("noboot");
        assertThat(run.code()).as(run.output()).isEqualTo(8);
        assertThat(run.output()).contains("NOT switched back: rollback.auto is off");
        assertThat(last(site).note()).contains("rollback.auto is off");
        assertThat(site.locked()).isFalse();
    }

    static LedgerEntry last(Site site) throws Exception {
        List<LedgerEntry> l = site.ledger();
        return l.get(l.size() - 1);
    }
}
