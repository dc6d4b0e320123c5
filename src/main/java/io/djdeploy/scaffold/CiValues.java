package io.djdeploy.scaffold;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The values of the CI templates (ci/github-deploy.yml, ci/gitlab-ci.yml): the project's
 * facts, and the djdeploy release the workflows install, pinned by version and SHA-256.
 */
final class CiValues {
    private CiValues() {}

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The djdeploy release a workflow installs.
     *
     * @param sha256 the tarball's SHA-256, or "" when unknown (a source checkout): the workflow
     *               then refuses to run until someone pins it
     */
    record Pin(String version, String sha256) {
        /**
         * This build's version; the checksum when djdeploy runs from an installed tarball
         * (scripts/install keeps {@code djdeploy-VERSION.tar.gz.sha256} in the install's home).
         */
        static Pin current() {
            Properties p = new Properties();
            try (InputStream in = CiValues.class.getResourceAsStream("/io/djdeploy/version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String version = p.getProperty("version", "dev");
            String home = System.getenv("DJDEPLOY_HOME");
            return new Pin(version, home == null ? "" : sha256In(Path.of(home).resolve("djdeploy-" + version + ".tar.gz.sha256")));
        }

        static String sha256In(Path file) {
            try {
                String first = Files.readString(file).strip().split("\\s+", 2)[0];
                return SHA256.matcher(first).matches() ? first : "";
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }

    static Map<String, Object> of(InitProject p, InitFiles.Choices c, Pin pin) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("app", c.app());
        v.put("environment", InitFiles.ENVIRONMENT);
        v.put("branch", c.ref());
        v.put("user", c.user());
        v.put("settings", p.settingsModule());
        v.put("requirements", !p.requirements().isEmpty() || p.pyproject());
        v.put("requirements_args", pipArgs(p));
        // one per line of a YAML block scalar, indented as in ci/github-deploy.yml
        v.put("requirements_files", p.pyproject() ? "pyproject.toml" : String.join("\n            ", p.requirements()));
        v.put("python_version", p.python() != null ? p.python() : "3.12");
        v.put("secret_key_name", EnvTemplate.secretKeyName(p));
        v.put("postgres", usesPostgres(p));
        v.put("djdeploy_version", pin.version());
        v.put("djdeploy_sha256", pin.sha256());
        return v;
    }

    private static String pipArgs(InitProject p) {
        if (p.pyproject()) return ".";
        StringBuilder b = new StringBuilder();
        for (String r : p.requirements()) b.append(b.isEmpty() ? "" : " ").append("-r ").append(r);
        return b.toString();
    }

    /**
     * Whether the tests need a PostgreSQL server: the settings name the postgresql (or postgis)
     * backend, or a requirements file asks for psycopg. Read as text, like the rest of init.
     */
    static boolean usesPostgres(InitProject p) {
        Path settings = p.dir().resolve(p.settingsModule().replace('.', '/') + ".py");
        Path settingsPackage = p.dir().resolve(p.settingsModule().replace('.', '/'));
        if (mentions(settings, "postgresql|postgis")) return true;
        if (Files.isDirectory(settingsPackage)) {
            try (var files = Files.list(settingsPackage)) {
                if (files.anyMatch(f -> f.toString().endsWith(".py") && mentions(f, "postgresql|postgis"))) return true;
            } catch (IOException e) {
                // unreadable: decided by the requirements below
            }
        }
        List<String> reqs = p.requirements();
        return reqs.stream().anyMatch(r -> mentions(p.dir().resolve(r), "(?i)^\\s*psycopg"));
    }

    private static boolean mentions(Path file, String regex) {
        try {
            return Files.isRegularFile(file) && Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file)).find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
