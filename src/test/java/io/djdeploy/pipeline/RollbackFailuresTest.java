package io.djdeploy.pipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.djdeploy.pipeline.Fleet.OLD;
import static io.djdeploy.pipeline.Fleet.OLDER;
import static io.djdeploy.pipeline.FakeHost.fail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rollback against fake hosts: the target choice, the schema guard (refused, migrate back,
 * forced) and a failure at SWITCH, with what each leaves on the hosts and in the ledger.
 */
class RollbackFailuresTest {
    static final String INITIAL = "{\"id\":\"shop.0001_initial\",\"cls\":\"safe\",\"reasons\":[],\"expand_only\":true,"
            + "\"operations\":[\"Create model Item\"]}";
    static final String ADD = "{\"id\":\"shop.0002_item_note\",\"cls\":\"safe\",\"reasons\":[],\"expand_only\":true,"
            + "\"operations\":[\"Add field note to item\"]}";
    static final String DROP = "{\"id\":\"shop.0002_drop_price\",\"cls\":\"review\",\"reasons\":[\"backward-incompatible\"],"
            + "\"expand_only\":false,\"operations\":[\"Remove field price from item\"]}";
    static final String DROP_FOR_GOOD = "{\"id\":\"shop.0002_drop_price\",\"cls\":\"review\",\"reasons\":[\"backward-incompatible\","
            + "\"irreversible\"],\"expand_only\":false,\"operations\":[\"Remove field price from item\"]}";

    Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    /** web1 (the migrate host): OLDER knows 0001, OLD also {@code second}, and the database has both applied. */
    void schema(String second) {
        FakeHost web1 = fleet.host("web1");
        web1.file(manifest(OLDER), "{\"migrations\":[" + INITIAL + "]}");
        web1.file(manifest(OLD), "{\"migrations\":[" + INITIAL + "," + second + "]}");
        String name = second.substring(second.indexOf("shop.") + 5, second.indexOf("\",\"cls"));
        web1.pendingJson = "{\"mode\":\"pending\",\"applied\":[[\"shop\",\"0001_initial\"],[\"shop\",\"" + name + "\"]],\"migrations\":[]}";
    }

    static String manifest(String id) {
        return Fleet.DEPLOY_TO + "/releases/" + id + "/.djdeploy/migrations.json";
    }

    void assertNothingChanged() {
        assertThat(fleet.currents().values()).containsOnly(OLD);
        fleet.hosts.values().forEach(h -> assertThat(h.ran("mv -T current.tmp current")).as(h.host()).isFalse());
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void aRollbackSwitchesToTheNewestGoodReleaseWithoutBuildingAnything() {
        // given
        schema(ADD);

        // when
        RunResult r = fleet.deployer.rollback(null);

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(r.release()).isEqualTo(OLDER);
        assertThat(fleet.currents().values()).containsOnly(OLDER);
        assertThat(fleet.ledger("web2")).containsExactly("rollback started " + OLDER, "rollback success " + OLDER);
        fleet.hosts.values().forEach(h -> assertThat(h.commands()).noneMatch(c -> c.contains("rev-parse") || c.contains("pip install")
                || c.contains("collectstatic") || c.contains("manage.py migrate")));
        assertThat(fleet.host("worker1").ran("supervisorctl restart shop-worker")).isTrue();
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void migrationsTheTargetDoesNotKnowBlockTheRollback() {
        // given
        schema(DROP);

        // when
        RunResult r = fleet.deployer.rollback(null);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.SCHEMA_BLOCKED);
        assertThat(r.message()).contains("shop.0002_drop_price (backward-incompatible: Remove field price from item)",
                "--migrate-back", "--ignore-schema");
        assertNothingChanged();
        assertThat(fleet.ledger("web3")).containsExactly("rollback refused " + OLDER);
    }

    @Test
    void migratingBackAnIrreversibleMigrationIsRefused() {
        // given
        schema(DROP_FOR_GOOD);

        // when
        RunResult r = fleet.deployer.rollback(null, Deployer.SchemaMode.MIGRATE_BACK);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.SCHEMA_BLOCKED);
        assertThat(r.message()).startsWith("cannot migrate back: shop.0002_drop_price (Remove field price from item) cannot be unapplied");
        assertThat(fleet.host("web1").ran("manage.py migrate")).isFalse();
        assertNothingChanged();
        assertThat(fleet.ledger("web1")).containsExactly("rollback refused " + OLDER);
    }

    @Test
    void aFailedMigrateBackSwitchesNothing() {
        // given
        schema(DROP);
        fleet.host("web1").on("manage.py migrate shop 0001_initial", fail(1, "django.db.utils.IntegrityError"));

        // when
        RunResult r = fleet.deployer.rollback(null, Deployer.SchemaMode.MIGRATE_BACK);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.SCHEMA_BLOCKED);
        assertThat(r.message()).isEqualTo("migrating shop back to 0001_initial failed (exit 1); the site still runs release " + OLD);
        assertNothingChanged();
    }

    @Test
    void migratingBackUsesTheNewerCodeThenSwitches() {
        // given
        schema(DROP);

        // when
        RunResult r = fleet.deployer.rollback(null, Deployer.SchemaMode.MIGRATE_BACK);

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.host("web1").commands()).anyMatch(c -> c.startsWith("cd /srv/shop/releases/" + OLD + " && ")
                && c.endsWith("manage.py migrate shop 0001_initial --noinput"));
        assertThat(fleet.currents().values()).containsOnly(OLDER);
        assertThat(fleet.lastLedger("web1").note()).isEqualTo("migrated back shop.0002_drop_price with release " + OLD + "'s code before switching");
        // distinct from --ignore-schema's "forced", with the reverse plan as the list
        assertThat(fleet.lastLedger("web1").outcome()).isEqualTo("migrated-back");
        assertThat(fleet.lastLedger("web1").migrations()).extracting(m -> m.id()).containsExactly("shop.0002_drop_price");
    }

    @Test
    void ignoringTheSchemaIsRecordedAsForced() {
        // given
        schema(DROP);

        // when
        RunResult r = fleet.deployer.rollback(null, Deployer.SchemaMode.IGNORE);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.ledger("web2")).containsExactly("rollback started " + OLDER, "rollback forced " + OLDER);
        assertThat(fleet.lastLedger("web2").note()).startsWith("forced with --ignore-schema over shop.0002_drop_price");
    }

    @Test
    void aTargetThatIsNotKeptEverywhereIsRefused() {
        // when
        RunResult r = fleet.deployer.rollback("20261010101010");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.NO_TARGET);
        assertNothingChanged();
        assertThat(fleet.ledger("web1")).isEmpty();
    }

    @Test
    void anUnhealthyTargetSendsTheSwitchedHostsBackToTheReleaseTheyServed() {
        // given
        schema(ADD);
        fleet.host("web2").on(s -> s.contains("helper.py health") && s.contains("--expect " + OLDER),
                FakeHost.answer("{\"ok\":false,\"status\":500,\"attempt\":1}"));

        // when
        RunResult r = fleet.deployer.rollback(null);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(fleet.currents().values()).containsOnly(OLD);
        assertThat(fleet.host("web1").ran("ln -s releases/" + OLD + " current.tmp")).isTrue();
        assertThat(fleet.host("web3").ran("mv -T current.tmp current")).isFalse();
        assertThat(fleet.ledger("web1")).containsExactly("rollback started " + OLDER, "rollback rolled_back " + OLDER);
        assertThat(fleet.anyLocked()).isFalse();
    }
}
