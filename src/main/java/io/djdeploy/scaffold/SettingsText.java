package io.djdeploy.scaffold;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings read as text: init's fallback when no Python here can import Django (then what
 * it finds is a guess, and init says so). Keys set in star-imported base modules count too.
 */
final class SettingsText {
    private SettingsText() {}

    static final Pattern STAR_IMPORT = Pattern.compile("(?m)^from\\s+(\\.*[\\w.]*)\\s+import\\s+\\*");
    static final Pattern STRING = Pattern.compile("\"([^\"\\\\]*)\"|'([^'\\\\]*)'");
    static final List<Pattern> ENV_READS = List.of(
            Pattern.compile("environ\\.get\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
            Pattern.compile("getenv\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
            Pattern.compile("\\benv(?:_\\w+|\\.\\w+)?\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),  // django-environ, helpers like env_bool
            Pattern.compile("\\bconfig\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"));                 // python-decouple
    static final Pattern ENV_REQUIRED = Pattern.compile("environ\\[\\s*[\"']([A-Z][A-Z0-9_]*)[\"']\\s*]");
    /** Environment variables read in the settings text, in order of appearance, whichever way each is read. */
    static void envFromText(String code, Set<String> keys, Set<String> required) {
        List<int[]> hits = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Pattern p : ENV_READS) collect(p, code, hits, names);
        collect(ENV_REQUIRED, code, hits, names);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) order.add(i);
        order.sort((a, b) -> Integer.compare(hits.get(a)[0], hits.get(b)[0]));
        for (int i : order) {
            String n = names.get(i);
            if (InitProject.NOT_IN_ENV_FILE.contains(n)) continue;
            keys.add(n);
            if (hits.get(i)[1] == 1) required.add(n);
        }
    }

    static void collect(Pattern p, String code, List<int[]> hits, List<String> names) {
        Matcher m = p.matcher(code);
        while (m.find()) {
            hits.add(new int[]{m.start(), p == ENV_REQUIRED ? 1 : 0});
            names.add(m.group(1));
        }
    }

    /**
     * The settings file's text, preceded by the files it star-imports from the project
     * ({@code from .base import *}), so that keys set in a base module count too.
     */
    static String settingsText(Path dir, Path file, Set<Path> seen) throws IOException {
        if (!seen.add(file.toAbsolutePath().normalize()) || seen.size() > 10) return "";
        String text = Files.readString(file);
        StringBuilder b = new StringBuilder();
        Matcher m = STAR_IMPORT.matcher(text);
        while (m.find()) {
            String mod = m.group(1);
            Path target;
            if (mod.startsWith(".")) {
                int dots = 0;
                while (dots < mod.length() && mod.charAt(dots) == '.') dots++;
                Path base = file.getParent();
                for (int i = 1; i < dots && base != null; i++) base = base.getParent();
                if (base == null) continue;
                String rest = mod.substring(dots);
                target = rest.isEmpty() ? base.resolve("__init__.py") : InitProject.moduleFile(base, rest);
            } else {
                target = InitProject.moduleFile(dir, mod);
            }
            if (target != null && Files.isRegularFile(target)) b.append(settingsText(dir, target, seen)).append('\n');
        }
        return b.append(text).toString();
    }

    /** Drops whole-line comments and trailing comments that follow code (not inside strings: good enough for settings). */
    static String withoutComments(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("#")) {
                b.append('\n');
                continue;
            }
            int hash = line.indexOf(" #");
            if (hash >= 0 && line.indexOf('"') < 0 && line.indexOf('\'') < 0) line = line.substring(0, hash);
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /** The string literal of the last top-level {@code NAME = "..."} (or a default inside env("NAME", "...")). */
    static String assignedString(String code, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s*=\\s*(.+)$").matcher(code);
        String value = null;
        while (m.find()) {
            String expr = m.group(1).strip();
            List<String> strings = strings(expr);
            if (strings.isEmpty()) continue;
            // NAME = "x" -> x; NAME = env("NAME", "x") -> x (the last literal is the value or the default)
            value = strings.get(strings.size() - 1);
        }
        return value;
    }

    /**
     * STATIC_ROOT / MEDIA_ROOT: the literals after BASE_DIR ({@code BASE_DIR / "static"},
     * {@code os.path.join(BASE_DIR, "static")}, {@code env("X", str(BASE_DIR / "static"))}) joined
     * as a path relative to the release, or an absolute literal; null when not readable as text.
     */
    static String rootDir(String code, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s*=\\s*(.+)$").matcher(code);
        String result = null;
        while (m.find()) {
            String expr = m.group(1).strip();
            int base = expr.indexOf("BASE_DIR");
            if (base >= 0) {
                String after = expr.substring(base + "BASE_DIR".length());
                if (after.startsWith(".parent") || after.contains("..")) {
                    result = null;
                    continue;
                }
                List<String> parts = strings(after);
                if (parts.isEmpty()) {
                    result = null;
                    continue;
                }
                String rel = String.join("/", parts).replaceAll("/+", "/").replaceAll("^/|/$", "");
                result = rel.matches("[A-Za-z0-9._/-]+") ? rel : null;
            } else {
                List<String> parts = strings(expr);
                String abs = parts.stream().filter(s -> s.startsWith("/")).reduce((a, b) -> b).orElse(null);
                result = abs != null && abs.matches("/[A-Za-z0-9._/-]+") ? abs.replaceAll("/$", "") : null;
            }
        }
        return result;
    }

    static List<String> strings(String expr) {
        List<String> out = new ArrayList<>();
        Matcher s = STRING.matcher(expr);
        while (s.find()) out.add(s.group(1) != null ? s.group(1) : s.group(2));
        return out;
    }

}
