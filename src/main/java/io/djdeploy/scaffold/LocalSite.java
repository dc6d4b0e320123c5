package io.djdeploy.scaffold;

import io.djdeploy.remote.CommandResult;
import io.djdeploy.template.TextTemplates;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Django site on this machine without root services: the example repo, an env file, a
 * private supervisord running gunicorn from {@code <deploy_to>/current}, and a deploy.yml
 * with a local host. Used by `djdeploy demo` and by the integration tests.
 *
 * <pre>
 *   DIR/repo/               the example app's git history (scripts/example-repo)
 *   DIR/etc/demo.env        settings and secrets, mode 0640
 *   DIR/supervisor/         supervisord.conf, socket, pid
 *   DIR/log/                supervisord and gunicorn logs
 *   DIR/srv/demo/           deploy_to
 *   DIR/deploy.yml          environment "demo", host localhost (transport: local)
 * </pre>
 */
public final class LocalSite {
    public static final String ENVIRONMENT = "demo";
    private final Path dir;
    private final Path home;
    private final int port;

    public LocalSite(Path dir, Path home) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.home = home;
        this.port = freePort();
    }

    public Path dir() { return dir; }
    public int port() { return port; }
    public Path config() { return dir.resolve("deploy.yml"); }
    public Path deployTo() { return dir.resolve("srv/demo"); }
    public Path envFile() { return dir.resolve("etc/demo.env"); }
    public Path supervisorConf() { return dir.resolve("supervisor/supervisord.conf"); }
    public Path webLog() { return dir.resolve("log/web.log"); }
    public String baseUrl() { return "http://127.0.0.1:" + port; }

    /** Creates the example repository and writes every file. Starts nothing. */
    public void create() throws IOException, InterruptedException {
        if (dir.toString().matches(".*[\\s\"'%;].*")) {
            throw new IOException(dir + ": supervisor's config cannot hold spaces, quotes, % or ; in paths");
        }
        run(List.of(home.resolve("scripts/example-repo").toString(), dir.resolve("repo").toString()));
        writeFiles(secretKey());
    }

    /** Adds lines to the env file (a later KEY=value wins), e.g. to point the app at PostgreSQL. */
    public void appendEnv(String lines) throws IOException {
        Files.writeString(envFile(), Files.readString(envFile()) + lines);
    }

    /** Rewrites deploy.yml with extra top-level YAML appended (tests tweak keys this way). */
    public void writeConfig(String extraYaml) throws IOException {
        Files.writeString(config(), deployYml(extraYaml));
    }

    public void start() throws IOException, InterruptedException {
        run(List.of("supervisord", "-c", supervisorConf().toString()));
    }

    /** supervisorctl shutdown returns before supervisord exits: wait, so "stopped" is true. */
    public void stop() throws IOException, InterruptedException {
        Path pidFile = dir.resolve("supervisor/supervisord.pid");
        if (!Files.exists(pidFile)) return;
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        new ProcessBuilder("supervisorctl", "-c", supervisorConf().toString(), "shutdown")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent()) {
            try {
                p.get().onExit().get(20, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                p.get().descendants().forEach(ProcessHandle::destroyForcibly);
                p.get().destroyForcibly();
            }
        }
    }

    private void writeFiles(String secretKey) throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path sup = Files.createDirectories(dir.resolve("supervisor"));
        Path log = Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(deployTo().resolve("shared"));
        Files.writeString(envFile(), "# the app's settings; djdeploy loads this for manage.py and never prints it\n"
                + "SECRET_KEY=" + secretKey + "\n"
                + "DEBUG=0\nALLOWED_HOSTS=127.0.0.1,localhost\n"
                + "DB_PATH=" + deployTo().resolve("shared/db.sqlite3") + "\n"
                + "SESSION_COOKIE_SECURE=0\nCSRF_COOKIE_SECURE=0\n");
        Files.setPosixFilePermissions(envFile(), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(supervisorConf(), TextTemplates.builtIn().render("demo/supervisord.conf", Map.of(
                "supervisor_dir", sup.toString(), "log_dir", log.toString(), "deploy_to", deployTo().toString(),
                "port", String.valueOf(port), "env_file", envFile().toString(), "web_log", webLog().toString())));
        writeConfig("");
    }

    private String deployYml(String extraYaml) {
        return String.join("\n",
                "# written by djdeploy for a local example site; docs/configuration.md explains every key",
                "app: demo",
                "repo: " + dir.resolve("repo"),
                "ref: v1",
                "keep_releases: 5",
                "python:",
                "  interpreter: /usr/bin/python3",
                "  system_site_packages: true   # Django and gunicorn come from Debian packages",
                "django:",
                "  env_file: " + envFile(),
                "shared:",
                "  dirs: [media]",
                "web:",
                "  reload: supervisorctl -c " + supervisorConf() + " restart demo-web",
                "health:",
                "  url: " + baseUrl() + "/healthz/",
                "  timeout: 2s",
                "  retries: 40",
                "  interval: 250ms",
                // the demo runs without root: the env file then belongs to whoever runs it
                "root".equals(System.getProperty("user.name")) ? "" : "checks:\n  env_file_owner: " + System.getProperty("user.name"),
                "environments:",
                "  " + ENVIRONMENT + ":",
                "    deploy_to: " + deployTo(),
                "    hosts:",
                "      - host: localhost",
                "        transport: local",
                extraYaml,
                "");
    }

    private static String secretKey() {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "): " + CommandResult.lastLine(out));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
