package io.djdeploy.it;

import io.djdeploy.cli.Main;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;

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
import java.util.stream.Stream;

/** A real local site for integration tests: example repo, supervisord + gunicorn, deploy.yml. */
final class Site implements AutoCloseable {
    final LocalSite site;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The command's exit code and everything it printed (stdout and stderr, interleaved). */
    record Run(int code, String output) {}

    Site(Path dir) throws IOException, InterruptedException {
        site = new LocalSite(dir, home());
        site.create();
        site.start();
    }

    static Path home() {
        return Path.of(System.getProperty("djdeploy.home", ".")).toAbsolutePath();
    }

    Run djdeploy(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("-c");
        a.add(site.config().toString());
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(a.toArray(String[]::new), w, w);
        EventLog.check(a, buf.toString());
        return new Run(code, buf.toString());
    }

    Run deploy(String ref) {
        return djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", ref);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The release id current points to, read from the file system. */
    String current() throws IOException {
        Path link = site.deployTo().resolve("current");
        if (!Files.isSymbolicLink(link)) return null;
        return Files.readSymbolicLink(link).getFileName().toString();
    }

    List<String> releaseDirs() throws IOException {
        Path releases = site.deployTo().resolve("releases");
        if (!Files.isDirectory(releases)) return List.of();
        try (Stream<Path> s = Files.list(releases)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    List<LedgerEntry> ledger() throws IOException {
        Path f = site.deployTo().resolve(".djdeploy/history.jsonl");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> Json.read(l, LedgerEntry.class)).toList();
    }

    boolean locked() {
        return Files.exists(site.deployTo().resolve(".djdeploy/lock"));
    }

    String secretKey() throws IOException {
        return Files.readAllLines(site.envFile()).stream().filter(l -> l.startsWith("SECRET_KEY="))
                .findFirst().orElseThrow().substring("SECRET_KEY=".length());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        site.stop();
    }
}
