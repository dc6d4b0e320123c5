package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite (docs/reliability.md): nine faults against a real test host
 * running the blue-green strategy. After each fault, and again after the next deploy or
 * rollback, the host must satisfy the invariants in {@link #invariants}: `current` points to a
 * complete release, the site answers 200 with that release id, the ledger says what happened,
 * the lock is released or reported stale, and no half-written release can be a rollback
 * target. The test prints the fault x outcome matrix.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class FaultIT {
    static final String ENV = "test";
    static Path dir;
    static TestHosts hosts;
    static String web;
    static Path config;
    static final List<String> matrix = new ArrayList<>();

    @BeforeAll
    static void up(TestHosts testHosts) throws Exception {
        hosts = testHosts;
        dir = hosts.dir;
        web = hosts.addresses.get(0);
        config = hosts.blueGreenConfig("faults.yml", "  standby: 5m\n  drain: 1s\n  boot_timeout: 8s\n");
        Site.Run first = hosts.djdeploy(config, "deploy", ENV, "--ref", "v1");
        assertThat(first.code()).as(first.output()).isZero();
        Site.Run second = hosts.djdeploy(config, "deploy", ENV, "--ref", "v2");
        assertThat(second.code()).as(second.output()).isZero();
    }

    @AfterAll
    static void down() throws Exception {
        System.out.println("\nFault-injection matrix (blue-green, 1 test host):\n");
        System.out.println("| fault | exit | after the fault | after the next run |");
        System.out.println("|---|---|---|---|");
        matrix.forEach(System.out::println);
        System.out.println();
    }

    // ---------------------------------------------------------------- the faults

    @Test
    @Order(1)
    void sigkillDuringPrepare() throws Exception {
        killed("SIGKILL of djdeploy during PREPARE", "deploy", "v1", e -> e.contains("\"step_started\"") && e.contains("\"step\":\"collectstatic\""));
    }

    @Test
    @Order(2)
    void sigkillDuringMigrate() throws Exception {
        killed("SIGKILL of djdeploy during MIGRATE", "deploy", "v5", e -> e.contains("\"step_started\"") && e.contains("\"step\":\"migrate\""),
                "--approve-migrations");
    }

    @Test
    @Order(3)
    void sigkillRightAfterSwitch() throws Exception {
        killed("SIGKILL of djdeploy right after SWITCH", "deploy", "v1", e -> e.contains("\"step_finished\"") && e.contains("\"step\":\"switch\""));
    }

    @Test
    @Order(4)
    void sshConnectionCutMidCommand() throws Exception {
        String before = hosts.current(web);
        Process p = jar("deploy", ENV, "--ref", "v2", "--format", "json", "-c", config.toString());
        String out = readUntil(p, e -> e.contains("\"step_started\"") && e.contains("\"step\":\"collectstatic\""));
        cutSshSessions();
        out += new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // the real jar's JSON lines, up to the failure the cut caused, held against the shipped schema like every IT's
        EventLog.check(List.of("deploy", ENV, "--ref", "v2", "--format", "json"), out);
        int code = p.exitValue();
        assertThat(code).as(out).isNotZero();
        assertThat(out).contains("connection");
        String after = invariants(before, "ssh cut");
        String next = recover("v2");
        matrix.add("| SSH connection cut mid-command (PREPARE) | " + code + " | " + after + " | " + next + " |");
    }

    @Test
    @Order(5)
    void diskFullInTheReleaseDir() throws Exception {
        String before = hosts.current(web);
        // a tmpfs over releases/ with the existing releases and about 1 MB to spare
        long used = Long.parseLong(hosts.onHost(web, "du -sk /srv/demo/releases | cut -f1").trim());
        hosts.onHost(web, "mkdir -p /run/full && mount -t tmpfs -o size=" + (used + 1024) + "k tmpfs /run/full"
                + " && cp -a /srv/demo/releases/. /run/full/ && mount --bind /run/full /srv/demo/releases");
        Site.Run run;
        try {
            // disk.space would stop the deploy at PREFLIGHT: switch it off to hit the full disk mid-PREPARE
            Path full = dir.resolve("faults-disk.yml");
            Files.writeString(full, Files.readString(config).replace("environments:", "checks:\n  min_free_mb: 0\n  min_free_inodes: 0\nenvironments:"));
            run = hosts.djdeploy(full, "deploy", ENV, "--ref", "v1");
            assertThat(run.code()).as(run.output()).isEqualTo(6);
            // where the disk fills first varies (the code checkout, the venv's ensurepip): PREPARE fails either way
            assertThat(run.output()).containsAnyOf("No space left on device", "venv failed", "code failed", "shared links failed");
            String after = invariants(before, "failed");
            hosts.onHost(web, "umount /srv/demo/releases && umount /run/full");
            String next = recover("v1");
            matrix.add("| disk full in the release dir (PREPARE) | " + run.code() + " | " + after + " | " + next + " |");
        } finally {
            hosts.onHost(web, "umount /srv/demo/releases 2>/dev/null; umount /run/full 2>/dev/null; true");
        }
    }

    @Test
    @Order(6)
    void aNonAtomicMigrationFailsHalfway() throws Exception {
        // the tag's models lack its Tag on purpose (the migration is the fault): without this,
        // django.migrations-missing stops it at PREPARE before the migration can fail halfway
        Path strict = config;
        config = dir.resolve("faults-halfway.yml");
        Files.writeString(config, Files.readString(strict).replace("environments:", "checks:\n  migrations_missing: warn\nenvironments:"));
        try {
            failedRun("non-atomic migration failing halfway (MIGRATE)", "halfway", "migrate", "--approve-migrations");
        } finally {
            config = strict;
        }
        // the halfway state is real: the first operation's table exists, the migration is not recorded
        String db = dir.resolve("db/db.sqlite3").toString();
        String tables = sqlite(db, "SELECT name FROM sqlite_master WHERE name = 'notes_tag'");
        String recorded = sqlite(db, "SELECT count(*) FROM django_migrations WHERE name = '0003_halfway'");
        assertThat(tables).contains("notes_tag");
        assertThat(recorded.trim()).isEqualTo("0");
    }

    @Test
    @Order(7)
    void collectstaticFails() throws Exception {
        failedRun("collectstatic failing (PREPARE)", "badstatic", "collectstatic");
    }

    @Test
    @Order(8)
    void theNewReleaseFailsToBoot() throws Exception {
        failedRun("new release failing to boot (SWITCH, before traffic)", "noboot", "boot idle color");
    }

    @Test
    @Order(9)
    void theHealthCheckTimesOut() throws Exception {
        Site.Run run = failedRun("health check timing out (SWITCH, before traffic)", "slowhealth", "boot idle color");
        // the boot waits up to boot_timeout (8s): after 5s the step says what it waits for
        assertThat(run.output()).contains("boot idle color: still running after 5s, waiting for the idle color's gunicorn to boot release");
    }

    // ---------------------------------------------------------------- scenarios

    /** Runs the real jar, SIGKILLs it when an event matches, checks, recovers. */
    void killed(String fault, String command, String ref, Predicate<String> when, String... extra) throws Exception {
        String before = hosts.current(web);
        List<String> args = new ArrayList<>(List.of(command, ENV, "--ref", ref, "--format", "json", "-c", config.toString()));
        args.addAll(List.of(extra));
        Process p = jar(args.toArray(String[]::new));
        String out = readUntil(p, when);
        new ProcessBuilder("kill", "-KILL", String.valueOf(p.pid())).start().waitFor();
        // every line it printed before the kill is whole (read up to the matching line): each must follow the schema
        EventLog.check(args, out);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("the run reached the point of the fault").matches(s -> when.test(s.substring(s.lastIndexOf('{'))));
        String killedAfterSwitch = fault.contains("after SWITCH") ? "switched" : null;
        // after SWITCH the host serves the new release (switch and socket swap are one remote command)
        String expected = killedAfterSwitch != null ? hosts.current(web) : before;
        if (killedAfterSwitch == null) assertThat(hosts.current(web)).isEqualTo(before);
        String after = invariants(expected, "killed");
        String next = killedAfterSwitch != null ? recoverByRollback(before) : recover(ref.equals("v5") ? "v2" : ref);
        matrix.add("| " + fault + " | " + p.exitValue() + " (killed) | " + after + " | " + next + " |");
    }

    /** A deploy that fails on its own: nothing changes, the lock is released, the ledger says failed. */
    Site.Run failedRun(String fault, String ref, String step, String... extra) throws Exception {
        String before = hosts.current(web);
        List<String> args = new ArrayList<>(List.of("deploy", ENV, "--ref", ref));
        args.addAll(List.of(extra));
        Site.Run run = hosts.djdeploy(config, args.toArray(String[]::new));
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains(step + " failed");
        assertThat(hosts.current(web)).isEqualTo(before);
        String after = invariants(before, "failed");
        LedgerEntry last = ledger().get(ledger().size() - 1);
        assertThat(last.error()).contains(step);
        String next = recover("v2");
        matrix.add("| " + fault + " | " + run.code() + " | " + after + " | " + next + " |");
        return run;
    }

    /**
     * The next run after a fault: a stale lock is reported (exit 4, naming the dead process)
     * and removed knowingly with unlock --force (recorded), then a deploy goes through.
     */
    String recover(String ref) throws Exception {
        String how = "deploy " + ref;
        if (Files.exists(hosts.host(web).resolve("srv/demo/.djdeploy/lock"))) {
            Site.Run refused = hosts.djdeploy(config, "deploy", ENV, "--ref", ref);
            assertThat(refused.code()).as(refused.output()).isEqualTo(4);
            assertThat(refused.output()).contains("STALE");
            Site.Run unlock = hosts.djdeploy(config, "unlock", ENV, "--force");
            assertThat(unlock.code()).as(unlock.output()).isZero();
            assertThat(ledger().get(ledger().size() - 1).event()).isEqualTo("unlock");
            how = "stale lock reported, unlock --force (in the ledger), " + how;
        }
        Site.Run next = hosts.djdeploy(config, "deploy", ENV, "--ref", ref, "--approve-migrations");
        assertThat(next.code()).as(next.output()).isZero();
        invariants(hosts.current(web), "success");
        return how + ": ok, invariants hold";
    }

    String recoverByRollback(String target) throws Exception {
        Site.Run unlock = hosts.djdeploy(config, "unlock", ENV, "--force");
        assertThat(unlock.code()).as(unlock.output()).isZero();
        Site.Run back = hosts.djdeploy(config, "rollback", ENV);
        assertThat(back.code()).as(back.output()).isZero();
        assertThat(hosts.current(web)).isEqualTo(target);
        invariants(target, "success");
        return "unlock --force, rollback to " + target + " (the killed run's release is bad): ok, invariants hold";
    }

    // ---------------------------------------------------------------- invariants

    /**
     * Asserts the invariants; {@code outcome} is what the ledger's last deploy line must say
     * ("killed" and "ssh cut": the run's "started" line is its last word). Returns a matrix cell.
     */
    static String invariants(String expectedCurrent, String outcome) throws Exception {
        // current points to a complete release
        String current = hosts.current(web);
        assertThat(current).isEqualTo(expectedCurrent);
        assertThat(hosts.host(web).resolve("srv/demo/releases/" + current + "/REVISION")).exists();
        // the site answers 200 with that release id, and the live color serves it
        var r = hosts.get(web, "/healthz/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Release")).hasValue(current);
        String live = hosts.link(web, "/run/demo/web.sock");
        assertThat(hosts.link(web, "/srv/demo/" + live.replace(".sock", ""))).isEqualTo("releases/" + current);
        // the ledger says what happened
        List<LedgerEntry> ledger = ledger();
        LedgerEntry lastDeploy = ledger.get(ledger.size() - 1);
        String said;
        switch (outcome) {
            case "killed", "ssh cut" -> {
                assertThat(lastDeploy.outcome()).as("the last line of a run that could not finish").isIn(LedgerEntry.STARTED, "failed");
                said = "ledger: `" + lastDeploy.outcome() + "`";
            }
            default -> {
                assertThat(lastDeploy.outcome()).isEqualTo(outcome);
                said = "ledger: `" + outcome + "`";
            }
        }
        // the lock is released, or reported stale with its details
        String lock;
        if (Files.exists(hosts.host(web).resolve("srv/demo/.djdeploy/lock"))) {
            Site.Run status = hosts.djdeploy(config, "status", ENV);
            assertThat(status.output()).contains("STALE");
            lock = "lock reported stale";
        } else {
            lock = "lock released";
        }
        // no half-written release can be a rollback target
        try (Stream<Path> s = Files.list(hosts.host(web).resolve("srv/demo/releases"))) {
            for (Path d : s.toList()) {
                if (Files.exists(d.resolve("REVISION"))) continue;
                Site.Run to = hosts.djdeploy(config, "rollback", ENV, "--to", d.getFileName().toString());
                assertThat(to.code()).as("rollback --to a half-written release: " + to.output()).isNotZero();
                assertThat(hosts.current(web)).isEqualTo(current);
            }
        }
        return "serves " + current.substring(8) + "…; " + said + "; " + lock;
    }

    static List<LedgerEntry> ledger() throws IOException {
        return hosts.ledger(web);
    }

    // ---------------------------------------------------------------- tools

    static Process jar(String... args) throws IOException {
        String jar = System.getenv().getOrDefault("DJDEPLOY_JAR", Site.home().resolve("target/djdeploy.jar").toString());
        List<String> argv = new ArrayList<>(List.of("java", "-jar", jar));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    /** Reads the run's JSON events until one matches; returns what was read. */
    static String readUntil(Process p, Predicate<String> when) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            sb.append(line).append('\n');
            if (when.test(line)) return sb.toString();
        }
        throw new AssertionError("the run ended before the fault point:\n" + sb);
    }

    /** Kills (SIGKILL) the host's per-connection sshd processes: the network cable, pulled. */
    static void cutSshSessions() throws Exception {
        String ns = Files.readString(hosts.host(web).resolve("mntns")).trim();
        String listener = Files.readAllLines(hosts.host(web).resolve("pids")).stream()
                .filter(l -> l.startsWith("sshd ")).map(l -> l.substring(5).trim()).findFirst().orElseThrow();
        int killed = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (!Files.readSymbolicLink(proc.resolve("ns/mnt")).toString().equals(ns)) continue;
                    String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String pid = proc.getFileName().toString();
                    if (cmd.startsWith("sshd: ") && !pid.equals(listener)) {
                        new ProcessBuilder("kill", "-KILL", pid).start().waitFor();
                        killed++;
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        assertThat(killed).as("sshd sessions cut").isPositive();
    }

    static String sqlite(String db, String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", db, sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
