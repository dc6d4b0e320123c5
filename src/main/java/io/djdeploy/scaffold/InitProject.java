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
 * What `djdeploy init` learns about a Django project by reading its files as text. It never
 * imports the project: settings that compute a value at run time are reported as not found
 * (with a warning) rather than guessed from executing code.
 *
 * @param packageName    the package that holds the settings (e.g. {@code shop})
 * @param settingsModule DJANGO_SETTINGS_MODULE (manage.py's setdefault)
 * @param wsgiApp        gunicorn's app spec, e.g. {@code shop.wsgi:application}
 * @param requirements   requirements files, relative to the project
 * @param staticUrl      STATIC_URL as a path with slashes on both ends, or null when it is a URL (CDN)
 * @param staticRoot     STATIC_ROOT: relative to BASE_DIR (the release), or absolute
 * @param mediaUrl       MEDIA_URL as a path, or null when it is a URL
 * @param mediaRoot      MEDIA_ROOT: relative to BASE_DIR, or absolute
 * @param sslHeader      the request header SECURE_PROXY_SSL_HEADER names (e.g. X-Forwarded-Proto), or null
 * @param sslValue       the value it expects on https requests
 * @param celery         whether the project uses Celery
 * @param envKeys        environment variables the settings read, in order of appearance
 * @param requiredEnv    those read without a default ({@code os.environ["X"]})
 * @param readsEnvFile   whether the settings load the file named by DJANGO_ENV_FILE
 * @param repo           the git remote "origin", or null
 * @param branch         the checked-out branch, or null
 * @param warnings       what could not be detected and what was assumed instead
 */
public record InitProject(Path dir, String packageName, String settingsModule, String wsgiApp, List<String> requirements,
                          String staticUrl, String staticRoot, String mediaUrl, String mediaRoot, String sslHeader, String sslValue,
                          boolean celery, List<String> envKeys, List<String> requiredEnv, boolean readsEnvFile,
                          String repo, String branch, List<String> warnings) {

    /** Not a Django project (no manage.py, no settings): init cannot continue. */
    public static final class NotAProject extends Exception {
        public NotAProject(String message) {
            super(message);
        }
    }

    private static final Pattern SETTINGS_DEFAULT = Pattern.compile(
            "environ\\.setdefault\\(\\s*[\"']DJANGO_SETTINGS_MODULE[\"']\\s*,\\s*[\"']([A-Za-z_][\\w.]*)[\"']");
    private static final Pattern STAR_IMPORT = Pattern.compile("(?m)^from\\s+(\\.*[\\w.]*)\\s+import\\s+\\*");
    private static final Pattern STRING = Pattern.compile("\"([^\"\\\\]*)\"|'([^'\\\\]*)'");
    private static final Pattern SSL_HEADER = Pattern.compile(
            "(?m)^SECURE_PROXY_SSL_HEADER\\s*=\\s*[(\\[]\\s*[\"']HTTP_([A-Z0-9_]+)[\"']\\s*,\\s*[\"']([^\"']*)[\"']");
    private static final List<Pattern> ENV_READS = List.of(
            Pattern.compile("environ\\.get\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
            Pattern.compile("getenv\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
            Pattern.compile("\\benv(?:_\\w+|\\.\\w+)?\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),  // django-environ, helpers like env_bool
            Pattern.compile("\\bconfig\\(\\s*[\"']([A-Z][A-Z0-9_]*)[\"']"));                 // python-decouple
    private static final Pattern ENV_REQUIRED = Pattern.compile("environ\\[\\s*[\"']([A-Z][A-Z0-9_]*)[\"']\\s*]");
    /** Set by the service files or by djdeploy, never in the env file. */
    private static final Set<String> NOT_IN_ENV_FILE = Set.of("DJANGO_SETTINGS_MODULE", "DJANGO_ENV_FILE");

    public static InitProject detect(Path dir) throws NotAProject, IOException {
        List<String> warnings = new ArrayList<>();
        Path manage = dir.resolve("manage.py");
        if (!Files.isRegularFile(manage)) {
            throw new NotAProject("no manage.py in " + dir + ": run init in the Django project's directory (or pass --dir)");
        }
        String settingsModule = firstGroup(SETTINGS_DEFAULT, Files.readString(manage));
        Path settingsFile = settingsModule == null ? null : moduleFile(dir, settingsModule);
        if (settingsModule == null || settingsFile == null) {
            settingsFile = findSettings(dir);
            if (settingsFile == null) {
                throw new NotAProject("cannot find the settings: manage.py sets no DJANGO_SETTINGS_MODULE"
                        + (settingsModule != null ? " file for " + settingsModule : "") + " and there is no <package>/settings.py");
            }
            String found = moduleOf(dir, settingsFile);
            if (settingsModule != null) warnings.add("manage.py names " + settingsModule + ", which has no file here; using " + found);
            settingsModule = found;
        }
        String packageName = settingsModule.split("\\.")[0];
        // the settings package's directory: <pkg>/ for pkg.settings, <pkg>/settings/ for pkg.settings.production
        Path settingsDir = settingsFile.getParent();
        Path packageDir = dir.resolve(packageName);
        String text = settingsText(dir, settingsFile, new LinkedHashSet<>());
        String code = withoutComments(text);

        String wsgiApp = null;
        Matcher wm = Pattern.compile("(?m)^WSGI_APPLICATION\\s*=\\s*[\"']([A-Za-z_][\\w.]*)\\.(\\w+)[\"']").matcher(code);
        if (wm.find()) wsgiApp = wm.group(1) + ":" + wm.group(2);
        else if (Files.isRegularFile(settingsDir.resolve("wsgi.py"))) wsgiApp = moduleOf(dir, settingsDir.resolve("wsgi.py")) + ":application";
        else if (Files.isRegularFile(packageDir.resolve("wsgi.py"))) wsgiApp = packageName + ".wsgi:application";
        else {
            wsgiApp = packageName + ".wsgi:application";
            warnings.add("no WSGI_APPLICATION in the settings and no wsgi.py next to them; assumed " + wsgiApp);
        }

        List<String> requirements = requirements(dir, warnings);

        String staticUrl = urlPath(assignedString(code, "STATIC_URL"), "/static/");
        String staticRoot = rootDir(code, "STATIC_ROOT");
        if (staticRoot == null) {
            staticRoot = "staticfiles";
            warnings.add(code.contains("STATIC_ROOT") ? "cannot read STATIC_ROOT from the settings text; assumed BASE_DIR / \"staticfiles\" (check deploy/nginx)"
                    : "the settings set no STATIC_ROOT: collectstatic needs it; add STATIC_ROOT = BASE_DIR / \"staticfiles\" (assumed)");
        }
        String mediaUrl = urlPath(assignedString(code, "MEDIA_URL"), "/media/");
        String mediaRoot = rootDir(code, "MEDIA_ROOT");
        if (mediaRoot == null) {
            mediaRoot = "media";
            if (!code.contains("MEDIA_ROOT")) warnings.add("the settings set no MEDIA_ROOT; assumed BASE_DIR / \"media\" (shared across releases)");
        }

        String sslHeader = null, sslValue = null;
        Matcher sm = SSL_HEADER.matcher(code);
        if (sm.find()) {
            sslHeader = headerName(sm.group(1));
            sslValue = sm.group(2);
        } else {
            warnings.add("the settings set no SECURE_PROXY_SSL_HEADER: behind nginx Django cannot tell https requests;"
                    + " add SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") (nginx sets it)");
        }

        boolean celery = Files.isRegularFile(settingsDir.resolve("celery.py")) || Files.isRegularFile(packageDir.resolve("celery.py"))
                || requirementsMentionCelery(dir, requirements);

        LinkedHashSet<String> keys = new LinkedHashSet<>();
        LinkedHashSet<String> required = new LinkedHashSet<>();
        // in order of appearance, whichever way each is read
        List<int[]> hits = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Pattern p : ENV_READS) collect(p, code, hits, names);
        collect(ENV_REQUIRED, code, hits, names);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) order.add(i);
        order.sort((a, b) -> Integer.compare(hits.get(a)[0], hits.get(b)[0]));
        for (int i : order) {
            String n = names.get(i);
            if (NOT_IN_ENV_FILE.contains(n)) continue;
            keys.add(n);
            if (hits.get(i)[1] == 1) required.add(n);
        }
        boolean readsEnvFile = code.contains("DJANGO_ENV_FILE");

        String repo = null, branch = null;
        Path git = dir.resolve(".git");
        if (Files.isRegularFile(git.resolve("config"))) repo = originUrl(Files.readString(git.resolve("config")));
        if (Files.isRegularFile(git.resolve("HEAD"))) {
            String head = Files.readString(git.resolve("HEAD")).strip();
            if (head.startsWith("ref: refs/heads/")) branch = head.substring("ref: refs/heads/".length());
        }
        return new InitProject(dir, packageName, settingsModule, wsgiApp, List.copyOf(requirements), staticUrl, staticRoot, mediaUrl,
                mediaRoot, sslHeader, sslValue, celery, List.copyOf(keys), List.copyOf(required), readsEnvFile, repo, branch,
                List.copyOf(warnings));
    }

    /** The default app name: the package name, made a valid service name. */
    public String defaultApp() {
        String a = packageName.toLowerCase(Locale.ROOT).replace('_', '-').replaceAll("[^a-z0-9-]", "");
        a = a.replaceAll("^[^a-z]+", "");
        if (a.length() > 32) a = a.substring(0, 32);
        return a.isEmpty() ? "app" : a;
    }

    /** The module whose ROOT_URLCONF holds the urls (for the health view's instructions). */
    public String urlsModule() {
        try {
            Path f = moduleFile(dir, settingsModule);
            if (f != null) {
                String u = assignedString(withoutComments(settingsText(dir, f, new LinkedHashSet<>())), "ROOT_URLCONF");
                if (u != null) return u;
            }
        } catch (IOException e) {
            // fall through to the usual name
        }
        return packageName + ".urls";
    }

    // ------------------------------------------------------------------ helpers

    private static void collect(Pattern p, String code, List<int[]> hits, List<String> names) {
        Matcher m = p.matcher(code);
        while (m.find()) {
            hits.add(new int[]{m.start(), p == ENV_REQUIRED ? 1 : 0});
            names.add(m.group(1));
        }
    }

    private static String firstGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** a.b.c -> a/b/c.py or a/b/c/__init__.py under dir, or null. */
    static Path moduleFile(Path dir, String module) {
        Path base = dir;
        for (String part : module.split("\\.")) base = base.resolve(part);
        Path py = base.resolveSibling(base.getFileName() + ".py");
        if (Files.isRegularFile(py)) return py;
        Path init = base.resolve("__init__.py");
        return Files.isRegularFile(init) ? init : null;
    }

    private static String moduleOf(Path dir, Path file) {
        Path rel = dir.relativize(file);
        String s = rel.toString().replace('\\', '/');
        s = s.endsWith("/__init__.py") ? s.substring(0, s.length() - "/__init__.py".length()) : s.substring(0, s.length() - 3);
        return s.replace('/', '.');
    }

    /** A package one level down with settings.py (or settings/__init__.py) and wsgi.py: Django's startproject layout. */
    private static Path findSettings(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (!Files.isDirectory(p) || p.getFileName().toString().startsWith(".")) continue;
                Path f = p.resolve("settings.py");
                if (Files.isRegularFile(f)) return f;
                f = p.resolve("settings").resolve("__init__.py");
                if (Files.isRegularFile(f)) return f;
            }
        }
        return null;
    }

    /**
     * The settings file's text, preceded by the files it star-imports from the project
     * ({@code from .base import *}), so that keys set in a base module count too.
     */
    private static String settingsText(Path dir, Path file, Set<Path> seen) throws IOException {
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
                target = rest.isEmpty() ? base.resolve("__init__.py") : moduleFile(base, rest);
            } else {
                target = moduleFile(dir, mod);
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
    private static String assignedString(String code, String name) {
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

    /** "/static/", "static/" -> "/static/"; a URL (CDN) -> null; absent -> the default. */
    private static String urlPath(String url, String dflt) {
        if (url == null || url.isBlank()) return dflt;
        if (url.contains("://") || url.startsWith("//")) return null;
        String p = url.startsWith("/") ? url : "/" + url;
        return p.endsWith("/") ? p : p + "/";
    }

    /**
     * STATIC_ROOT / MEDIA_ROOT: the literals after BASE_DIR ({@code BASE_DIR / "static"},
     * {@code os.path.join(BASE_DIR, "static")}, {@code env("X", str(BASE_DIR / "static"))}) joined
     * as a path relative to the release, or an absolute literal; null when not readable as text.
     */
    private static String rootDir(String code, String name) {
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

    private static List<String> strings(String expr) {
        List<String> out = new ArrayList<>();
        Matcher s = STRING.matcher(expr);
        while (s.find()) out.add(s.group(1) != null ? s.group(1) : s.group(2));
        return out;
    }

    /** X_FORWARDED_PROTO -> X-Forwarded-Proto (Django's META key HTTP_X_FORWARDED_PROTO). */
    static String headerName(String metaSuffix) {
        StringBuilder b = new StringBuilder();
        for (String part : metaSuffix.split("_")) {
            if (part.isEmpty()) continue;
            if (!b.isEmpty()) b.append('-');
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    /** requirements.txt; else requirements/production.txt or prod.txt; else requirements/*.txt that are not for development. */
    private static List<String> requirements(Path dir, List<String> warnings) throws IOException {
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
        warnings.add("no requirements.txt or requirements/*.txt: python.requirements is empty (no pip install); add yours to deploy.yml");
        return List.of();
    }

    private static boolean requirementsMentionCelery(Path dir, List<String> files) throws IOException {
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> todo = new ArrayList<>();
        for (String f : files) todo.add(dir.resolve(f));
        while (!todo.isEmpty()) {
            Path f = todo.remove(0);
            if (!seen.add(f.normalize()) || !Files.isRegularFile(f)) continue;
            for (String line : Files.readAllLines(f)) {
                String t = line.strip().toLowerCase(Locale.ROOT);
                if (t.matches("celery([\\[=<>~!; ].*)?")) return true;
                Matcher inc = Pattern.compile("^-r\\s+(\\S+)").matcher(line.strip());
                if (inc.find()) todo.add(f.getParent().resolve(inc.group(1)));
            }
        }
        return false;
    }

    /** The url of [remote "origin"] in .git/config. */
    static String originUrl(String config) {
        boolean inOrigin = false;
        for (String line : config.split("\n")) {
            String t = line.strip();
            if (t.startsWith("[")) inOrigin = t.replace(" ", "").equals("[remote\"origin\"]");
            else if (inOrigin && t.startsWith("url")) {
                int eq = t.indexOf('=');
                if (eq > 0) return t.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
