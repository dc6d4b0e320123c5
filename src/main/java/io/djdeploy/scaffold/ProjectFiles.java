package io.djdeploy.scaffold;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What init reads from a project's files besides the settings: which settings module a
 * production deploy uses, the requirements (or pyproject.toml), the Python version the project
 * declares and whether gunicorn is among its dependencies.
 */
final class ProjectFiles {
    private ProjectFiles() {}

    private static final Pattern DEV_MODULE = Pattern.compile("(.*)\\.(dev|local|development)");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");
    private static final Pattern REQUIRES_PYTHON = Pattern.compile("(?m)^\\s*requires-python\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final Pattern TOML_DEPS = Pattern.compile("(?ms)^\\s*dependencies\\s*=\\s*\\[(.*?)]");

    /**
     * The settings module for production and why: manage.py's default is often the developer's
     * module ({@code shop.settings.dev}); when it ends in dev/local/development and a
     * production/prod sibling exists, that one is used. Null note: manage.py's default as is.
     */
    record Choice(String module, String note) {}

    static Choice productionModule(Path dir, String managePyDefault) {
        if (managePyDefault == null) return new Choice(null, null);
        Matcher m = DEV_MODULE.matcher(managePyDefault);
        if (!m.matches()) return new Choice(managePyDefault, null);
        for (String sibling : List.of("production", "prod")) {
            String mod = m.group(1) + "." + sibling;
            if (InitProject.moduleFile(dir, mod) != null) {
                return new Choice(mod, "manage.py defaults to " + managePyDefault + " (a development module); using its sibling "
                        + mod + " (--settings picks another)");
            }
        }
        return new Choice(managePyDefault, null);
    }

    /** requirements.txt; else requirements/production.txt or prod.txt; else requirements/*.txt that are not for development. */
    static List<String> requirements(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("requirements.txt"))) return List.of("requirements.txt");
        Path rd = dir.resolve("requirements");
        if (Files.isDirectory(rd)) {
            for (String n : List.of("production.txt", "prod.txt")) {
                if (Files.isRegularFile(rd.resolve(n))) return List.of("requirements/" + n);
            }
            try (Stream<Path> s = Files.list(rd)) {
                List<String> found = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                        .filter(n -> !n.matches("(?i).*(dev|test|local|ci|lint|doc).*")).sorted()
                        .map(n -> "requirements/" + n).toList();
                if (!found.isEmpty()) return found;
            }
        }
        return List.of();
    }

    /** Whether pyproject.toml declares the project's dependencies ([project] dependencies). */
    static boolean pyprojectDependencies(Path dir) throws IOException {
        Path f = dir.resolve("pyproject.toml");
        return Files.isRegularFile(f) && TOML_DEPS.matcher(Files.readString(f)).find();
    }

    /** The names of the dependencies: requirements lines (following -r) and pyproject's list. */
    static Set<String> dependencyNames(Path dir, List<String> files, boolean pyproject) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> todo = new ArrayList<>();
        for (String f : files) todo.add(dir.resolve(f));
        while (!todo.isEmpty()) {
            Path f = todo.remove(0);
            if (!seen.add(f.normalize()) || !Files.isRegularFile(f)) continue;
            for (String line : Files.readAllLines(f)) {
                Matcher inc = Pattern.compile("^-r\\s+(\\S+)").matcher(line.strip());
                if (inc.find()) todo.add(f.getParent().resolve(inc.group(1)));
                else name(line).ifPresent(names::add);
            }
        }
        if (pyproject) {
            Matcher m = TOML_DEPS.matcher(Files.readString(dir.resolve("pyproject.toml")));
            if (m.find()) {
                Matcher s = Pattern.compile("\"([^\"]*)\"|'([^']*)'").matcher(m.group(1));
                while (s.find()) name(s.group(1) != null ? s.group(1) : s.group(2)).ifPresent(names::add);
            }
        }
        return names;
    }

    private static java.util.Optional<String> name(String requirement) {
        Matcher m = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)").matcher(requirement.strip());
        return m.find() ? java.util.Optional.of(m.group(1).toLowerCase(Locale.ROOT).replace('_', '-')) : java.util.Optional.empty();
    }

    /**
     * The lowest Python "X.Y" the project declares, and where: {@code .python-version} (pyenv),
     * {@code runtime.txt} ({@code python-3.11.4}, Heroku's), pyproject's {@code requires-python}
     * (its lower bound). Null when none says.
     */
    record Declared(String version, String source) {}

    static Declared pythonVersion(Path dir) throws IOException {
        Path pv = dir.resolve(".python-version");
        if (Files.isRegularFile(pv)) {
            Matcher m = VERSION.matcher(Files.readString(pv));
            if (m.find()) return new Declared(m.group(1) + "." + m.group(2), ".python-version");
        }
        Path rt = dir.resolve("runtime.txt");
        if (Files.isRegularFile(rt)) {
            Matcher m = Pattern.compile("python-(\\d+)\\.(\\d+)").matcher(Files.readString(rt));
            if (m.find()) return new Declared(m.group(1) + "." + m.group(2), "runtime.txt");
        }
        Path pp = dir.resolve("pyproject.toml");
        if (Files.isRegularFile(pp)) {
            Matcher m = REQUIRES_PYTHON.matcher(Files.readString(pp));
            if (m.find()) {
                // ">=3.10,<4" -> 3.10; "~=3.11" -> 3.11; "^3.9" (poetry) -> 3.9
                for (String part : m.group(1).split(",")) {
                    String p = part.strip();
                    if (p.startsWith("<") || p.startsWith("!=")) continue;
                    Matcher v = VERSION.matcher(p);
                    if (v.find()) return new Declared(v.group(1) + "." + v.group(2), "pyproject.toml requires-python");
                }
            }
        }
        return null;
    }
}
