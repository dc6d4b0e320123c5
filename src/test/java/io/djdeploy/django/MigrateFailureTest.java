package io.djdeploy.django;

import io.djdeploy.config.DjangoConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.release.ReleaseLayout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MigrateFailureTest {
    static final MigrationPlan PLAN = new MigrationPlan("review", List.of(
            new MigrationPlan.Migration("notes", "0002_note_body", true, List.of(), List.of("ALTER TABLE \"notes_note\" ADD COLUMN \"body\" text NULL;")),
            new MigrationPlan.Migration("notes", "0003_remove_note_body", true, List.of(),
                    List.of("-- Remove field body from note", "ALTER TABLE \"notes_note\" DROP COLUMN \"body\" CASCADE;"))), null);

    @Test
    void aPostgresLockTimeoutNamesTheMigrationItsTableAndTheWait() {
        // given: what manage.py migrate prints when the ALTER gives up waiting
        String out = """
                Running migrations:
                  Applying notes.0002_note_body... OK
                  Applying notes.0003_remove_note_body...Traceback (most recent call last):
                psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout
                django.db.utils.OperationalError: canceling statement due to lock timeout
                """;

        // when
        String why = MigrateFailure.explain(out, PLAN, Duration.ofSeconds(5));

        // then
        assertThat(why).startsWith("lock timeout (5s): notes.0003_remove_note_body waited for a lock on table notes_note")
                .contains("another session holds", "Nothing switched");
    }

    @Test
    void mariaDbsLockWaitIsRecognisedAndOtherFailuresAreLeftAlone() {
        assertThat(MigrateFailure.explain("  Applying notes.0003_x...\n(1205, 'Lock wait timeout exceeded; try restarting transaction')", null, null))
                .startsWith("lock timeout: notes.0003_x waited for a lock that");
        assertThat(MigrateFailure.explain("django.db.utils.ProgrammingError: column \"x\" does not exist", PLAN, Duration.ofSeconds(5))).isNull();
    }

    @Test
    void migrateCarriesTheTimeoutsInPgoptionsAndNoneWhenOff() {
        ReleaseLayout l = new ReleaseLayout("/srv/demo");
        DjangoConfig dj = new DjangoConfig("manage.py", null, "/etc/demo/demo.env", true, true, true);
        String on = MigrationSteps.migrateCommand(l, "20261201010000", dj, new MigrationsConfig(MigrationsConfig.Policy.GATE, null,
                Duration.ofSeconds(5), Duration.ofMinutes(5)), "notes", "0002_note_body").script();
        String off = MigrationSteps.migrateCommand(l, "20261201010000", dj, new MigrationsConfig(MigrationsConfig.Policy.GATE, null, Duration.ZERO, null)).script();

        assertThat(on).contains("env 'PGOPTIONS=-c lock_timeout=5000ms -c statement_timeout=300000ms'", "manage.py migrate notes 0002_note_body --noinput");
        assertThat(off).doesNotContain("PGOPTIONS").contains("manage.py migrate --noinput");
        assertThat(MigrationsConfig.DEFAULTS.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
