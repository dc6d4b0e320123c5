package io.djdeploy.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The text djdeploy writes in other languages (systemd, supervisor, nginx, CI YAML, bash, Python,
 * CSS) as resource files under {@code io/djdeploy/templates/}, each replaceable by a project's
 * {@code deploy/templates/<same name>} (docs/templates.md).
 *
 * <p>The syntax is the least that keeps each file whole and readable in its own language:
 * {@code {{name}}} is a value; {@code {{#flag}}…{{/flag}}} keeps its text when the flag is true,
 * {@code {{^flag}}…{{/flag}}} when it is false; a section tag alone on its line takes the line
 * with it. Everything else is the file's own text, including GitHub Actions' {@code ${{ … }}}.
 * A name the caller did not provide is an error naming the file and line: a typo in an override
 * must not turn into a unit or a site with a hole in it.
 */
public final class TextTemplates {
    /** Where a project puts its own versions, relative to the directory holding deploy.yml. */
    public static final String OVERRIDE_DIR = "deploy/templates";

    /** Every template djdeploy renders; docs/templates.md lists each with its placeholders. */
    public static final List<String> NAMES = List.of(
            "systemd/web@.service", "systemd/web.service", "systemd/web.socket", "systemd/celery.service", "systemd/beat.service",
            "supervisor/programs.conf", "gunicorn/gunicorn.conf.py", "nginx/site.conf", "nginx/upstream.conf",
            "ci/github-deploy.yml", "ci/gitlab-ci.yml", "django/healthz.py", "export/lib.sh", "report/report.css",
            "demo/supervisord.conf", "maintenance/page.html", "container/Dockerfile", "container/dockerignore");

    private static final String RESOURCES = "/io/djdeploy/templates/";
    /** {{…}} not preceded by $: ${{ … }} belongs to GitHub Actions. */
    private static final Pattern TAG = Pattern.compile("(?<!\\$)\\{\\{(.*?)}}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Path overrides;

    private TextTemplates(Path overrides) {
        this.overrides = overrides;
    }

    /** Only the templates shipped in the jar. */
    public static TextTemplates builtIn() {
        return new TextTemplates(null);
    }

    /**
     * The templates of the project in {@code projectDir}: its {@code deploy/templates/NAME} wins
     * over the built-in one. A file there that is no template's name is an error (a misspelt
     * override would otherwise be ignored without a word).
     */
    public static TextTemplates of(Path projectDir) {
        Path dir = projectDir.resolve(OVERRIDE_DIR);
        if (!Files.isDirectory(dir)) return builtIn();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                if (!NAMES.contains(name)) {
                    throw new TemplateException(f + ": not a template djdeploy renders (its templates, docs/templates.md: "
                            + String.join(", ", NAMES) + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return new TextTemplates(dir);
    }

    /** The templates of the project whose config file is {@code configFile} (deploy/templates next to it). */
    public static TextTemplates forConfig(Path configFile) {
        Path parent = configFile.toAbsolutePath().getParent();
        return of(parent != null ? parent : Path.of("/"));
    }

    /**
     * Renders template {@code name}.
     *
     * @param values each placeholder's value: a String for {@code {{name}}}, a Boolean for a section
     */
    public String render(String name, Map<String, ?> values) {
        Path override = override(name);
        if (override != null) {
            try {
                return render(Files.readString(override), override.toString(), values);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + override, e);
            }
        }
        return render(builtInText(name), "built-in template " + name, values);
    }

    /** The project's file for {@code name}, or null when the built-in one is used. */
    public Path override(String name) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("no template " + name);
        if (overrides == null) return null;
        Path f = overrides.resolve(name);
        return Files.isRegularFile(f) ? f : null;
    }

    public static String builtInText(String name) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("no template " + name);
        try (InputStream in = TextTemplates.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("template " + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The placeholder and section names {@code text} uses, sorted (for docs/templates.md and its test). */
    public static TreeSet<String> names(String text) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = TAG.matcher(text);
        while (m.find()) names.add(m.group(1).strip().replaceFirst("^[#^/]\\s*", ""));
        return names;
    }

    private record Section(String name, boolean keep, int line) {}

    /** {@code origin} names the text in errors (a file path, or the built-in template's name). */
    static String render(String text, String origin, Map<String, ?> values) {
        StringBuilder out = new StringBuilder(text.length());
        Deque<Section> open = new ArrayDeque<>();
        boolean emitting = true;
        int pos = 0;
        Matcher m = TAG.matcher(text);
        while (m.find()) {
            String tag = m.group(1).strip();
            char kind = tag.isEmpty() ? ' ' : tag.charAt(0);
            boolean section = kind == '#' || kind == '^' || kind == '/';
            String name = section ? tag.substring(1).strip() : tag;
            int line = line(text, m.start());
            if (!NAME.matcher(name).matches()) {
                throw new TemplateException(origin + ":" + line + ": {{" + m.group(1) + "}} is not a placeholder (a name of a-z, 0-9 and _)");
            }
            int start = m.start();
            int end = m.end();
            if (section) {
                // alone on its line: the line goes too, so sections leave no blank lines behind
                int lineStart = text.lastIndexOf('\n', start - 1) + 1;
                int lineEnd = text.indexOf('\n', end);
                if (lineEnd < 0) lineEnd = text.length() - 1;
                if (text.substring(lineStart, start).isBlank() && text.substring(end, lineEnd + 1).isBlank()) {
                    start = lineStart;
                    end = lineEnd + 1;
                }
            }
            if (emitting) out.append(text, pos, start);
            pos = end;
            if (kind == '/') {
                if (open.isEmpty() || !open.peek().name().equals(name)) {
                    throw new TemplateException(origin + ":" + line + ": {{/" + name + "}} closes no open {{#" + name + "}}"
                            + (open.isEmpty() ? "" : " (open: {{#" + open.peek().name() + "}} from line " + open.peek().line() + ")"));
                }
                open.pop();
            } else {
                Object v = value(values, name, origin, line, section ? Boolean.class : String.class);
                if (section) open.push(new Section(name, (Boolean) v == (kind == '#'), line));
                else if (emitting) out.append((String) v);
            }
            emitting = open.stream().allMatch(Section::keep);
        }
        if (!open.isEmpty()) {
            throw new TemplateException(origin + ":" + open.peek().line() + ": {{#" + open.peek().name() + "}} is never closed");
        }
        out.append(text, pos, text.length());
        return out.toString();
    }

    private static Object value(Map<String, ?> values, String name, String origin, int line, Class<?> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new TemplateException(origin + ":" + line + ": unknown placeholder {{" + name + "}} (this template has: "
                    + String.join(", ", new TreeSet<>(values.keySet())) + ")");
        }
        if (!type.isInstance(v)) {
            throw new TemplateException(origin + ":" + line + ": {{" + name + "}} is " + (v instanceof Boolean
                    ? "a condition: use it as {{#" + name + "}}…{{/" + name + "}}" : "a value, not a condition: use it as {{" + name + "}}"));
        }
        return v;
    }

    private static int line(String text, int offset) {
        int n = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') n++;
        return n;
    }
}
