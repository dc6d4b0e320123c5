package io.djdeploy.cli;

import io.djdeploy.release.MigrationPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanTableTest {
    @Test
    void aLongModelOrFieldNameIsNeverCut() {
        // given: a description far wider than the column's usual 34 characters
        String longest = "Add field shipping_address_verification_status to customerorderfulfillmentrecord";
        MigrationPlan plan = new MigrationPlan(MigrationPlan.REVIEW, List.of(new MigrationPlan.Migration("orders", "0042_x", true, List.of(
                new MigrationPlan.Op("AddField", MigrationPlan.REVIEW, List.of("backward-incompatible"), longest, List.of("why")),
                new MigrationPlan.Op("AddIndex", MigrationPlan.SAFE, List.of(), "Create index short", List.of())), null)), null);

        // when
        List<String> lines = PlanTable.lines(plan, new Style(false));

        // then: the whole description, and the class column still lined up
        assertThat(lines).anyMatch(l -> l.contains(longest + " review "));
        int col = lines.stream().filter(l -> l.contains(longest)).findFirst().orElseThrow().indexOf(" review ");
        assertThat(lines.stream().filter(l -> l.contains("Create index short")).findFirst().orElseThrow().indexOf(" safe ")).isEqualTo(col);
    }
}
