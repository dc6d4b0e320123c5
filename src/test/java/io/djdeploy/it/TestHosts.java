package io.djdeploy.it;

import io.djdeploy.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fleet from scripts/testhosts: real sshd, nginx, supervisor per 127.0.0.x host; with
 * {@code containers}, each host also runs its own Docker Engine (scripts/testhosts up --containers).
 */
final class TestHosts implements AutoCloseable {
    final Path dir;
    final boolean containers;
    final List<String> addresses = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    TestHosts(Path dir, int n) throws IOException, InterruptedException {
        this(dir, n, false);
    }

    TestHosts(Path dir, int n, boolean containers) throws IOException, InterruptedException {
        this.dir = dir;
        this.containers = containers;
        if (containers) script("up", String.valueOf(n), "--dir", dir.toString(), "--containers");
        else script("up", String.valueOf(n), "--dir", dir.toString());
        for (String line : Files.readAllLines(dir.resolve("hosts.txt"))) {
            if (!line.isBlank()) addresses.add(line.split(" ")[0]);
        }
    }

    /**
     * The address scripts/testhosts gives host {@code i} (1-based): 127.0.0.(B+i), with B from
     * TESTHOSTS_BASE (default 1), so runs with different bases can share the machine.
     */
    static String address(int i) {
        return "127.0.0." + (Integer.parseInt(System.getenv().getOrDefault("TESTHOSTS_BASE", "1")) + i);
    }

    static void script(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(Site.home().resolve("scripts/testhosts").toString());
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("scripts/testhosts " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    Path config() {
        return dir.resolve("deploy.yml");
    }

    /** A copy of deploy.yml with some text replaced, for one test's variation. */
    Path configWith(String name, String from, String to) throws IOException {
        String yml = Files.readString(config());
        if (!yml.contains(from)) throw new IllegalStateException("deploy.yml has no '" + from + "'");
        Path p = dir.resolve(name);
        Files.writeString(p, yml.replace(from, to));
        return p;
    }

    Site.Run djdeploy(Path config, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("-c");
        a.add(config.toString());
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(a.toArray(String[]::new), w, w);
        EventLog.check(a, buf.toString());
        return new Site.Run(code, buf.toString());
    }

    Path host(String address) {
        return dir.resolve("hosts").resolve(address);
    }

    String current(String address) throws IOException {
        Path link = host(address).resolve("srv/demo/current");
        return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : null;
    }

    List<String> releaseDirs(String address) throws IOException {
        Path releases = host(address).resolve("srv/demo/releases");
        if (!Files.isDirectory(releases)) return List.of();
        try (Stream<Path> s = Files.list(releases)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    HttpResponse<String> get(String address, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The host's ledger (/srv/demo/.djdeploy/history.jsonl), oldest first; empty before the first run. */
    List<io.djdeploy.release.LedgerEntry> ledger(String address) throws IOException {
        Path f = host(address).resolve("srv/demo/.djdeploy/history.jsonl");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank())
                .map(l -> io.djdeploy.release.Json.read(l, io.djdeploy.release.LedgerEntry.class)).toList();
    }

    static final String RESTART_LINE = "  reload: supervisorctl -c /etc/demo/supervisord.conf restart demo-web\n";

    /** deploy.yml with the blue-green strategy on the test hosts' color programs, plus extra web keys. */
    Path blueGreenConfig(String name, String extraWebKeys) throws IOException {
        return configWith(name, RESTART_LINE, """
                  strategy: blue-green
                  start: supervisorctl -c /etc/demo/supervisord.conf start demo-web-{color}
                  stop: supervisorctl -c /etc/demo/supervisord.conf stop demo-web-{color}
                  log: tail -n 30 /var/log/demo/web-{color}.log
                """ + extraWebKeys);
    }

    /** Runs a shell command inside a host's mount namespace (its /srv, /run, /etc/demo); returns stdout. */
    String onHost(String address, String command) throws IOException, InterruptedException {
        String pid = Files.readAllLines(host(address).resolve("pids")).stream()
                .filter(l -> l.startsWith("sshd ")).map(l -> l.substring(5).trim()).findFirst().orElseThrow();
        Process p = new ProcessBuilder("nsenter", "--mount=/proc/" + pid + "/ns/mnt", "sh", "-c", command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("on " + address + ": " + command + " failed:\n" + out);
        }
        return out;
    }

    /**
     * Runs a command on a host over real SSH (its key, strict known_hosts), as djdeploy's
     * commands arrive: in the host's namespace with sshd's environment (so {@code docker} talks
     * to the host's own engine). Returns the exit code and the output, stderr included.
     */
    Site.Run ssh(String address, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh", "-F", "/dev/null", "-i", dir.resolve("client_key").toString(),
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@" + address, command)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("ssh " + address + " " + command + ": no end after 2 minutes:\n" + out);
        }
        return new Site.Run(p.exitValue(), out);
    }

    /** A line of DIR/containerhost.env (up --containers): DJDEPLOY_TEST_REGISTRY, DJDEPLOY_TEST_BASE_IMAGE, DOCKER_HOST. */
    String containerhost(String name) throws IOException {
        return Files.readAllLines(dir.resolve("containerhost.env")).stream().filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1)).findFirst()
                .orElseThrow(() -> new IllegalStateException("containerhost.env has no " + name));
    }

    /** A link's target on a host, by its path on the host (e.g. /run/demo/web.sock), or null. */
    String link(String address, String pathOnHost) throws IOException {
        Path p = host(address).resolve(pathOnHost.startsWith("/srv/") ? "srv/" + pathOnHost.substring(5)
                : pathOnHost.startsWith("/run/") ? "run/" + pathOnHost.substring(5) : pathOnHost.substring(1));
        return Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : null;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("down", "--dir", dir.toString());
    }
}
