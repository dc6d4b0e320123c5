package io.djdeploy.pipeline;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import io.djdeploy.step.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.djdeploy.pipeline.Fleet.NEW;
import static io.djdeploy.pipeline.Fleet.OLD;
import static io.djdeploy.pipeline.FakeHost.fail;
import static io.djdeploy.pipeline.FakeHost.failAfterEffects;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's failure policy, phase by phase, against fake hosts: what each failure leaves
 * on the hosts (current, release dirs, lock), in the ledger and in the events.
 */
class DeployFailuresTest {
    /** The migration that drops a column: review-class, not expand-only, but reversible. */
    static final String DROP = "{\"app\":\"shop\",\"name\":\"0002_drop_price\",\"operations\":[{\"type\":\"RemoveField\","
            + "\"description\":\"Remove field price from item\",\"model\":\"item\",\"field\":\"price\",\"reversible\":true}]}";
    static final String ADD = "{\"app\":\"shop\",\"name\":\"0002_item_note\",\"operations\":[{\"type\":\"AddField\","
            + "\"description\":\"Add field note to item\",\"model\":\"item\",\"field\":\"note\",\"table\":\"shop_item\","
            + "\"field_def\":{\"type\":\"TextField\",\"null\":true},\"reversible\":true}]}";
    static final String INITIAL = "{\"app\":\"shop\",\"name\":\"0001_initial\",\"operations\":[{\"type\":\"CreateModel\","
            + "\"description\":\"Create model Item\",\"model\":\"item\",\"table\":\"shop_item\",\"reversible\":true}]}";

    Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    static void pending(FakeHost h, String migration) {
        h.pendingJson = "{\"mode\":\"pending\",\"applied\":[[\"shop\",\"0001_initial\"]],\"migrations\":[" + migration + "]}";
        h.allJson = "{\"mode\":\"all\",\"migrations\":[" + INITIAL + "," + migration + "]}";
    }

    /** Nothing user-visible changed: every host on OLD, no NEW dir left, no lock left. */
    void assertNothingChanged() {
        assertThat(fleet.currents()).containsOnly(
                Map.entry("web1", OLD), Map.entry("web2", OLD), Map.entry("web3", OLD), Map.entry("worker1", OLD));
        fleet.hosts.values().forEach(h -> assertThat(h.releases()).as(h.host()).doesNotContain(NEW));
        fleet.hosts.values().forEach(h -> assertThat(h.ran("mv -T current.tmp current")).as(h.host()).isFalse());
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void aDeployRunsEveryPhaseInOrderAndSwitchesWebHostsOneBatchAtATime() {
        // given
        pending(fleet.host("web1"), ADD);

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.phasesStarted()).containsExactly(Phase.CONNECT, Phase.LOCK, Phase.PREFLIGHT, Phase.PREPARE, Phase.GATE,
                Phase.MIGRATE, Phase.SWITCH, Phase.SWITCH, Phase.SWITCH, Phase.SWITCH, Phase.WORKERS, Phase.FINALIZE);
        assertThat(fleet.currents().values()).containsOnly(NEW);
        assertThat(fleet.ledger("web2")).containsExactly("deploy started " + NEW, "deploy success " + NEW);
        assertThat(fleet.host("web1").count("manage.py migrate --noinput")).isEqualTo(1);
        assertThat(fleet.host("web2").ran("manage.py migrate")).isFalse();
        assertThat(fleet.host("worker1").ran("supervisorctl restart shop-worker")).isTrue();
        assertThat(fleet.host("web1").ran("supervisorctl restart shop-worker")).isFalse();
        assertThat(fleet.anyLocked()).isFalse();
        assertThat(fleet.hosts.values()).allMatch(FakeHost::closed);
        assertThat(fleet.finished().outcome()).isEqualTo("success");
    }

    @Test
    void aFailureInPreflightStopsBeforeAnyReleaseDirectoryExists() {
        // given
        fleet.host("web2").on("rev-parse", fail(1, "fatal: ambiguous argument"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).startsWith("web2: fetch: ref 'v3' does not resolve").contains("nothing changed");
        assertNothingChanged();
        fleet.hosts.values().forEach(h -> assertThat(h.ran("git -C /srv/shop/repo -c tar.umask=022 archive")).isFalse());
        // no "started" line: the run had not decided what to build yet
        assertThat(fleet.ledger("web1")).containsExactly("deploy failed null");
        assertThat(fleet.events(Event.Failure.class)).extracting(Event.Failure::host, Event.Failure::phase)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web2", Phase.PREFLIGHT));
    }

    @Test
    void aFailureInPrepareRemovesTheNewReleaseEverywhere() {
        // given
        fleet.host("web3").on("manage.py collectstatic", fail(1, "OSError: disk full"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).isEqualTo("web3: collectstatic: command failed with exit status 1"
                + " (nothing changed: every host still serves its previous release)");
        assertNothingChanged();
        assertThat(fleet.host("web1").ran("set -- /srv/shop/releases " + NEW + "; cd /srv/shop/releases")).isTrue();
        assertThat(fleet.host("web1").ran("manage.py migrate")).isFalse();
        assertThat(fleet.ledger("web1")).containsExactly("deploy started " + NEW, "deploy failed " + NEW);
        assertThat(fleet.lastLedger("web3").error()).contains("collectstatic");
        assertThat(fleet.events(Event.Failure.class).get(0).tail()).containsExactly("OSError: disk full");
    }

    @Test
    void theGateStopsReviewClassMigrationsAndRemovesTheRelease() {
        // given
        pending(fleet.host("web1"), DROP);

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.GATED);
        assertThat(r.message()).contains("shop.0002_drop_price", "--approve-migrations");
        assertNothingChanged();
        assertThat(fleet.host("web1").ran("manage.py migrate")).isFalse();
        assertThat(fleet.ledger("web2")).containsExactly("deploy started " + NEW, "deploy gated " + NEW);
        assertThat(fleet.events(Event.MigrationPlanReady.class)).singleElement()
                .satisfies(p -> assertThat(p.unapproved()).containsExactly("shop.0002_drop_price"));
    }

    @Test
    void aFailingMigrationAnalysisFailsAtGate() {
        // given
        fleet.host("web1").on("helper.py migrations", FakeHost.answer("{\"error\":\"ImproperlyConfigured: no DATABASES\"}"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).contains("web1: analyze migrations: the migration analysis failed: ImproperlyConfigured");
        assertNothingChanged();
        assertThat(fleet.steps("web1")).contains("gate/analyze migrations failed");
    }

    @Test
    void uploadsThatWouldLandInTheReleaseFailSharedMediaAtPrepare() {
        // given: the helper finds MEDIA_ROOT inside the new release on web2
        fleet.host("web2").on("helper.py settings-facts", FakeHost.answer("{\"db_ok\":true,\"static_root_set\":true,"
                + "\"static_root_writable\":true,\"media_in_release\":[{\"setting\":\"MEDIA_ROOT\",\"path\":\"/srv/shop/releases/x/uploads\"}]}"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertNothingChanged();
        Event.Check check = fleet.events(Event.Check.class).stream().filter(c -> c.id().equals("shared.media") && !c.ok()).findFirst().orElseThrow();
        assertThat(check.host()).isEqualTo("web2");
        assertThat(check.detail()).contains("MEDIA_ROOT = /srv/shop/releases/x/uploads");
        assertThat(check.fix()).contains("/srv/shop/shared", "shared.dirs");
        assertThat(fleet.host("web2").ran("settings-facts --release-dir /srv/shop/releases/" + NEW)).isTrue();
    }

    @Test
    void deployMaintenanceIsOnFromBeforeMigrateUntilTheSwitchPassedOnEveryWebHost() {
        // given
        pending(fleet.host("web1"), ADD);

        // when
        RunResult r = fleet.deployer.maintenance("<p>back soon</p>").deploy("v3");

        // then: on after GATE, before the migration; off once SWITCH passed; web hosts only
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        List<String> web1 = fleet.host("web1").commands();
        int on = indexOf(web1, "tee /srv/shop/shared/maintenance.html.tmp");
        int migrate = indexOf(web1, "manage.py migrate");
        int off = indexOf(web1, "rm -f /srv/shop/shared/maintenance.html");
        int switched = indexOf(web1, "mv -T current.tmp current");
        assertThat(on).isPositive().isLessThan(migrate);
        assertThat(off).isGreaterThan(switched);
        assertThat(fleet.ledger("web2")).contains("maintenance on " + NEW, "maintenance off " + NEW);
        assertThat(fleet.host("worker1").ran("maintenance.html")).isFalse();
    }

    @Test
    void aFailedMigrationUnderMaintenancePutsItBackAsItWas() {
        // given: web2 already was in maintenance (turned on by hand)
        pending(fleet.host("web1"), ADD);
        fleet.host("web1").on("manage.py migrate", fail(1, "django.db.utils.OperationalError: locked"));
        fleet.host("web2").on("test -f /srv/shop/shared/maintenance.html", FakeHost.answer("maintenance on"));

        // when
        RunResult r = fleet.deployer.maintenance("<p>back soon</p>").deploy("v3");

        // then: web1 and web3 off again, web2 stays on
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(fleet.host("web1").ran("rm -f /srv/shop/shared/maintenance.html")).isTrue();
        assertThat(fleet.host("web3").ran("rm -f /srv/shop/shared/maintenance.html")).isTrue();
        assertThat(fleet.host("web2").ran("rm -f /srv/shop/shared/maintenance.html")).isFalse();
        assertThat(fleet.ledger("web1")).contains("maintenance on " + NEW, "maintenance off " + NEW);
    }

    static int indexOf(List<String> commands, String fragment) {
        for (int i = 0; i < commands.size(); i++) if (commands.get(i).contains(fragment)) return i;
        return -1;
    }

    @Test
    void aFailingMigrationStopsBeforeAnyHostSwitches() {
        // given
        pending(fleet.host("web1"), ADD);
        fleet.host("web1").on("manage.py migrate", fail(1, "django.db.utils.OperationalError: locked"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).startsWith("web1: migrate: ");
        assertNothingChanged();
        assertThat(fleet.ledger("worker1")).containsExactly("deploy started " + NEW, "deploy failed " + NEW);
    }

    @Test
    void aHostFailingMidBatchSendsTheSwitchedHostsBackAndLaterBatchesNeverSwitch() {
        // given: web2 (the second batch) switches, then fails its health check
        fleet.host("web2").on(s -> s.contains("helper.py health") && s.contains("--expect " + NEW),
                FakeHost.answer("{\"ok\":false,\"status\":502,\"attempt\":1}"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(r.message()).startsWith("web2: health: health check failed: HTTP 502");
        assertThat(fleet.currents().values()).containsOnly(OLD);
        // web1 and web2 went back with one switch command each, to the previous release, and proved it
        for (String h : new String[]{"web1", "web2"}) {
            assertThat(fleet.host(h).ran("ln -s releases/" + OLD + " current.tmp && mv -T current.tmp current")).as(h).isTrue();
            assertThat(fleet.host(h).ran("--expect " + OLD)).as(h).isTrue();
        }
        assertThat(fleet.host("web3").ran("mv -T current.tmp current")).isFalse();
        assertThat(fleet.host("worker1").ran("mv -T current.tmp current")).isFalse();
        assertThat(fleet.host("worker1").ran("supervisorctl restart shop-worker")).isFalse();
        assertThat(fleet.ledger("web1")).containsExactly("deploy started " + NEW, "deploy rolled_back " + NEW);
        assertThat(fleet.ledger("web3")).containsExactly("deploy started " + NEW, "deploy rolled_back " + NEW);
        assertThat(fleet.anyLocked()).isFalse();
        assertThat(fleet.finished().hosts()).extracting(Event.HostSummary::host, Event.HostSummary::status, Event.HostSummary::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("web1", "back on " + OLD, null),
                        org.assertj.core.groups.Tuple.tuple("web3", "not changed", "never switched: an earlier batch failed"));
    }

    @Test
    void aSwitchCommandThatFailsAfterMovingCurrentStillSwitchesThatHostBack() {
        // given: the reload part of web1's switch fails once current already moved
        fleet.host("web1").on(s -> s.contains("ln -s releases/" + NEW), failAfterEffects(7, "supervisor: ERROR (spawn error)"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(fleet.currents().values()).containsOnly(OLD);
        assertThat(fleet.host("web1").ran("ln -s releases/" + OLD + " current.tmp")).isTrue();
        assertThat(fleet.host("web2").ran("mv -T current.tmp current")).isFalse();
    }

    @Test
    void switchingBackThatFailsNeedsAHuman() {
        // given: web2 fails at SWITCH, and web1's previous release is not healthy either
        fleet.host("web2").on(s -> s.contains("helper.py health") && s.contains("--expect " + NEW),
                FakeHost.answer("{\"ok\":false,\"status\":500,\"attempt\":1}"));
        fleet.host("web1").on(s -> s.contains("helper.py health") && s.contains("--expect " + OLD),
                FakeHost.answer("{\"ok\":false,\"status\":500,\"attempt\":1}"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLBACK_FAILED);
        assertThat(r.message()).endsWith("(going back failed: see above)");
        assertThat(fleet.lastLedger("web1").outcome()).isEqualTo("failed");
        assertThat(fleet.lastLedger("web1").note()).isEqualTo("switching back failed on some hosts");
        assertThat(fleet.finished().hosts()).filteredOn(s -> s.host().equals("web1")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo("FAILED"))
                .satisfies(s -> assertThat(s.detail()).contains("previous release " + OLD + " is not healthy either"));
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void afterAMigrationThatIsNotExpandOnlyTheSwitchedHostsAreNotSwitchedBack() {
        // given: an approved column drop ran, then web2 fails its health check
        pending(fleet.host("web1"), DROP);
        fleet.host("web2").on(s -> s.contains("helper.py health") && s.contains("--expect " + NEW),
                FakeHost.answer("{\"ok\":false,\"status\":500,\"attempt\":1}"));

        // when
        RunResult r = fleet.deployer.deploy("v3", Set.of("*"));

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLBACK_FAILED);
        assertThat(r.message()).contains("NOT switched back", "shop.0002_drop_price");
        assertThat(fleet.host("web1").current()).isEqualTo(NEW);
        assertThat(fleet.host("web2").current()).isEqualTo(NEW);
        assertThat(fleet.host("web3").current()).isEqualTo(OLD);
        assertThat(fleet.host("web1").ran("ln -s releases/" + OLD)).isFalse();
        LedgerEntry last = fleet.lastLedger("web1");
        assertThat(last.outcome()).isEqualTo("failed");
        assertThat(last.note()).startsWith("not switched back: the migrations this deploy applied are not expand-only");
        assertThat(fleet.warnings()).contains("web1: staying on release " + NEW + ": the migrations this deploy applied are not"
                + " expand-only (shop.0002_drop_price), so the previous release's code cannot run on the schema");
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void afterAnExpandOnlyMigrationTheSwitchedHostsGoBack() {
        // given
        pending(fleet.host("web1"), ADD);
        fleet.host("web1").on(s -> s.contains("helper.py health") && s.contains("--expect " + NEW),
                FakeHost.answer("{\"ok\":false,\"status\":500,\"attempt\":1}"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(fleet.host("web1").count("manage.py migrate --noinput")).isEqualTo(1);
        assertThat(fleet.currents().values()).containsOnly(OLD);
    }

    @Test
    void aWorkerThatFailsToRestartSendsEveryHostBackAndRestartsWorkersOnTheOldCode() {
        // given
        fleet.host("worker1").on(s -> s.contains("supervisorctl restart shop-worker") && !fleet.host("worker1").ran("ln -s releases/" + OLD),
                fail(1, "shop-worker: ERROR (spawn error)"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(r.message()).startsWith("worker1: restart workers: ");
        assertThat(fleet.currents().values()).containsOnly(OLD);
        assertThat(fleet.host("worker1").count("supervisorctl restart shop-worker")).isEqualTo(2);
        assertThat(fleet.ledger("worker1")).containsExactly("deploy started " + NEW, "deploy rolled_back " + NEW);
    }

    @Test
    void aFailingCleanupIsOnlyAWarning() {
        // given
        // the cleanup is one command on the host (HostOps.cleanupCommand): it fails as a whole
        fleet.host("web3").on(s -> s.contains("keep=$1; pat=$2; shift 2;"), fail(1, "rm: Permission denied"));
        fleet.host("web3").incompleteRelease("20261102000000");

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.warnings()).anyMatch(w -> w.startsWith("web3: cleanup failed (the deploy itself succeeded): "));
        assertThat(fleet.ledger("web3")).containsExactly("deploy started " + NEW, "deploy success " + NEW);
        assertThat(fleet.host("web3").current()).isEqualTo(NEW);
        assertThat(fleet.steps("web3")).contains("finalize/cleanup failed");
    }

    @Test
    void anotherRunsLockStopsTheDeployWithoutTouchingItsLock() {
        // given
        fleet.host("web2").on(s -> s.contains("mv -T \"$lock_tmp\" /srv/shop/.djdeploy/lock"),
                (h, c) -> FakeHost.result(75, "{\"user\":\"alice\",\"origin\":\"desk\",\"pid\":7,\"ref\":\"v2\",\"run_id\":\"other\"}", ""));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.LOCKED);
        assertThat(r.message()).startsWith("web2: lock: locked by alice");
        assertThat(fleet.anyLocked()).isFalse();
        assertThat(fleet.host("web1").ledgerLines()).hasSize(2);
        // where ours was taken (web1 may be stopped before it starts: hosts lock in parallel), it was released again
        assertThat(fleet.host("web1").ran("grep -q -F --")).isEqualTo(fleet.host("web1").ran("mv -T \"$lock_tmp\" /srv/shop/.djdeploy/lock"));
    }

    @Test
    void hostsStillQueuedWhenAnotherFailsAreNotWaitedFor() {
        // given: one host at a time, so when web1 fails the later hosts wait in the queue and are cancelled unstarted
        fleet.close();
        fleet = new Fleet("", 1);
        fleet.host("web1").on("manage.py collectstatic", fail(1, "OSError: disk full"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then: the barrier did not wait for hosts that never started (it used to, for 60s, then warned)
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(fleet.warnings()).noneMatch(w -> w.contains("did not stop"));
        // (whether worker1 started before the cancel reached it is a race the freed pool thread may win: not asserted)
        assertNothingChanged();
    }

    @Test
    void cancellingStopsTheRunningStepsCleansUpAndReleasesTheLock() throws Exception {
        // given: collectstatic hangs on web2
        CountDownLatch entered = new CountDownLatch(1);
        fleet.host("web2").on("manage.py collectstatic", FakeHost.block(entered));
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> fleet.deployer.deploy("v3"));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // when
        fleet.deployer.cancel();
        RunResult r = run.get(10, TimeUnit.SECONDS);

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.INTERRUPTED);
        assertThat(fleet.deployer.awaitFinish(java.time.Duration.ZERO)).isTrue();
        assertNothingChanged();
        assertThat(fleet.ledger("web2")).containsExactly("deploy started " + NEW, "deploy interrupted " + NEW);
        assertThat(fleet.steps("web2")).contains("prepare/collectstatic interrupted");
        assertThat(fleet.phasesStarted()).doesNotContain(Phase.GATE);
    }
}
