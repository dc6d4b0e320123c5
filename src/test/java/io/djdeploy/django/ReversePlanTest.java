package io.djdeploy.django;

import io.djdeploy.release.LedgerEntry.MigrationEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** --migrate-back's reverse plan and which kept release can unapply what. */
class ReversePlanTest {
    static MigrationEntry entry(String id, String... ops) {
        return new MigrationEntry(id, "review", List.of(), false, List.of(ops));
    }

    static final MigrationEntry INITIAL = entry("notes.0001_initial", "Create model Note");
    static final MigrationEntry BODY = entry("notes.0002_note_body", "Add field body to note");
    static final MigrationEntry REMOVE = entry("notes.0003_remove_note_body", "Remove field body from note");

    @Test
    void theReversePlanRunsNewestFirstAndSaysWhatComesBackAndWhatIsDropped() {
        // when: unapplying 0002 (added body) and 0003 (removed it)
        List<ReversePlan.Step> steps = ReversePlan.of(List.of("notes.0002_note_body", "notes.0003_remove_note_body"),
                Map.of(BODY.id(), BODY, REMOVE.id(), REMOVE));

        // then
        assertThat(steps).extracting(ReversePlan.Step::migration).containsExactly("notes.0003_remove_note_body", "notes.0002_note_body");
        assertThat(steps.get(0).reverse()).isEqualTo("adds column note.body back, empty (NULL or its default): its old values are not restored");
        assertThat(steps.get(0).dropsData()).isFalse();
        assertThat(steps.get(1).reverse()).isEqualTo("drops column note.body and every value in it");
        assertThat(steps.get(1).dropsData()).isTrue();
        assertThat(ReversePlan.of(List.of("notes.0001_initial"), Map.of(INITIAL.id(), INITIAL)).get(0).dropsData()).isTrue();
        assertThat(ReversePlan.reverse("x.1", "Create index note_created_idx on field(s) created of model note").dropsData()).isFalse();
    }

    @Test
    void reverseOperationsThatDropDataNeedApprovalByIdOrAll() {
        List<ReversePlan.Step> steps = ReversePlan.of(List.of("notes.0002_note_body", "notes.0003_remove_note_body"),
                Map.of(BODY.id(), BODY, REMOVE.id(), REMOVE));
        assertThat(ReversePlan.unapprovedDrops(steps, Set.of())).containsExactly("notes.0002_note_body");
        assertThat(ReversePlan.unapprovedDrops(steps, Set.of("notes.0002_note_body"))).isEmpty();
        assertThat(ReversePlan.unapprovedDrops(steps, Set.of("*"))).isEmpty();
        assertThat(ReversePlan.asPlan(List.of("notes.0002_note_body", "notes.0003_remove_note_body"), steps).migrations())
                .extracting(m -> m.id()).containsExactly("notes.0003_remove_note_body", "notes.0002_note_body");
    }

    @Test
    void theReleaseThatCanUnapplyIsTheCurrentOneWhenItHasTheFilesElseTheNewestKeptOneThatHas() {
        // given: v1 knows 0001; v2 (current) 0001-0002; v3 (kept, newer, rolled away from) 0001-0003
        Map<String, List<MigrationEntry>> kept = Map.of(
                "20261201000001", List.of(INITIAL),
                "20261201000002", List.of(INITIAL, BODY),
                "20261201000003", List.of(INITIAL, BODY, REMOVE));
        String current = "20261201000002";

        assertThat(RollbackSchema.holder(List.of(BODY.id()), kept, current)).isEqualTo(current);
        assertThat(RollbackSchema.holder(List.of(BODY.id(), REMOVE.id()), kept, current)).isEqualTo("20261201000003");
        assertThat(RollbackSchema.holder(List.of(REMOVE.id(), "shop.0009_gone"), kept, current)).isNull();
        assertThat(RollbackSchema.withoutFile(List.of(REMOVE.id(), "shop.0009_gone"), kept)).containsExactly("shop.0009_gone");
    }
}
