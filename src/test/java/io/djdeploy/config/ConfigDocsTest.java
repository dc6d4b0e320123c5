package io.djdeploy.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md's key tables are the user's reference; the section readers are what
 * djdeploy does. This test holds them together: every key a reader declares has exactly one
 * row, every row names a declared key, each row's default begins with the default the reader
 * declares, and a whole-number key's row states its limits.
 */
class ConfigDocsTest {
    private static final Path DOC = Path.of("docs/configuration.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** A row of a key table: the key, the default cell, the whole row (for limits), the line. */
    record Row(String key, String dflt, String text, int line) {}

    private static final List<Row> rows = new ArrayList<>();
    private static final List<List<String>> keyLists = new ArrayList<>();

    @BeforeAll
    static void parseTheDocs() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int defaultColumn = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("|")) {
                defaultColumn = -1;
                continue;
            }
            List<String> cells = cells(line);
            if (cells.get(0).equals("key")) {
                defaultColumn = cells.indexOf("default");
                continue;
            }
            if (defaultColumn < 0 || line.startsWith("|---")) continue;
            List<String> names = new ArrayList<>();
            Matcher m = CODE.matcher(cells.get(0));
            while (m.find()) names.add(m.group(1));
            if (names.size() == 1) rows.add(new Row(names.get(0), cells.get(defaultColumn), line, i + 1));
            else keyLists.add(names);
        }
    }

    /** Cells of a Markdown table row; {@code \|} inside a cell is not a separator. */
    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("(?<!\\\\)\\|", -1)) out.add(c.strip());
        return out;
    }

    /** Every key the readers declare, by the name the docs give it (web.nginx.test, hosts[].port, notify[].url). */
    static Map<String, Key<?>> declared() {
        Map<String, Key<?>> out = new LinkedHashMap<>();
        for (Key<?> k : List.of(Schema.APP, Schema.REPO, Schema.ENVIRONMENTS, Schema.DEPLOY_TO, Schema.HOSTS)) add(out, "", k);
        for (Key<?> k : Schema.SETTINGS) {
            // a settings section has a heading of its own, not a row: only its keys have rows
            if (k.type() instanceof Type.Nested<?> n) walk(out, k.name() + ".", n.section());
            else if (k.type().items() != null) walk(out, k.name() + "[].", k.type().items());
            else add(out, "", k);
        }
        return out;
    }

    private static void add(Map<String, Key<?>> out, String prefix, Key<?> k) {
        String name = prefix + k.name();
        assertThat(out.put(name, k)).as("declared twice: " + name).isNull();
        if (k.type() instanceof Type.Nested<?> n) walk(out, name + ".", n.section());
        if (k.type().items() != null) walk(out, name + "[].", k.type().items());
    }

    private static void walk(Map<String, Key<?>> out, String prefix, Section<?> section) {
        for (Key<?> k : section.keys()) add(out, prefix, k);
    }

    @Test
    void everyDeclaredKeyHasExactlyOneRowAndEveryRowIsDeclared() {
        // given
        List<String> documented = rows.stream().map(Row::key).toList();

        // then
        assertThat(documented).as("key rows in " + DOC).doesNotHaveDuplicates();
        assertThat(documented).as("key rows in " + DOC + " vs. the keys the section readers declare")
                .containsExactlyInAnyOrderElementsOf(declared().keySet());
    }

    @Test
    void theTopLevelTableListsExactlyTheSettings() {
        assertThat(keyLists).as("rows naming several keys in " + DOC).hasSize(1);
        assertThat(keyLists.get(0)).containsExactlyElementsOf(Schema.names(Schema.SETTINGS));
    }

    @Test
    void eachRowsDefaultBeginsWithTheDeclaredDefault() {
        // given
        Map<String, Key<?>> declared = declared();

        // then
        for (Row row : rows) {
            Key<?> key = declared.get(row.key());
            if (key == null) continue; // reported by the test above
            assertThat(row.dflt()).as(DOC + ":" + row.line() + ": default of " + row.key()).startsWith(key.documentedDefault());
        }
    }

    @Test
    void eachWholeNumberRowStatesItsLimits() {
        // given
        Map<String, Key<?>> declared = declared();
        int checked = 0;

        // then
        for (Row row : rows) {
            Key<?> key = declared.get(row.key());
            if (key == null || !(key.type() instanceof Types.Range range)) continue;
            assertThat(row.text()).as(DOC + ":" + row.line() + ": limits of " + row.key()).contains(range.min() + " to " + range.max());
            checked++;
        }
        assertThat(checked).as("whole-number keys checked").isGreaterThanOrEqualTo(10);
    }

    @Test
    void documentedDefaultsAreWrittenTheWayTheDocsWriteValues() {
        assertThat(Key.duration("t", java.time.Duration.ofMillis(500)).documentedDefault()).isEqualTo("`500ms`");
        assertThat(Key.duration("t", java.time.Duration.ofHours(2)).documentedDefault()).isEqualTo("`2h`");
        assertThat(PythonSection.REQUIREMENTS.documentedDefault()).isEqualTo("`[requirements.txt]`");
        assertThat(HealthSection.RELEASE.documentedDefault()).isEqualTo("`header`");
        assertThat(WebSection.STRATEGY.documentedDefault()).isEqualTo("`restart`");
        assertThat(DjangoSection.SETTINGS.documentedDefault()).isEqualTo("none");
        assertThat(Schema.APP.documentedDefault()).isEqualTo("required");
    }
}
