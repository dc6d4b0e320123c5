package io.djdeploy.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTemplatesTest {

    // ------------------------------------------------------------------ the syntax

    @Test
    void valuesAreFilledIn() {
        assertThat(TextTemplates.render("upstream {{name}} {\n    server {{addr}};\n}\n", "t",
                Map.of("name", "shop_web", "addr", "unix:/run/shop/web.sock")))
                .isEqualTo("upstream shop_web {\n    server unix:/run/shop/web.sock;\n}\n");
    }

    @Test
    void aSectionAloneOnItsLineTakesTheLineWithIt() {
        String t = "a\n{{#on}}\nkept when on\n{{/on}}\n{{^on}}\nkept when off\n{{/on}}\nz\n";
        assertThat(TextTemplates.render(t, "t", Map.of("on", true))).isEqualTo("a\nkept when on\nz\n");
        assertThat(TextTemplates.render(t, "t", Map.of("on", false))).isEqualTo("a\nkept when off\nz\n");
    }

    @Test
    void aSectionInsideALineKeepsTheLine() {
        String t = "- python -m venv .venv{{#req}} && pip install {{args}}{{/req}}\n";
        assertThat(TextTemplates.render(t, "t", Map.of("req", true, "args", "-r r.txt"))).isEqualTo("- python -m venv .venv && pip install -r r.txt\n");
        assertThat(TextTemplates.render(t, "t", Map.of("req", false, "args", ""))).isEqualTo("- python -m venv .venv\n");
    }

    @Test
    void sectionsNest() {
        String t = "{{#a}}\nA\n{{#b}}\nB\n{{/b}}\n{{/a}}\n";
        assertThat(TextTemplates.render(t, "t", Map.of("a", true, "b", true))).isEqualTo("A\nB\n");
        assertThat(TextTemplates.render(t, "t", Map.of("a", true, "b", false))).isEqualTo("A\n");
        assertThat(TextTemplates.render(t, "t", Map.of("a", false, "b", true))).isEmpty();
    }

    @Test
    void githubActionsExpressionsAreLeftAlone() {
        String t = "env:\n  KEY: ${{ secrets.DEPLOY_SSH_KEY }}\n  ENV: {{environment}}\n";
        assertThat(TextTemplates.render(t, "t", Map.of("environment", "production")))
                .isEqualTo("env:\n  KEY: ${{ secrets.DEPLOY_SSH_KEY }}\n  ENV: production\n");
    }

    @Test
    void anUnknownPlaceholderIsAnErrorNamingFileLineAndTheKnownNames() {
        assertThatThrownBy(() -> TextTemplates.render("# ok\nListenStream={{live_sock}}\n", "deploy/templates/systemd/web.socket",
                Map.of("live_socket", "/run/shop/web.sock", "app", "shop")))
                .isInstanceOf(TemplateException.class)
                .hasMessage("deploy/templates/systemd/web.socket:2: unknown placeholder {{live_sock}} (this template has: app, live_socket)");
        // also inside a section that is left out: whether a name exists must not depend on the flags
        assertThatThrownBy(() -> TextTemplates.render("{{#on}}\n{{typo}}\n{{/on}}\n", "f", Map.of("on", false)))
                .hasMessageStartingWith("f:2: unknown placeholder {{typo}}");
    }

    @Test
    void malformedTemplatesAreErrorsNamingTheLine() {
        assertThatThrownBy(() -> TextTemplates.render("x\n{{ vars.X }}\n", "f", Map.of()))
                .hasMessage("f:2: {{ vars.X }} is not a placeholder (a name of a-z, 0-9 and _)");
        assertThatThrownBy(() -> TextTemplates.render("{{#a}}\nx\n", "f", Map.of("a", true))).hasMessage("f:1: {{#a}} is never closed");
        assertThatThrownBy(() -> TextTemplates.render("{{#a}}\n{{/b}}\n", "f", Map.of("a", true, "b", true)))
                .hasMessage("f:2: {{/b}} closes no open {{#b}} (open: {{#a}} from line 1)");
        assertThatThrownBy(() -> TextTemplates.render("{{a}}", "f", Map.of("a", true))).hasMessageContaining("{{a}} is a condition");
        assertThatThrownBy(() -> TextTemplates.render("{{#a}}{{/a}}", "f", Map.of("a", "x"))).hasMessageContaining("not a condition");
    }

    // ------------------------------------------------------------------ project overrides

    @Test
    void aProjectsFileUnderDeployTemplatesWinsOverTheBuiltInOne(@TempDir Path project) throws Exception {
        // given
        Path f = project.resolve("deploy/templates/nginx/upstream.conf");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "upstream {{upstream}} { server unix:{{live_socket}} max_fails=3; }\n");
        Map<String, Object> v = Map.of("app", "shop", "upstream", "shop_web", "live_socket", "/run/shop/web.sock");

        // when / then
        TextTemplates t = TextTemplates.of(project);
        assertThat(t.render("nginx/upstream.conf", v)).isEqualTo("upstream shop_web { server unix:/run/shop/web.sock max_fails=3; }\n");
        assertThat(t.override("nginx/upstream.conf")).isEqualTo(f);
        // the others stay built in
        assertThat(t.override("nginx/site.conf")).isNull();
        assertThat(t.render("nginx/upstream.conf", v)).isNotEqualTo(TextTemplates.builtIn().render("nginx/upstream.conf", v));
        assertThat(TextTemplates.forConfig(project.resolve("deploy.yml")).override("nginx/upstream.conf")).isEqualTo(f);
    }

    @Test
    void anUnknownPlaceholderInAnOverrideNamesTheFile(@TempDir Path project) throws Exception {
        Path f = project.resolve("deploy/templates/systemd/web.socket");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "[Socket]\nListenStream={{socket}}\n");
        assertThatThrownBy(() -> TextTemplates.of(project).render("systemd/web.socket", Map.of("live_socket", "/run/x/web.sock")))
                .isInstanceOf(TemplateException.class)
                .hasMessage(f + ":2: unknown placeholder {{socket}} (this template has: live_socket)");
    }

    @Test
    void aFileUnderDeployTemplatesThatIsNoTemplateIsAnError(@TempDir Path project) throws Exception {
        Path f = project.resolve("deploy/templates/systemd/web.servce");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        assertThatThrownBy(() -> TextTemplates.of(project)).isInstanceOf(TemplateException.class)
                .hasMessageStartingWith(f + ": not a template djdeploy renders").hasMessageContaining("systemd/web.service");
    }

    @Test
    void withoutDeployTemplatesEverythingIsBuiltIn(@TempDir Path project) {
        assertThat(TextTemplates.of(project).override("systemd/web.service")).isNull();
    }

    // ------------------------------------------------------------------ the built-in set and its documentation

    static final Path RESOURCES = Path.of("src/main/resources/io/djdeploy/templates");

    @Test
    void namesListsExactlyTheResourceFiles() throws Exception {
        try (Stream<Path> files = Files.walk(RESOURCES)) {
            List<String> found = files.filter(Files::isRegularFile).map(p -> RESOURCES.relativize(p).toString()).sorted().toList();
            assertThat(found).containsExactlyInAnyOrderElementsOf(TextTemplates.NAMES);
        }
    }

    /** docs/templates.md has one row per template: | `name` | what | `placeholder`, … |. */
    @Test
    void docsTemplatesMdListsEveryTemplateWithExactlyItsPlaceholders() throws Exception {
        Map<String, TreeSet<String>> documented = new TreeMap<>();
        Pattern row = Pattern.compile("^\\| `([^`]+)` \\|[^|]*\\|([^|]*)\\|\\s*$");
        for (String line : Files.readAllLines(Path.of("docs/templates.md"))) {
            Matcher m = row.matcher(line);
            if (!m.matches()) continue;
            TreeSet<String> names = new TreeSet<>();
            Matcher n = Pattern.compile("`([a-z0-9_]+)`").matcher(m.group(2));
            while (n.find()) names.add(n.group(1));
            documented.put(m.group(1), names);
        }
        Map<String, TreeSet<String>> actual = new TreeMap<>();
        for (String name : TextTemplates.NAMES) actual.put(name, TextTemplates.names(TextTemplates.builtInText(name)));
        assertThat(documented).isEqualTo(actual);
    }

    @Test
    void theBuiltInTemplatesParse() {
        // every name a template uses, given as a flag or a value, renders without a syntax error
        for (String name : TextTemplates.NAMES) {
            String text = TextTemplates.builtInText(name);
            Map<String, Object> v = new LinkedHashMap<>();
            for (String n : TextTemplates.names(text)) v.put(n, text.contains("{{#" + n + "}}") || text.contains("{{^" + n + "}}") ? (Object) true : "x");
            assertThat(TextTemplates.render(text, name, v)).as(name).doesNotContain("{{#", "{{/", "{{^");
        }
    }
}
