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
 * What `djdeploy init` learns about a Django project. Where a Python here can import Django,
 * the settings are asked ({@link SettingsProbe}: what Django resolves, which environment
 * variables the settings read); otherwise they are read as text, and what cannot be read is
 * reported as guessed.
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
 * @param notes          what init chose on its own and why (e.g. the production sibling of a dev settings module)
 * @param source         how the settings were read: "Django 4.2 (/usr/bin/python3)", or null when read as text (guessed)
 * @param python         the lowest Python "X.Y" the project declares, or null
 * @param pythonSource   the file that declares it
 * @param pyproject      whether the dependencies come from pyproject.toml (pip installs the project itself)
 * @param gunicorn       whether gunicorn is among the dependencies
 *
 * Roots: relative to BASE_DIR (inside the release), {@code ../NAME} (next to the release, outside
 * BASE_DIR: on a host that is shared/NAME, linked from the releases' parent), or absolute.
 */
public record InitProject(Path dir, String packageName, String settingsModule, String wsgiApp, List<String> requirements,
                          String staticUrl, String staticRoot, String mediaUrl, String mediaRoot, String sslHeader, String sslValue,
                          boolean celery, List<String> envKeys, List<String> requiredEnv, boolean readsEnvFile,
                          String repo, String branch, List<String> warnings, List<String> notes, String source,
                          String python, String pythonSource, boolean pyproject, boolean gunicorn) {

    /** The facts of a project read as text, before init asked Django or read the Python version (tests build these). */
    public InitProject(Path dir, String packageName, String settingsModule, String wsgiApp, List<String> requirements,
                       String staticUrl, String staticRoot, String mediaUrl, String mediaRoot, String sslHeader, String sslValue,
                       boolean celery, List<String> envKeys, List<String> requiredEnv, boolean readsEnvFile,
                       String repo, String branch, List<String> warnings) {
        this(dir, packageName, settingsModule, wsgiApp, requirements, staticUrl, staticRoot, mediaUrl, mediaRoot, sslHeader, sslValue,
                celery, envKeys, requiredEnv, readsEnvFile, repo, branch, warnings, List.of(), null, null, null, false, true);
    }

    /** Not a Django project (no manage.py, no settings): init cannot continue. */
    public static final class NotAProject extends Exception {
        public NotAProject(String message) {
            super(message);
        }
    }

    private static final Pattern SETTINGS_DEFAULT = Pattern.compile(
            "environ\\.setdefault\\(\\s*[\"']DJANGO_SETTINGS_MODULE[\"']\\s*,\\s*[\"']([A-Za-z_][\\w.]*)[\"']");
    private static final Pattern SSL_HEADER = Pattern.compile(
            "(?m)^SECURE_PROXY_SSL_HEADER\\s*=\\s*[(\\[]\\s*[\"']HTTP_([A-Z0-9_]+)[\"']\\s*,\\s*[\"']([^\"']*)[\"']");
    /** Set by the service files or by djdeploy, never in the env file. */
    static final Set<String> NOT_IN_ENV_FILE = Set.of("DJANGO_SETTINGS_MODULE", "DJANGO_ENV_FILE");

    /** Reads the files as text only, with manage.py's (or the production sibling's) settings. */
    public static InitProject detect(Path dir) throws NotAProject, IOException {
        return detect(dir, null, SettingsProbe.NONE);
    }

    /**
     * @param settings the settings module to use (--settings), or null: manage.py's default, or its
     *                 production sibling when that default is a development module
     * @param probe    asks Django; {@link SettingsProbe#NONE} reads the settings as text
     */
    public static InitProject detect(Path dir, String settings, SettingsProbe probe) throws NotAProject, IOException {
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path manage = dir.resolve("manage.py");
        if (!Files.isRegularFile(manage)) {
            throw new NotAProject("no manage.py in " + dir + ": run init in the Django project's directory (or pass --dir)");
        }
        String settingsModule;
        if (settings != null) {
            if (moduleFile(dir, settings) == null) throw new NotAProject("--settings " + settings + ": no such module in " + dir);
            settingsModule = settings;
        } else {
            ProjectFiles.Choice choice = ProjectFiles.productionModule(dir, firstGroup(SETTINGS_DEFAULT, Files.readString(manage)));
            settingsModule = choice.module();
            if (choice.note() != null) notes.add(choice.note());
        }
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
        String code = SettingsText.withoutComments(SettingsText.settingsText(dir, settingsFile, new LinkedHashSet<>()));
        java.util.Optional<SettingsProbe.Facts> asked = probe.probe(dir, settingsModule);
        SettingsProbe.Facts facts = asked.filter(SettingsProbe.Facts::ok).orElse(null);
        String source = facts == null ? null : "Django " + facts.django() + " (" + facts.python() + ")";
        if (facts == null) {
            warnings.add(asked.map(f -> "Django (" + f.python() + ") could not load " + f.settings() + ": " + f.error() + "; ")
                    .orElse(probe == SettingsProbe.NONE ? "" : "no Python here imports Django (the project's .venv, venv, env, /usr/bin/python3; --python names one); ")
                    + "read the settings as text and guessed what follows: check it");
        }

        String wsgiApp = null;
        Matcher wm = Pattern.compile("(?m)^WSGI_APPLICATION\\s*=\\s*[\"']([A-Za-z_][\\w.]*)\\.(\\w+)[\"']").matcher(code);
        if (facts != null && facts.wsgiApplication() != null && facts.wsgiApplication().matches("[A-Za-z_][\\w.]*\\.\\w+")) {
            String w = facts.wsgiApplication();
            wsgiApp = w.substring(0, w.lastIndexOf('.')) + ":" + w.substring(w.lastIndexOf('.') + 1);
        } else if (wm.find()) wsgiApp = wm.group(1) + ":" + wm.group(2);
        else if (Files.isRegularFile(settingsDir.resolve("wsgi.py"))) wsgiApp = moduleOf(dir, settingsDir.resolve("wsgi.py")) + ":application";
        else if (Files.isRegularFile(packageDir.resolve("wsgi.py"))) wsgiApp = packageName + ".wsgi:application";
        else {
            wsgiApp = packageName + ".wsgi:application";
            warnings.add("no WSGI_APPLICATION in the settings and no wsgi.py next to them; assumed " + wsgiApp);
        }

        List<String> requirements = ProjectFiles.requirements(dir);
        boolean pyproject = requirements.isEmpty() && ProjectFiles.pyprojectDependencies(dir);
        if (requirements.isEmpty() && !pyproject) {
            warnings.add("no requirements.txt, requirements/*.txt or pyproject.toml dependencies: nothing to pip install; add yours to deploy.yml (python.requirements)");
        }
        java.util.Set<String> deps = ProjectFiles.dependencyNames(dir, requirements, pyproject);
        ProjectFiles.Declared declared = ProjectFiles.pythonVersion(dir);

        String staticUrl, staticRoot, mediaUrl, mediaRoot, sslHeader = null, sslValue = null;
        if (facts != null) {
            Path base = Path.of(facts.baseDir() != null ? facts.baseDir() : dir.toString());
            staticUrl = urlPath(facts.staticUrl(), "/static/");
            staticRoot = hostRoot(base, facts.staticRoot());
            if (staticRoot == null && staticUrl != null) {
                staticRoot = "staticfiles";
                warnings.add("the settings set no STATIC_ROOT: collectstatic needs it; add STATIC_ROOT = BASE_DIR / \"staticfiles\" (assumed)");
            }
            mediaUrl = urlPath(facts.mediaUrl(), "/media/");
            mediaRoot = hostRoot(base, facts.mediaRoot());
            for (SettingsProbe.Storage st : facts.storages()) {
                if (!"staticfiles".equals(st.alias()) && st.location() != null && !st.location().equals(facts.mediaRoot())) {
                    warnings.add("storage '" + st.alias() + "' keeps files in " + st.location() + ": link it into shared/ too (shared.dirs)");
                }
            }
            if (mediaRoot == null) {
                mediaRoot = "media";
                notes.add("the settings set no MEDIA_ROOT; assumed BASE_DIR / \"media\" (shared across releases)");
            }
            if (facts.sslHeader() != null && facts.sslHeader().size() == 2 && facts.sslHeader().get(0).startsWith("HTTP_")) {
                sslHeader = headerName(facts.sslHeader().get(0).substring(5));
                sslValue = facts.sslHeader().get(1);
            }
        } else {
            staticUrl = urlPath(SettingsText.assignedString(code, "STATIC_URL"), "/static/");
            staticRoot = SettingsText.rootDir(code, "STATIC_ROOT");
            if (staticRoot == null) {
                staticRoot = "staticfiles";
                warnings.add(code.contains("STATIC_ROOT") ? "cannot read STATIC_ROOT from the settings text; assumed BASE_DIR / \"staticfiles\" (check deploy/nginx)"
                        : "the settings set no STATIC_ROOT: collectstatic needs it; add STATIC_ROOT = BASE_DIR / \"staticfiles\" (assumed)");
            }
            mediaUrl = urlPath(SettingsText.assignedString(code, "MEDIA_URL"), "/media/");
            mediaRoot = SettingsText.rootDir(code, "MEDIA_ROOT");
            if (mediaRoot == null) {
                mediaRoot = "media";
                warnings.add(code.contains("MEDIA_ROOT") ? "cannot read MEDIA_ROOT from the settings text; assumed BASE_DIR / \"media\": uploads are lost if that is wrong"
                        : "the settings set no MEDIA_ROOT; assumed BASE_DIR / \"media\" (shared across releases)");
            }
            Matcher sm = SSL_HEADER.matcher(code);
            if (sm.find()) {
                sslHeader = headerName(sm.group(1));
                sslValue = sm.group(2);
            }
        }
        if (sslHeader == null) {
            warnings.add("the settings set no SECURE_PROXY_SSL_HEADER: behind nginx Django cannot tell https requests;"
                    + " add SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") (nginx sets it)");
        }
        for (String root : List.of(staticRoot, mediaRoot)) {
            if (root.startsWith("../")) notes.add(root.substring(3) + " is outside BASE_DIR, next to the release: on the hosts it is "
                    + "shared/" + root.substring(3) + ", linked as DEPLOY_TO/" + root.substring(3) + " and DEPLOY_TO/releases/" + root.substring(3)
                    + " (see the next steps)");
        }

        boolean celery = Files.isRegularFile(settingsDir.resolve("celery.py")) || Files.isRegularFile(packageDir.resolve("celery.py"))
                || deps.contains("celery") || (facts != null && facts.installedApps().stream().anyMatch(a -> a.startsWith("django_celery_")));

        LinkedHashSet<String> keys = new LinkedHashSet<>();
        LinkedHashSet<String> required = new LinkedHashSet<>();
        if (facts != null) {
            for (SettingsProbe.EnvRead r : facts.env()) {
                if (NOT_IN_ENV_FILE.contains(r.name()) || !r.name().matches("[A-Za-z_][A-Za-z0-9_]*")) continue;
                keys.add(r.name());
                if (r.required()) required.add(r.name());
            }
        } else {
            SettingsText.envFromText(code, keys, required);
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
                List.copyOf(warnings), List.copyOf(notes), source, declared == null ? null : declared.version(),
                declared == null ? null : declared.source(), pyproject, deps.contains("gunicorn"));
    }

    /**
     * A root Django resolved on this machine, as init writes it: relative to BASE_DIR when inside
     * it, {@code ../NAME} when next to it (BASE_DIR's parent is releases/ or the deploy root on a
     * host, so it cannot be used as is), else absolute; null when unset.
     */
    public static String hostRoot(Path baseDir, String root) {
        if (root == null || root.isBlank()) return null;
        Path b = baseDir.toAbsolutePath().normalize();
        Path r = b.resolve(root).normalize();
        if (r.equals(b)) return null;   // BASE_DIR itself: the release, never a shared folder
        String rel = null;
        if (r.startsWith(b)) rel = b.relativize(r).toString();
        else if (b.getParent() != null && r.startsWith(b.getParent()) && !r.equals(b.getParent())) rel = "../" + b.getParent().relativize(r);
        String v = rel != null ? rel.replace('\\', '/') : r.toString();
        return v.matches("(\\.\\./)?[A-Za-z0-9._/-]+") || v.matches("/[A-Za-z0-9._/-]+") ? v : null;
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
                String u = SettingsText.assignedString(SettingsText.withoutComments(SettingsText.settingsText(dir, f, new LinkedHashSet<>())), "ROOT_URLCONF");
                if (u != null) return u;
            }
        } catch (IOException e) {
            // fall through to the usual name
        }
        return packageName + ".urls";
    }

    // ------------------------------------------------------------------ helpers

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

    /** "/static/", "static/" -> "/static/"; a URL (CDN) -> null; absent -> the default. */
    private static String urlPath(String url, String dflt) {
        if (url == null || url.isBlank()) return dflt;
        if (url.contains("://") || url.startsWith("//")) return null;
        String p = url.startsWith("/") ? url : "/" + url;
        return p.endsWith("/") ? p : p + "/";
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
