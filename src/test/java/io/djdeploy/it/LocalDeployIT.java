package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploys the example app with the local transport against real git, Django, gunicorn and
 * supervisor, and checks what a user would: the served page, the symlink, the ledger.
 */
@ExtendWith(TestHostsExtension.class)
class LocalDeployIT {
    static final String ENV = LocalSite.ENVIRONMENT;

    Site site;

    @BeforeEach
    void start(Site site) {
        this.site = site;
    }

    @Test
    void deploysV1AndServesItThroughGunicorn() throws Exception {
        // when
        Site.Run run = site.deploy("v1");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        String id = site.current();
        assertThat(id).matches("\\d{14}");
        HttpResponse<String> page = site.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello from v1");
        assertThat(site.get("/healthz/").headers().firstValue("X-Release")).contains(id);
        assertThat(Files.readString(site.site.deployTo().resolve("releases/" + id + "/REVISION")))
                .contains("id=" + id, "ref=v1", "sha=61722d327d9a5aa49776f1fffd5ddf04a8ddf735");
        assertThat(Files.readSymbolicLink(site.site.deployTo().resolve("current")).toString()).isEqualTo("releases/" + id);
        List<LedgerEntry> ledger = site.ledger();
        // the "started" line (written before PREPARE changes anything), then the result
        assertThat(ledger).extracting(LedgerEntry::outcome).containsExactly("started", "success");
        assertThat(ledger.get(0).release()).isEqualTo(id);
        assertThat(ledger.get(1).event()).isEqualTo("deploy");
        assertThat(ledger.get(1).outcome()).isEqualTo("success");
        assertThat(ledger.get(1).release()).isEqualTo(id);
        assertThat(ledger.get(1).steps()).extracting(LedgerEntry.StepEntry::step)
                .contains("lock", "fetch", "code", "venv", "check --deploy", "collectstatic", "migrate", "switch", "health");
        assertThat(site.locked()).isFalse();
        // the migration ran against the shared database
        assertThat(site.site.deployTo().resolve("shared/db.sqlite3")).exists();
    }

    @Test
    void secondReleaseCopiesTheVenvAndKeepsThePreviousForRollback() throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();
        String first = site.current();

        // when
        Site.Run run = site.deploy("v2");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("requirements unchanged since release " + first);
        String second = site.current();
        assertThat(second).isGreaterThan(first);
        assertThat(site.get("/").body()).contains("Hello from v2");
        assertThat(site.releaseDirs()).containsExactly(first, second);
        // the copied venv names its own path, not the release it came from
        Path activate = site.site.deployTo().resolve("releases/" + second + "/.venv/bin/activate");
        assertThat(Files.readString(activate)).contains(second).doesNotContain(first);
        assertThat(site.ledger()).filteredOn(e -> !LedgerEntry.STARTED.equals(e.outcome()))
                .extracting(LedgerEntry::previous).containsExactly(null, first);
    }

    @Test
    void brokenReleaseFailsBeforeTheSwitchAndChangesNothing() throws Exception {
        // given
        assertThat(site.deploy("v2").code()).isZero();
        String before = site.current();
        List<String> dirsBefore = site.releaseDirs();

        // when
        Site.Run run = site.deploy("broken");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output())
                .contains("check --deploy failed", "exit status: 1", "No module named 'notes.signals'")
                .contains("djdeploy: error: localhost: check --deploy: manage.py check --deploy found errors (exit 1)");
        assertThat(site.current()).isEqualTo(before);
        assertThat(site.releaseDirs()).isEqualTo(dirsBefore);
        assertThat(site.get("/").body()).contains("Hello from v2");
        assertThat(site.locked()).isFalse();
        LedgerEntry last = site.ledger().get(site.ledger().size() - 1);
        assertThat(last.outcome()).isEqualTo("failed");
        assertThat(last.ref()).isEqualTo("broken");
        assertThat(last.error()).contains("check --deploy");
    }

    @Test
    void releaseThatCannotBootIsSwitchedBackAfterItsHealthCheckFails() throws Exception {
        // given
        assertThat(site.deploy("v2").code()).isZero();
        String before = site.current();

        // when
        Site.Run run = site.deploy("noboot");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(7);
        assertThat(run.output()).contains("switching back to release " + before, "back on release " + before);
        assertThat(site.current()).isEqualTo(before);
        HttpResponse<String> page = site.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello from v2");
        LedgerEntry last = site.ledger().get(site.ledger().size() - 1);
        assertThat(last.outcome()).isEqualTo("rolled_back");
        assertThat(site.locked()).isFalse();
    }

    @Test
    void rollbackSwitchesToThePreviousGoodReleaseWithoutBuildingAnything() throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();
        String v1 = site.current();
        assertThat(site.deploy("v2").code()).isZero();
        assertThat(site.deploy("broken").code()).isEqualTo(6);

        // when
        Site.Run run = site.djdeploy("rollback", ENV);

        // then
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(site.current()).isEqualTo(v1);
        assertThat(site.get("/").body()).contains("Hello from v1");
        assertThat(run.output()).doesNotContain("==> PREPARE").contains("rolling back from");
        LedgerEntry last = site.ledger().get(site.ledger().size() - 1);
        assertThat(last.event()).isEqualTo("rollback");
        assertThat(last.release()).isEqualTo(v1);
        assertThat(last.ref()).isEqualTo("v1");

        // and rolling back again has nowhere earlier to go
        assertThat(site.djdeploy("rollback", ENV).code()).isEqualTo(9);
    }

    @Test
    void aDeployIsRefusedWhileTheLockIsHeldAndNamesTheHolder() throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();
        String before = site.current();
        assertThat(site.djdeploy("lock", ENV).code()).isZero();

        // when
        Site.Run run = site.deploy("v2");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(4);
        assertThat(run.output()).contains("held for maintenance by " + System.getProperty("user.name")).doesNotContainIgnoringCase("stale");
        assertThat(site.current()).isEqualTo(before);
        assertThat(site.locked()).isTrue();
        assertThat(site.djdeploy("unlock", ENV).code()).isZero();
        assertThat(site.locked()).isFalse();
    }

    @Test
    void twoConcurrentDeploysNeverBothRun() throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();

        // when
        CompletableFuture<Site.Run> a = CompletableFuture.supplyAsync(() -> site.deploy("v2"));
        CompletableFuture<Site.Run> b = CompletableFuture.supplyAsync(() -> site.deploy("v2"));
        List<Integer> codes = Stream.of(a.get(), b.get()).map(Site.Run::code).sorted().toList();

        // then: one ran; the other was refused (or, if it came after, deployed on its own)
        assertThat(codes).isIn(List.of(0, 4), List.of(0, 0));
        if (codes.equals(List.of(0, 4))) {
            assertThat(Stream.of(a.get(), b.get()).filter(r -> r.code() == 4).findFirst().orElseThrow().output()).contains("locked by");
        }
        assertThat(site.get("/").body()).contains("Hello from v2");
        assertThat(site.locked()).isFalse();
    }

    @Test
    void planPrintsEveryPhaseAndChangesNothing() throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();
        Map<String, Long> before = snapshot(site.site.deployTo());

        // when
        Site.Run run = site.djdeploy("plan", ENV, "--ref", "v2");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("==> LOCK", "==> PREFLIGHT", "==> PREPARE", "==> MIGRATE", "==> SWITCH", "==> FINALIZE",
                "mv -T current.tmp current", "manage.py migrate --noinput", "manage.py check --deploy",
                "collectstatic --noinput", "restart demo-web", "<commit of v2>");
        assertThat(snapshot(site.site.deployTo())).isEqualTo(before);
    }

    @Test
    void keepReleasesRemovesOldOnesButNeverCurrentOrThePrevious() throws Exception {
        // given
        String config = Files.readString(site.site.config()).replace("keep_releases: 5", "keep_releases: 2");
        Files.writeString(site.site.config(), config);

        // when
        for (String ref : List.of("v1", "v2", "v1", "v2")) assertThat(site.deploy(ref).code()).isZero();

        // then
        List<String> dirs = site.releaseDirs();
        assertThat(dirs).hasSize(2);
        assertThat(dirs).contains(site.current());
        assertThat(site.get("/").body()).contains("Hello from v2");
    }

    @Test
    void jsonFormatPrintsOneEventPerLineAndNoSecret() throws Exception {
        // when
        Site.Run run = site.djdeploy("deploy", ENV, "--ref", "v1", "--format", "json", "-v");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        List<String> lines = run.output().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"event\":"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"event\":\"step_finished\"", "\"step\":\"migrate\"", "\"duration_ms\""));
        assertThat(lines.get(lines.size() - 1)).contains("\"event\":\"run_finished\"", "\"outcome\":\"success\"");
        String secret = site.secretKey();
        assertThat(run.output()).doesNotContain(secret);
        assertThat(Files.readString(site.site.deployTo().resolve(".djdeploy/history.jsonl"))).doesNotContain(secret);
    }

    /** Every path under a directory with its size and modification time. */
    static Map<String, Long> snapshot(Path root) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p)) {
                    m.put(root.relativize(p) + " -> " + Files.readSymbolicLink(p), 0L);
                } else {
                    m.put(root.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis() * 31 + (Files.isDirectory(p) ? 0 : Files.size(p)));
                }
            }
        }
        return m;
    }
}
