package io.djdeploy.release;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lock, switch and ledger logic against a real directory through the local transport. */
class HostOpsTest {
    @TempDir
    Path dir;

    HostOps ops() {
        // a deploy_to with a space and a quote: every path must be quoted
        return new HostOps(new LocalTransport("test"), new ReleaseLayout(dir.resolve("my 'app'").toString()));
    }

    static LockInfo info(String user, String runId) {
        return new LockInfo(user, "ci-1", 42L, "v1", "2026-11-23T19:45:12Z", "deploy", runId);
    }

    @Test
    void onlyOneOfTwoLockersGetsTheLockAndTheOtherSeesTheHolder() throws Exception {
        // given
        HostOps ops = ops();

        // when
        LockInfo first = ops.acquire(info("alice", "run-a"));
        LockInfo second = ops.acquire(info("bob", "run-b"));

        // then
        assertThat(first).isNull();
        assertThat(second).isNotNull();
        assertThat(second.user()).isEqualTo("alice");
        assertThat(second.describe()).contains("alice@ci-1", "deploy v1", "pid 42");
        assertThat(ops.readLock().runId()).isEqualTo("run-a");
    }

    @Test
    void releaseRemovesOnlyTheLockOfTheSameRun() throws Exception {
        // given
        HostOps ops = ops();
        ops.acquire(info("alice", "run-a"));

        // when someone else's run tries to release it
        ops.release("run-b");

        // then it is still held; the owner can release it
        assertThat(ops.readLock()).isNotNull();
        ops.release("run-a");
        assertThat(ops.readLock()).isNull();
        assertThat(ops.acquire(info("bob", "run-b"))).isNull();
    }

    @Test
    void switchReplacesCurrentAtomicallyWithARelativeLink() throws Exception {
        // given
        HostOps ops = ops();
        Files.createDirectories(Path.of(ops.layout().release("20260101000000")));
        Files.createDirectories(Path.of(ops.layout().release("20260102000000")));

        // when
        ops.switchTo("20260101000000");
        ops.switchTo("20260102000000");

        // then
        Path current = Path.of(ops.layout().current());
        assertThat(Files.readSymbolicLink(current).toString()).isEqualTo("releases/20260102000000");
        assertThat(ops.currentRelease()).isEqualTo("20260102000000");
        assertThat(Path.of(ops.layout().currentTmp())).doesNotExist();
    }

    @Test
    void ledgerAppendsOneJsonLinePerEntryAndSkipsTornLines() throws Exception {
        // given
        HostOps ops = ops();
        ops.appendLedger(entry("20260101000000", "success"));
        Files.writeString(Path.of(ops.layout().ledger()), "{\"event\":\"dep", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(Path.of(ops.layout().ledger()), "\n", java.nio.file.StandardOpenOption.APPEND);
        ops.appendLedger(entry("20260102000000", "failed"));

        // when
        List<LedgerEntry> entries = ops.ledger();

        // then
        assertThat(entries).extracting(LedgerEntry::release).containsExactly("20260101000000", "20260102000000");
        assertThat(entries.get(1).success()).isFalse();
        assertThat(Files.readAllLines(Path.of(ops.layout().ledger()))).hasSize(3);
    }

    @Test
    void completeReleasesAreThoseWithARevisionFile() throws Exception {
        // given
        HostOps ops = ops();
        Files.createDirectories(Path.of(ops.layout().release("20260101000000")));
        Files.writeString(Path.of(ops.layout().revision("20260101000000")), "id=20260101000000\n");
        Files.createDirectories(Path.of(ops.layout().release("20260102000000")));

        // then
        assertThat(ops.releases()).containsExactly("20260101000000", "20260102000000");
        assertThat(ops.completeReleases()).containsExactly("20260101000000");
        assertThat(ops.revision("20260101000000").id()).isEqualTo("20260101000000");
    }

    /** A shell where no file can grow (ulimit -f 0): what a full disk does to the lock's info write. */
    static Transport noSpace(Transport real) {
        return new Transport() {
            public String host() { return real.host(); }
            public void connect() throws TransportException { real.connect(); }
            public CommandResult run(Command c, OutputSink sink) throws TransportException, InterruptedException {
                return real.run(new Command("ulimit -f 0; " + c.script(), c.stdin(), c.timeout()), sink);
            }
            public void upload(byte[] content, String path, int mode) { throw new UnsupportedOperationException(); }
            public void close() { real.close(); }
        };
    }

    @Test
    void aLockWhoseInfoCannotBeWrittenIsNotLeftBehind() throws Exception {
        // given a host whose disk is full: mkdir works, writing the info file does not
        HostOps full = new HostOps(noSpace(new LocalTransport("test")), ops().layout());

        // when
        assertThatThrownBy(() -> full.acquire(info("alice", "run-a")))
                .isInstanceOf(HostOpException.class).hasMessageContaining("lock");

        // then no lock strands the next deploy as "locked by unknown user", and nothing is left over
        HostOps ops = ops();
        assertThat(ops.readLock()).isNull();
        assertThat(ops.acquire(info("bob", "run-b"))).isNull();
        assertThat(ops.readLock().user()).isEqualTo("bob");
        try (var files = Files.list(Path.of(ops.layout().meta()))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("lock");
        }
    }

    @Test
    void anEmptyLockLeftByAnOlderVersionStillCountsAsHeld() throws Exception {
        // given
        HostOps ops = ops();
        Files.createDirectories(Path.of(ops.layout().lock()));

        // when / then: never taken over silently (unlock --force removes it)
        assertThat(ops.acquire(info("bob", "run-b"))).isNotNull();
        assertThat(Path.of(ops.layout().lock())).isEmptyDirectory();
    }

    @Test
    void anAppendAfterATornLastLineStartsOnItsOwnLine() throws Exception {
        // given a ledger whose last write was killed halfway (no newline at its end)
        HostOps ops = ops();
        ops.appendLedger(entry("20260101000000", "success"));
        Files.writeString(Path.of(ops.layout().ledger()), "{\"event\":\"dep", java.nio.file.StandardOpenOption.APPEND);

        // when
        ops.appendLedger(entry("20260102000000", "failed"));

        // then the torn line is skipped (with a warning), the new entry is not swallowed with it
        assertThat(ops.ledger()).extracting(LedgerEntry::release).containsExactly("20260101000000", "20260102000000");
        assertThat(ops.warnings()).singleElement().asString().contains("history.jsonl", "line 2");
        assertThat(Files.readAllLines(Path.of(ops.layout().ledger()))).hasSize(3);
    }

    @Test
    void junkInReleasesIsIgnoredWithAWarning() throws Exception {
        // given a 14-digit name that is no time stamp, a foreign directory and a file
        HostOps ops = ops();
        for (String id : List.of("20260101000000", "20261399999999", "20260231000000")) {
            Files.createDirectories(Path.of(ops.layout().releases(), id));
            Files.writeString(Path.of(ops.layout().releases(), id, "REVISION"), "id=" + id + "\n");
        }
        Files.createDirectories(Path.of(ops.layout().releases(), "old-backup"));
        Files.writeString(Path.of(ops.layout().releases(), "notes.txt"), "x");

        // when
        List<String> releases = ops.releases();
        List<String> complete = ops.completeReleases();

        // then
        assertThat(releases).containsExactly("20260101000000");
        assertThat(complete).containsExactly("20260101000000");
        assertThat(ReleaseLayout.nextId(java.time.Instant.parse("2026-01-01T00:00:00Z"), List.of("20261399999999", "20260101000000")))
                .isEqualTo("20260101000001");
        assertThat(String.join("\n", ops.warnings())).contains("20261399999999", "20260231000000", "old-backup", "notes.txt", "ignored");
    }

    @Test
    void removingAnUnfinishedReleaseStopsTheProcessesStillWritingInItAndLeavesTheOthers() throws Exception {
        // given: a release a killed run left, with a process still creating files in it (as a venv
        // build does), and a process working in another release
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("my 'app'").toString());
        Path release = Files.createDirectories(Path.of(layout.release("20261201051322")));
        Path other = Files.createDirectories(Path.of(layout.release("20261201051312")));
        String writer = "while :; do mkdir -p \"$0/venv/$(date +%s%N)\"; done";
        Process inRelease = new ProcessBuilder("sh", "-c", writer, release.toString()).start();
        Process inOther = new ProcessBuilder("sh", "-c", "sleep 30", other.toString()).start();
        try {
            Thread.sleep(200);

            // when
            CommandResult r = new LocalTransport("test").run(ops().removeReleaseCommand("20261201051322"));

            // then
            assertThat(r.ok()).as(r.stderr()).isTrue();
            assertThat(release).doesNotExist();
            assertThat(inRelease.waitFor(5, TimeUnit.SECONDS)).as("the writer stopped").isTrue();
            assertThat(inOther.isAlive()).as("the other release's process").isTrue();
            assertThat(other).exists();
        } finally {
            inRelease.destroyForcibly();
            inOther.destroyForcibly();
        }
    }

    @Test
    void cleanupRemovesAKilledRunsLeftoverWithItsProcessesAndTheReleasesBeyondKeep() throws Exception {
        // given: three complete releases and the leftover of a killed run whose venv build still writes in it
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("my 'app'").toString());
        for (String id : List.of("20261201000001", "20261201000002", "20261201000004")) {
            Files.createDirectories(Path.of(layout.release(id)));
            Files.writeString(Path.of(layout.revision(id)), "ref=v1\n");
        }
        Path leftover = Files.createDirectories(Path.of(layout.release("20261201000003")));
        Process writer = new ProcessBuilder("sh", "-c", "while :; do mkdir -p \"$0/venv/$(date +%s%N)\"; done",
                leftover.toString()).start();
        try {
            Thread.sleep(200);

            // when: keep 2, the new release is ...04 and the rollback target ...02
            CommandResult r = new LocalTransport("test").run(ops().cleanupCommand(2, "20261201000004", "20261201000002"));

            // then
            assertThat(r.ok()).as(r.stderr()).isTrue();
            assertThat(r.stdout()).contains("removed the incomplete release 20261201000003", "removed old releases: 20261201000001");
            assertThat(leftover).doesNotExist();
            assertThat(writer.waitFor(5, TimeUnit.SECONDS)).as("the killed run's writer stopped").isTrue();
            assertThat(Path.of(layout.release("20261201000002"))).exists();
            assertThat(Path.of(layout.release("20261201000004"))).exists();
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void anEreQuotedPathMatchesOnlyItself() {
        assertThat(HostOps.ereQuote("/srv/my.app+1/[x]")).isEqualTo("/srv/my\\.app\\+1/\\[x\\]");
    }

    static LedgerEntry entry(String release, String outcome) {
        return new LedgerEntry("deploy", outcome, release, null, "v1", "abc", "alice", "ci-1", "web1",
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z", 5000L, null,
                List.of(new LedgerEntry.StepEntry("prepare", "venv", "ok", 1200)), null, null, null, null);
    }
}
