package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same recorded operations as MigrationClassifierTest, judged for MariaDB: the lock
 * finding follows InnoDB's online DDL (INSTANT / INPLACE keep writes going, COPY does not),
 * and the other findings (old code breaks, data) stay what they are on any database.
 */
class MariaDbDdlTest {
    static MigrationPlan.Migration onMariaDb(String name) throws IOException {
        MigrationFacts all = MigrationClassifierTest.load("synthetic-ops.json");
        MigrationFacts.Migration m = all.migrations().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        MigrationFacts alone = new MigrationFacts(all.django(), "mysql", "pending", null, null,
                List.of(List.of("shop", "0000_in_use")), all.known(), all.leaves(), List.of(m), null, null, false);
        return MigrationClassifier.plan(alone).migrations().get(0);
    }

    @ParameterizedTest(name = "{0}: locks on MariaDB {1}")
    @CsvSource(delimiter = '|', value = {
            "0002_product_description       | false | nullable column: INSTANT",
            "0004_product_barcode           | false | unique column: INSTANT column + INPLACE index",
            "0005_product_category          | true  | foreign key: COPY with foreign_key_checks",
            "0006_alter_product_name        | false | varchar 100 -> 200 chars: both past 255 bytes, INSTANT",
            "0007_alter_product_note        | true  | varchar -> text: a type change, COPY",
            "0008_alter_product_description | false | NULL -> NOT NULL: INPLACE, LOCK=NONE",
            "0009_alter_product_qty         | true  | int -> bigint: COPY",
            "0010_alter_product_legacy_code | true  | narrowing varchar: COPY",
            "0011_alter_product_sku         | false | db_index: INPLACE",
            "0017_product_name_idx          | false | AddIndex: INPLACE, LOCK=NONE",
            "0020_product_qty_gte_0         | true  | CHECK constraint: COPY",
            "0021_product_unique_name_sku   | false | UniqueConstraint: INPLACE",
            "0022_alter_order_unique_together | false | unique_together: INPLACE",
    })
    void theLockFindingFollowsInnoDbsAlgorithm(String name, boolean locks, String why) throws IOException {
        List<String> reasons = onMariaDb(name).operations().stream().flatMap(o -> o.reasons().stream()).toList();
        List<String> whys = onMariaDb(name).operations().stream().flatMap(o -> o.why().stream()).toList();
        if (locks) {
            assertThat(reasons).as(why).contains("locks-table");
            assertThat(whys).as(why).anyMatch(w -> w.startsWith("on MariaDB") && w.contains("ALGORITHM=COPY"));
        } else {
            assertThat(reasons).as(why).doesNotContain("locks-table");
        }
    }

    @ParameterizedTest(name = "{0} keeps {1} on MariaDB")
    @CsvSource(delimiter = '|', value = {
            "0003_product_price             | backward-incompatible",
            "0008_alter_product_description | backward-incompatible",
            "0015_delete_vendor             | backward-incompatible",
            "0024_upper_names               | irreversible",
    })
    void findingsThatAreNotAboutLocksStay(String name, String reason) throws IOException {
        assertThat(onMariaDb(name).operations().stream().flatMap(o -> o.reasons().stream()).toList()).contains(reason);
    }
}
