package io.djdeploy.django;

import io.djdeploy.release.MigrationPlan;
import io.djdeploy.release.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule on recorded helper output: synthetic-ops.json is one migration per case, run
 * through the helper for real (Django 3.2, PostgreSQL 15) except two Django 5 db_default shapes.
 */
class MigrationClassifierTest {
    static MigrationFacts load(String name) throws IOException {
        try (InputStream in = MigrationClassifierTest.class.getResourceAsStream("/migrations/" + name)) {
            return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), MigrationFacts.class);
        }
    }

    /** One case alone, as if it were the only pending migration against a database in use. */
    static MigrationPlan.Migration migration(String name) throws IOException {
        MigrationFacts all = load("synthetic-ops.json");
        MigrationFacts.Migration m = all.migrations().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        MigrationFacts alone = new MigrationFacts(all.django(), all.vendor(), "pending", null, null,
                List.of(List.of("shop", "0000_in_use")), all.known(), all.leaves(), List.of(m), null, null, false);
        return MigrationClassifier.plan(alone).migrations().get(0);
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "0001_initial                       | safe   | ",
            "0002_product_description           | safe   | ",
            "0003_product_price                 | review | backward-incompatible",
            "0004_product_barcode               | review | locks-table",
            "0005_product_category              | review | locks-table",
            "0006_alter_product_name            | review | locks-table",
            "0007_alter_product_note            | review | locks-table",
            "0008_alter_product_description     | review | locks-table backward-incompatible",
            "0009_alter_product_qty             | review | locks-table",
            "0010_alter_product_legacy_code     | review | locks-table backward-incompatible",
            "0011_alter_product_sku             | review | locks-table",
            "0012_rename_note_product_remark    | review | backward-incompatible",
            "0013_rename_supplier_vendor        | review | backward-incompatible",
            "0014_alter_vendor_table            | review | backward-incompatible",
            "0015_delete_vendor                 | review | backward-incompatible",
            "0016_order                         | safe   | ",
            "0017_product_name_idx              | review | locks-table",
            "0018_product_sku_qty_idx           | safe   | ",
            "0019_remove_product_sku_qty_idx    | safe   | ",
            "0020_product_qty_gte_0             | review | locks-table",
            "0021_product_unique_name_sku       | review | locks-table backward-incompatible",
            "0022_alter_order_unique_together   | review | locks-table backward-incompatible",
            "0023_fill_barcodes                 | review | data-migration",
            "0024_upper_names                   | review | data-migration irreversible",
            "0025_sql_with_reverse              | review | opaque-sql",
            "0026_sql_without_reverse           | review | opaque-sql irreversible",
            "0027_rename_remark_comment         | review | opaque-sql",
            "0028_alter_product_options         | safe   | ",
            "0029_product_comment               | review | opaque-sql",
            "0030_remove_product_legacy_code    | review | backward-incompatible",
            "0031_product_status                | safe   | ",
            "0032_product_seen_at               | review | locks-table",
    })
    void eachCaseGetsItsClassAndExactlyItsReasons(String name, String cls, String reasons) throws IOException {
        // when
        MigrationPlan.Migration m = migration(name);

        // then
        Set<String> expected = reasons == null ? Set.of() : Set.of(reasons.split(" "));
        Set<String> actual = m.operations().stream().flatMap(o -> o.reasons().stream()).collect(java.util.stream.Collectors.toSet());
        assertThat(m.needsReview() ? "review" : "safe").isEqualTo(cls);
        assertThat(actual).isEqualTo(expected);
        m.operations().forEach(o -> assertThat(o.why()).hasSameSizeAs(o.reasons()));
    }

    /** One case of ops-django52.json (recorded by src/test/python/ops_project.py under Django 5.2) alone against a database in use. */
    static MigrationPlan.Migration django52(String name) throws IOException {
        MigrationFacts all = load("ops-django52.json");
        MigrationFacts.Migration m = all.migrations().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        MigrationFacts alone = new MigrationFacts(all.django(), all.vendor(), "pending", null, null,
                List.of(List.of("shop", "0000_in_use")), all.known(), all.leaves(), List.of(m), null, null, false);
        return MigrationClassifier.plan(alone).migrations().get(0);
    }

    @ParameterizedTest(name = "{0}: {1} / {2}")
    @CsvSource(delimiter = '|', value = {
            "0002_alter_author_id                | locks-table                        | expand-only",
            "0003_alter_book_title               | locks-table                        | expand-only",
            "0004_alter_author_code              | backward-incompatible locks-table  | contract",
            "0005_alter_book_pages               | backward-incompatible locks-table  | contract",
            "0006_alter_book_isbn                | backward-incompatible locks-table  | contract",
            "0007_alter_book_unique_together     | backward-incompatible locks-table  | contract",
            "0008_author_unique_name             | backward-incompatible locks-table  | contract",
            "0009_book_stock_gte_0               | locks-table                        | contract",
            "0010_remove_book_stock_gte_0        |                                    | expand-only",
            "0011_remove_author_code_author_slug | backward-incompatible              | contract",
            "0012_book_note                      | opaque-sql                         | expand-only",
            "0013_alter_book_table               | backward-incompatible              | contract",
            "0014_book_title_idx                 |                                    | expand-only",
            "0015_remove_book_title_idx          |                                    | expand-only",
            "0016_rename_book_stock_idx          | locks-table                        | expand-only",
            "0017_alter_author_table_comment     |                                    | expand-only",
            "0018_author_country                 |                                    | expand-only",
            "0019_book_doubled                   | locks-table                        | expand-only",
    })
    void eachDjango52ShapeGetsItsForwardRisksAndItsRollbackCompatibility(String name, String reasons, String rollback) throws IOException {
        // when
        MigrationPlan.Migration m = django52(name);

        // then: the gate's axis and the rollback's axis, separately
        Set<String> expected = reasons == null ? Set.of() : Set.of(reasons.split(" "));
        Set<String> actual = m.operations().stream().flatMap(o -> o.reasons().stream()).collect(java.util.stream.Collectors.toSet());
        assertThat(actual).isEqualTo(expected);
        assertThat(m.operations().stream().allMatch(MigrationPlan.Op::expandOnly) ? "expand-only" : "contract").isEqualTo(rollback);
        m.operations().forEach(o -> assertThat(o.rollbackWhy()).isNotBlank());
    }

    @Test
    void theReasonsSayWhatTheReviewerNeedsToKnow() throws IOException {
        assertThat(why("0002_alter_author_id")).contains("AutoField to BigAutoField", "shop_book.author_id", "PostgreSQL", "MariaDB", "SQLite");
        assertThat(why("0011_remove_author_code_author_slug"))
                .contains("looks like a rename of code to slug on shop_author: every existing row gets 'unknown' in slug");
        assertThat(why("0019_book_doubled")).contains("generated column book.doubled", "INSERTs never name it")
                .doesNotContain("INSERTs omit");
        assertThat(why("0008_author_unique_name")).contains("(for the rows its condition matches)", "duplicate");
        assertThat(why("0005_alter_book_pages")).contains("narrows book.pages (IntegerField to CharField(10))");
    }

    @Test
    void aRemoveAndAddInDifferentMigrationsOfOneDeployIsStillARename() throws IOException {
        // given: the RemoveField and the AddField split over two pending migrations
        MigrationFacts all = load("ops-django52.json");
        MigrationFacts.Migration both = all.migrations().stream().filter(x -> x.name().startsWith("0011")).findFirst().orElseThrow();
        MigrationFacts.Migration remove = new MigrationFacts.Migration("shop", "0011a", true, false, null, null, both.operations().subList(0, 1), null, false);
        MigrationFacts.Migration add = new MigrationFacts.Migration("shop", "0011b", true, false, null, null, both.operations().subList(1, 2), null, false);
        MigrationFacts pending = new MigrationFacts(all.django(), all.vendor(), "pending", null, null,
                List.of(List.of("shop", "0000_in_use")), all.known(), all.leaves(), List.of(remove, add), null, null, false);

        // when
        MigrationPlan plan = MigrationClassifier.plan(pending);

        // then: judged in one deploy, the AddField says what happens to the rows
        assertThat(plan.migrations().get(1).operations().get(0).why()).anyMatch(w -> w.contains("looks like a rename of code to slug"));
        // and alone (a manifest), the AddField of 0011b has no RemoveField beside it
        assertThat(MigrationClassifier.isolated(pending).migrations().get(1).operations().get(0).why()).noneMatch(w -> w.contains("rename"));
    }

    static String why(String name) throws IOException {
        return django52(name).operations().stream().flatMap(o -> o.why().stream()).collect(java.util.stream.Collectors.joining(" | "));
    }

    @Test
    void operationsOnATableThatThePlanCreatesAreSafe() throws IOException {
        // given: every migration from empty, in one plan (0001 creates shop_product)
        MigrationFacts all = load("synthetic-ops.json");

        // when
        MigrationPlan plan = MigrationClassifier.plan(all);

        // then: an index or NOT NULL column on a table nobody uses yet locks nothing that serves
        assertThat(plan.migrations().stream().filter(m -> m.name().equals("0004_product_barcode")).findFirst().orElseThrow().needsReview()).isFalse();
        assertThat(plan.migrations().stream().filter(m -> m.name().equals("0017_product_name_idx")).findFirst().orElseThrow().needsReview()).isFalse();
        // what is not about a table's lock or its readers stays review
        assertThat(plan.migrations().stream().filter(m -> m.name().equals("0024_upper_names")).findFirst().orElseThrow().needsReview()).isTrue();
    }

    @Test
    void aFreshDatabaseHasNothingToBreak() throws IOException {
        // given: v3's plan, but against a database where nothing was applied yet
        MigrationFacts v3 = load("pending-v3.json");
        MigrationFacts fresh = new MigrationFacts(v3.django(), v3.vendor(), "pending", null, null, List.of(), v3.known(),
                v3.leaves(), v3.migrations(), null, null, true);

        // when
        MigrationPlan plan = MigrationClassifier.plan(fresh);

        // then
        assertThat(plan.verdict()).isEqualTo("safe");
        assertThat(plan.note()).contains("fresh database");
        // and an unreachable database never passes as "nothing pending"
        MigrationFacts unreachable = new MigrationFacts(v3.django(), v3.vendor(), "pending", null, null, List.of(), v3.known(),
                v3.leaves(), List.of(), null, "OperationalError: could not connect", false);
        assertThat(unreachable.freshDatabase()).isFalse();
    }

    @Test
    void theExampleTagsAreClassifiedAsTheIssueSays() throws IOException {
        assertThat(ops("pending-v3.json")).containsExactly("RemoveField review [backward-incompatible]");
        assertThat(ops("pending-v3-postgresql.json")).containsExactly("RemoveField review [backward-incompatible]");
        assertThat(ops("pending-v4.json")).containsExactly("RunPython review [data-migration, irreversible]");
        assertThat(ops("pending-v5.json")).containsExactly("AddIndex review [locks-table]");
    }

    @Test
    void planJsonHasTheDocumentedShape() throws IOException {
        // when
        String json = Json.line(MigrationClassifier.plan(load("pending-v3.json")));

        // then
        assertThat(json).startsWith("{\"verdict\":\"review\",\"migrations\":[{\"app\":\"notes\",\"name\":\"0003_remove_note_body\",\"operations\":[{")
                .contains("\"operations\":[{\"type\":\"RemoveField\",\"class\":\"review\",\"reasons\":[\"backward-incompatible\"],\"description\":\"Remove field body from note\"");
    }

    @Test
    void allModeGivesAManifestOfEveryKnownMigration() throws IOException {
        List<io.djdeploy.release.LedgerEntry.MigrationEntry> manifest = ReleaseManifest.of(load("all-v5.json"));
        assertThat(manifest).extracting(io.djdeploy.release.LedgerEntry.MigrationEntry::id)
                .contains("notes.0001_initial", "notes.0002_note_body", "notes.0003_note_created_idx", "auth.0001_initial");
        assertThat(manifest.stream().filter(e -> e.id().equals("notes.0003_note_created_idx")).findFirst().orElseThrow().cls())
                .isEqualTo("review");
    }

    @Test
    void approvalsCoverTheReviewMigrations() throws IOException {
        MigrationPlan plan = MigrationClassifier.plan(load("pending-v3.json"));
        assertThat(plan.unapproved(Set.of())).containsExactly("notes.0003_remove_note_body");
        assertThat(plan.unapproved(Set.of("notes.0003_remove_note_body"))).isEmpty();
        assertThat(plan.unapproved(Set.of("*"))).isEmpty();
        assertThat(plan.unapproved(Set.of("notes.0004_other"))).containsExactly("notes.0003_remove_note_body");
    }

    static List<String> ops(String file) throws IOException {
        return MigrationClassifier.plan(load(file)).migrations().stream().flatMap(m -> m.operations().stream())
                .map(o -> o.type() + " " + o.cls() + " " + o.reasons()).toList();
    }
}
