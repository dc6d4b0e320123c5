package io.djdeploy.scaffold;

import io.djdeploy.release.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks Django itself what a project's settings resolve to: runs settings_probe.py (a resource)
 * with a Python that can import Django, the chosen settings module and an environment without
 * the project's variables (the probe records which ones the settings read). Init falls back to
 * reading the settings as text only when no such Python is found.
 */
public interface SettingsProbe {
    /** What the probe found, or empty when it could not run (no Python with Django here). */
    Optional<Facts> probe(Path project, String settingsModule);

    /** Reads the files as text only (tests, and `init --python none`). */
    SettingsProbe NONE = (project, module) -> Optional.empty();

    /** One environment variable the settings read: {@code required} when the settings cannot load without it. */
    record EnvRead(String name, String how, boolean required, boolean isStatic) {}

    /** One STORAGES entry (or DEFAULT_FILE_STORAGE / STATICFILES_STORAGE before Django 4.2). */
    record Storage(String alias, String backend, String location) {}

    /** The probe's JSON; {@code python} is the interpreter that ran it. Paths are as seen on this machine. */
    record Facts(boolean ok, String error, String python, String django, String settings, List<EnvRead> env, String baseDir,
                 String staticUrl, String staticRoot, String mediaUrl, String mediaRoot, List<Storage> storages,
                 List<String> sslHeader, String wsgiApplication, List<String> installedApps, List<String> dbEngines) {
        public Facts {
            env = env == null ? List.of() : List.copyOf(env);
            storages = storages == null ? List.of() : List.copyOf(storages);
            installedApps = installedApps == null ? List.of() : List.copyOf(installedApps);
            dbEngines = dbEngines == null ? List.of() : List.copyOf(dbEngines);
        }
    }

    /** The project's own venv first (it has the project's Django), then Debian's Python. */
    static List<Path> candidates(Path project) {
        List<Path> c = new ArrayList<>();
        for (String v : List.of(".venv", "venv", "env")) c.add(project.resolve(v).resolve("bin/python"));
        c.add(Path.of("/usr/bin/python3"));
        return c;
    }

    /** The first of {@code pythons} that exists and can run the probe (import Django). */
    static SettingsProbe using(List<Path> pythons) {
        return (project, module) -> {
            for (Path py : pythons) {
                if (!Files.isExecutable(py)) continue;
                Optional<Facts> f = run(py, project, module);
                if (f.isPresent()) return f;
            }
            return Optional.empty();
        };
    }

    /** Runs the probe with one interpreter; empty when it cannot import Django (or prints no JSON). */
    static Optional<Facts> run(Path python, Path project, String module) {
        Path script = null;
        try {
            script = Files.createTempFile("djdeploy-settings-probe", ".py");
            try (InputStream in = SettingsProbe.class.getResourceAsStream("settings_probe.py")) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(python.toString(), "-B", script.toString(), project.toString(), module)
                    .directory(project.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            // none of this machine's variables: a developer's SECRET_KEY must not hide that production needs one
            Map<String, String> env = pb.environment();
            String path = env.getOrDefault("PATH", "/usr/bin:/bin");
            String home = env.get("HOME");
            env.clear();
            env.put("PATH", path);
            if (home != null) env.put("HOME", home);
            env.put("LANG", "C.UTF-8");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            int start = text.lastIndexOf("\n{");
            String json = start >= 0 ? text.substring(start + 1) : text;
            if (!json.startsWith("{")) return Optional.empty();
            Facts f = Json.read(json, Facts.class);
            return Optional.of(new Facts(f.ok(), f.error(), python.toString(), f.django(), f.settings(), f.env(), f.baseDir(),
                    f.staticUrl(), f.staticRoot(), f.mediaUrl(), f.mediaRoot(), f.storages(), f.sslHeader(), f.wsgiApplication(),
                    f.installedApps(), f.dbEngines()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
