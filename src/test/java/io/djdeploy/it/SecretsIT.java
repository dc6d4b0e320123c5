package io.djdeploy.it;

import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.djdeploy.release.Json;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never reach the terminal, JSON events, the ledger or any file djdeploy writes,
 * even when a host command prints them: a deploy with known secret values in the env file
 * and in the config, whose reload command prints the whole env file.
 */
@ExtendWith(TestHostsExtension.class)
class SecretsIT {
    static final String PASSWORD = "pw-Zq8xK2mN-known";
    static final String TOKEN = "tok-4f9a7c1e2b-known";

    @Test
    void knownSecretsAppearNowhere(Site site) throws Exception {
        // given: secrets in the env file, one in the config, and a reload that prints them all
        site.site.appendEnv("DB_PASSWORD_UNUSED=" + PASSWORD + "\nexport API_TOKEN=\"" + TOKEN + "\"\n");
        String restart = "supervisorctl -c " + site.site.supervisorConf() + " restart demo-web";
        // the whole reload command is the config secret (as a command with a token in it would be)
        String reload = "cat " + site.site.envFile() + "; " + restart;
        String yml = Files.readString(site.site.config()).replace("  reload: " + restart,
                "  reload:\n    value: " + reload + "\n    secret: true");
        Files.writeString(site.site.config(), yml);
        String secretKey = site.secretKey();
        List<String> secrets = List.of(secretKey, PASSWORD, TOKEN, reload);

        // when: a deploy with every line shown, as JSON events and as text, a plan, and a failing reload
        Site.Run json = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v1", "-v", "--format", "json");
        Site.Run text = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "-v");
        Site.Run plan = site.djdeploy("plan", LocalSite.ENVIRONMENT);
        String failingReload = "cat " + site.site.envFile() + "; exit 1";
        Files.writeString(site.site.config(), yml.replace(reload, failingReload));
        Site.Run failing = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v1", "-v");

        // then: the runs did what they should, and the secrets were in their output to be masked
        assertThat(json.code()).as(json.output()).isZero();
        assertThat(text.code()).as(text.output()).isZero();
        assertThat(plan.code()).isZero();
        assertThat(failing.code()).isEqualTo(7);
        assertThat(json.output()).contains("[REDACTED]", "\"event\":\"output\"");
        assertThat(text.output()).contains("SECRET_KEY=[REDACTED]", "API_TOKEN=\"[REDACTED]\"");
        // the reload runs in the switch's command, right after current moves: its text is masked there
        assertThat(failing.output()).contains("&& { [REDACTED]", "| SECRET_KEY=[REDACTED]").doesNotContain(failingReload);
        assertThat(plan.output()).contains("[REDACTED]").doesNotContain("restart demo-web");
        for (String s : secrets) {
            assertThat(json.output()).doesNotContain(s);
            assertThat(text.output()).doesNotContain(s);
            assertThat(plan.output()).doesNotContain(s);
            assertThat(failing.output()).doesNotContain(s);
        }
        // and nothing djdeploy wrote holds them: ledger, lock dir, REVISION files, manifests, helper copies
        try (Stream<Path> files = Files.walk(site.site.deployTo())) {
            for (Path f : files.filter(Files::isRegularFile).filter(SecretsIT::writtenByDjdeploy).toList()) {
                String content = Files.readString(f);
                for (String s : secrets) assertThat(content).as(f.toString()).doesNotContain(s);
            }
        }
    }

    static final String HEALTH_TOKEN = "hTok-9c2e7f5a31";
    static final String RELOAD_TOKEN = "rTok-1d8b3a6c55";
    static final String INLINE = "inl-Tok-7788";

    /**
     * Issue 13, items 1, 3, 4, 5, 6, 7 end to end: no secret on any process's command line
     * (the reload hook records its shell's, and /proc is sampled while deploys run), a secret
     * health URL with {host} masked as rendered, the final error line masked (text, JSON,
     * --stacktrace), a dotenv inline comment, backups private, no escape sequence from a host.
     */
    @Test
    void noSecretOnACommandLineInTheErrorLineOrOnTheTerminal(Site site) throws Exception {
        Path dir = site.site.dir();
        try (ProcWatch watch = new ProcWatch(List.of(HEALTH_TOKEN, RELOAD_TOKEN, INLINE))) {
            // given: an env value with an inline comment (python-dotenv strips it, the demo's loader keeps it),
            // a secret health URL with {host}, a secret reload that records its command lines and prints escape sequences
            site.site.appendEnv("INLINE_TOKEN=" + INLINE + " # the app's loader keeps this comment\n");
            Path cmdlines = dir.resolve("cmdlines.txt");
            String restart = "supervisorctl -c " + site.site.supervisorConf() + " restart demo-web";
            // ($$ is the config's escape for one $)
            String reload = ": " + RELOAD_TOKEN + "; tr '\\0' ' ' </proc/$$$$/cmdline >>" + cmdlines + "; echo >>" + cmdlines
                    + "; printf 'x\\033]0;pwned\\007\\033[2J\\rFAKE\\n'; " + restart;
            String health = "http://{host}:" + site.site.port() + "/healthz/?token=" + HEALTH_TOKEN;
            String yml = Files.readString(site.site.config())
                    .replace("  reload: " + restart, "  reload:\n    value: " + Json.line(reload) + "\n    secret: true")
                    .replace("  url: " + site.site.baseUrl() + "/healthz/", "  url: {value: " + Json.line(health) + ", secret: true}")
                    + "migrations:\n  backup:\n    preset: sqlite\n";
            Files.writeString(site.site.config(), yml);

            // when: a deploy, a deploy that needs a backup, and a deploy whose health check fails (text, JSON, --stacktrace)
            Site.Run first = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "-v");
            Site.Run backedUp = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v3", "--approve-migrations", "-v");
            Files.writeString(site.site.config(), yml.replace("/healthz/?token=", "/nothere/?token=").replace("retries: 40", "retries: 2"));
            Site.Run failing = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "--stacktrace");
            Site.Run failingJson = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "--format", "json");
            Files.writeString(site.site.config(), yml);
            Site.Run check = site.djdeploy("check", LocalSite.ENVIRONMENT, "--ref", "v2");

            // then: the runs did what they should
            assertThat(first.code()).as(first.output()).isZero();
            assertThat(backedUp.code()).as(backedUp.output()).isZero();
            assertThat(failing.code()).as(failing.output()).isNotZero();
            assertThat(failingJson.code()).as(failingJson.output()).isNotZero();
            assertThat(failing.output()).contains("djdeploy: error: ", "health check failed", "[REDACTED]", "\tat ");
            assertThat(failingJson.output()).contains("\"event\":\"error\"", "[REDACTED]");
            // no token in any output, rendered for the host or not; no escape sequence from the host
            for (Site.Run r : List.of(first, backedUp, failing, failingJson, check)) {
                assertThat(r.output()).doesNotContain(HEALTH_TOKEN, RELOAD_TOKEN, INLINE, "localhost:" + site.site.port() + "/healthz/?")
                        .doesNotContain("\u001b]0;", "\u001b[2J", "\r");
            }
            // (a carriage return already ends a line where output is read: FAKE cannot overwrite it)
            assertThat(first.output()).contains("x^[]0;pwned^G^[[2J\n", "]   FAKE\n");
            // the reload ran (twice forward, and while switching back) and its shell's command line held no token
            String shells = Files.readString(cmdlines);
            assertThat(shells.lines().filter(l -> !l.isBlank()).count()).isGreaterThanOrEqualTo(2);
            assertThat(shells).doesNotContain(RELOAD_TOKEN).contains("dd bs=1");
            // no process seen while the deploys ran had a token on its command line
            assertThat(watch.seen()).isEmpty();
            assertThat(watch.scans()).isGreaterThan(10);
            // the backup is private: 0600 in a 0700 directory
            Path backups = site.site.deployTo().resolve("shared/backups");
            assertThat(Files.getPosixFilePermissions(backups)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> files = Files.list(backups)) {
                List<Path> all = files.toList();
                assertThat(all).isNotEmpty();
                for (Path f : all) assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
            // and nothing djdeploy wrote holds them
            try (Stream<Path> files = Files.walk(site.site.deployTo())) {
                for (Path f : files.filter(Files::isRegularFile).filter(SecretsIT::writtenByDjdeploy).toList()) {
                    String content = Files.readString(f);
                    assertThat(content).as(f.toString()).doesNotContain(HEALTH_TOKEN, RELOAD_TOKEN, INLINE);
                }
            }
        }
    }

    /** Samples every process's command line while it is open; remembers those that hold a token. */
    static final class ProcWatch implements AutoCloseable {
        private final List<String> tokens;
        private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean stop;
        private final Thread thread;

        ProcWatch(List<String> tokens) {
            this.tokens = tokens;
            this.thread = new Thread(this::loop, "proc-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                    for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                        try {
                            String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
                            for (String t : tokens) if (cmd.contains(t)) seen.add(cmd);
                        } catch (java.io.IOException gone) {
                            // the process ended meanwhile
                        }
                    }
                    scans.incrementAndGet();
                    Thread.sleep(5);
                } catch (java.io.IOException | InterruptedException e) {
                    return;
                }
            }
        }

        java.util.Set<String> seen() { return seen; }
        int scans() { return scans.get(); }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(2000);
        }
    }

    static boolean writtenByDjdeploy(Path p) {
        String s = p.toString();
        return s.contains("/.djdeploy/") || s.endsWith("/REVISION");
    }
}
