package io.djdeploy.it;

import io.djdeploy.cli.Main;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values that a shell could misread, through real deploys with the local transport: refs
 * built to run commands are refused before anything runs, and a deploy_to with spaces, both
 * kinds of quotes and a {@code $} works end to end (shared links, the reload placeholder)
 * without anything landing at a path cut short at the first space or quote.
 */
class InjectionIT {
    static final String ENV = "demo";
    /** Each marker would be created by one of the refs below if any shell ran it. */
    static final List<String> REFS = List.of(
            "v1;touch /tmp/djdeploy-inject-1",
            "$(touch /tmp/djdeploy-inject-2)",
            "--upload-pack=touch /tmp/djdeploy-inject-3",
            "`touch /tmp/djdeploy-inject-4`",
            "v1 && touch /tmp/djdeploy-inject-5");
    static final List<Path> MARKERS = List.of(Path.of("/tmp/djdeploy-inject-1"), Path.of("/tmp/djdeploy-inject-2"),
            Path.of("/tmp/djdeploy-inject-3"), Path.of("/tmp/djdeploy-inject-4"), Path.of("/tmp/djdeploy-inject-5"));
    /** What a path cut at a space or quote, or a $HOME the shell expanded, would leave behind. */
    static final List<String> FRAGMENTS = List.of("my", "my app", "app's", "\"srv\"", "srv", "$HOME", "HOME", "app");

    @TempDir
    static Path dir;
    static Path deployTo;
    static Path config;
    static Set<String> cwdBefore;

    @BeforeAll
    static void site() throws Exception {
        deleteMarkers();
        cwdBefore = names(Path.of("").toAbsolutePath());
        Path home = Site.home();
        run(home.resolve("scripts/example-repo").toString(), dir.resolve("repo").toString());
        deployTo = dir.resolve("my app's \"srv\" $HOME");
        // shared files must exist before the first deploy (shared.files)
        Files.createDirectories(deployTo.resolve("shared"));
        Files.writeString(deployTo.resolve("shared/it's.conf"), "# linked into every release\n");
        Path envFile = Files.createDirectories(dir.resolve("etc")).resolve("demo.env");
        Files.writeString(envFile, "SECRET_KEY=" + "k3y-Q9#x_7Lm!".repeat(5) + "\n"
                + "DEBUG=0\nALLOWED_HOSTS=127.0.0.1,localhost\n"
                + "DB_PATH=" + deployTo.resolve("shared/db.sqlite3") + "\n"
                // uploads go to the shared dir (shared.media refuses a MEDIA_ROOT inside the release)
                + "MEDIA_ROOT=" + deployTo.resolve("shared/user uploads") + "\n"
                + "SESSION_COOKIE_SECURE=0\nCSRF_COOKIE_SECURE=0\n");
        // the env-file checks want it root-owned and not world-readable, as on a real host
        Files.setPosixFilePermissions(envFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        config = dir.resolve("deploy.yml");
        // no web/health: supervisord's config cannot hold such a path; the reload proves the quoting instead
        Files.writeString(config, String.join("\n",
                "app: demo",
                "repo: " + yamlQuote(dir.resolve("repo").toString()),
                "ref: v1",
                "python:",
                "  interpreter: /usr/bin/python3",
                "  system_site_packages: true",
                "django:",
                "  env_file: " + yamlQuote(envFile.toString()),
                "shared:",
                "  dirs: [\"user uploads\"]",
                "  files: [\"it's.conf\"]",
                "web:",
                "  reload: test -d {deploy_to}/current && touch {deploy_to}/reloaded",
                "environments:",
                "  " + ENV + ":",
                "    deploy_to: " + yamlQuote(deployTo.toString()),
                "    hosts:",
                "      - host: localhost",
                "        transport: local",
                ""));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        deleteMarkers();
    }

    @Test
    void refsThatCouldRunCommandsAreRefusedBeforeAnythingRuns() throws Exception {
        // given
        Set<String> before = names(deployTo);

        for (String command : List.of("deploy", "plan")) {
            for (String ref : REFS) {
                // when
                Run run = djdeploy(command, ENV, "--ref", ref);

                // then
                assertThat(run.code()).as(command + " --ref " + ref + "\n" + run.err()).isEqualTo(2);
                assertThat(run.err().lines().findFirst().orElse(""))
                        .isEqualTo("djdeploy: error: --ref: '" + ref + "' is not a valid git ref "
                                + "(letters, digits, '_', '.', '/', '+', '-'; not starting with '-', '.', '/' or '+'; no '..')");
                assertThat(run.out()).as("nothing was planned or started").isEmpty();
            }
        }
        assertThat(MARKERS).allSatisfy(m -> assertThat(m).doesNotExist());
        assertThat(names(deployTo)).as("nothing changed under deploy_to").isEqualTo(before);
    }

    @Test
    void deployToWithSpacesQuotesAndDollarWorksEndToEnd() throws Exception {
        // when
        Run v1 = djdeploy("deploy", ENV, "--ref", "v1");
        assertThat(v1.code()).as(v1.all()).isZero();
        String first = Files.readSymbolicLink(deployTo.resolve("current")).getFileName().toString();
        Run v2 = djdeploy("deploy", ENV, "--ref", "v2");

        // then: current under that exact path points at the v2 release
        assertThat(v2.code()).as(v2.all()).isZero();
        Path current = deployTo.resolve("current");
        assertThat(current).isSymbolicLink();
        String second = Files.readSymbolicLink(current).getFileName().toString();
        assertThat(Files.readSymbolicLink(current).toString()).isEqualTo("releases/" + second);
        assertThat(second).matches("\\d{14}").isGreaterThan(first);
        assertThat(Files.readString(deployTo.resolve("releases/" + second + "/REVISION"))).contains("id=" + second, "ref=v2");

        // and the ledger there has both deploys
        List<LedgerEntry> ledger = Files.readAllLines(deployTo.resolve(".djdeploy/history.jsonl")).stream()
                .filter(l -> !l.isBlank()).map(l -> Json.read(l, LedgerEntry.class)).toList();
        assertThat(ledger).extracting(LedgerEntry::event, LedgerEntry::outcome, LedgerEntry::release, LedgerEntry::ref)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("deploy", "started", first, "v1"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "success", first, "v1"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "started", second, "v2"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "success", second, "v2"));

        // and the shared dir and file with a space and a quote are linked into the release
        Path release = deployTo.resolve("releases/" + second);
        assertThat(release.resolve("user uploads")).isSymbolicLink();
        assertThat(release.resolve("user uploads").toRealPath()).isEqualTo(deployTo.resolve("shared/user uploads").toRealPath());
        assertThat(deployTo.resolve("shared/user uploads")).isDirectory();
        assertThat(release.resolve("it's.conf")).isSymbolicLink();
        assertThat(release.resolve("it's.conf").toRealPath()).isEqualTo(deployTo.resolve("shared/it's.conf").toRealPath());
        assertThat(Files.readString(current.resolve("it's.conf"))).isEqualTo("# linked into every release\n");

        // and the reload got {deploy_to} quoted: its file landed under the real path
        assertThat(deployTo.resolve("reloaded")).isRegularFile();

        // and the migration used the database under that path (DB_PATH in the env file)
        assertThat(deployTo.resolve("shared/db.sqlite3")).isRegularFile();

        // and nothing landed at the path cut at the first space or quote, nor with $HOME expanded
        assertThat(names(dir)).containsExactlyInAnyOrder("repo", "etc", "deploy.yml", deployTo.getFileName().toString());
        assertThat(names(deployTo)).containsExactlyInAnyOrder("current", "releases", "shared", "repo", ".djdeploy", "reloaded");
        Path cwd = Path.of("").toAbsolutePath();
        Set<String> newInCwd = new TreeSet<>(names(cwd));
        newInCwd.removeAll(cwdBefore);
        assertThat(newInCwd).as("new entries in the working directory " + cwd).doesNotContainAnyElementsOf(FRAGMENTS);
        for (String f : FRAGMENTS) {
            assertThat(dir.resolve(f)).doesNotExist();
        }
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run djdeploy(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("-c");
        a.add(config.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** A YAML single-quoted scalar: the only escape is '' for '. */
    static String yamlQuote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static Set<String> names(Path d) throws IOException {
        if (!Files.isDirectory(d)) return Set.of();
        try (Stream<Path> s = Files.list(d)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    static void deleteMarkers() throws IOException {
        for (Path m : MARKERS) Files.deleteIfExists(m);
    }

    static void run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        assertThat(p.exitValue()).as(String.join(" ", argv) + "\n" + out).isZero();
    }
}
