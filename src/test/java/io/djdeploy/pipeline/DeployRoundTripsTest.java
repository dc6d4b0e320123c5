package io.djdeploy.pipeline;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.djdeploy.pipeline.FakeHost.fail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consecutive steps of a host share one remote script (issue 18: a deploy in at most 10 round
 * trips per host), and are still told step by step: their events in order, each with its own
 * output and time, the failed one with its command, exit status and last lines, the ones after
 * it never run.
 */
class DeployRoundTripsTest {
    Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void aDeployCostsAtMostItsKnownRoundTripsPerHost() {
        RunResult r = fleet.deployer.deploy("v3");

        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        // were 28 (web1) and 24-26 before steps shared scripts
        assertThat(fleet.host("web1").roundTrips()).as("web1, the migrate host").isLessThanOrEqualTo(10);
        for (String other : new String[] {"web2", "web3", "worker1"}) {
            assertThat(fleet.host(other).roundTrips()).as(other).isLessThanOrEqualTo(10);
        }
        assertThat(fleet.finished().hosts()).allMatch(h -> h.roundTrips() == fleet.host(h.host()).roundTrips());
        // every step still reported, in order, once
        assertThat(fleet.steps("web1")).containsExactly("connect/connect ok", "lock/lock ok", "preflight/inspect ok", "preflight/tools ok", "preflight/host checks ok",
                "preflight/git reachable ok", "preflight/fetch ok", "prepare/code ok", "prepare/helper ok", "prepare/venv ok",
                "prepare/check --deploy ok", "prepare/collectstatic ok", "prepare/archive static files ok", "prepare/settings checks ok",
                "prepare/revision ok", "gate/analyze migrations ok", "migrate/manifest ok", "switch/switch ok", "switch/health ok",
                "finalize/cleanup ok", "finalize/prune old static files ok");
        assertThat(fleet.lastLedger("web2").steps()).extracting(LedgerEntry.StepEntry::step).contains("code", "helper", "venv", "collectstatic");
    }

    @Test
    void aBlueGreenDeployCostsAtMostTenRoundTripsPerHostWithEachSwitchStepToldApart() {
        // given: blue is live on every web host, on the old release (the connect step reads it)
        Fleet bg = Fleet.blueGreen();
        try {
            for (String h : new String[] {"web1", "web2", "web3"}) {
                bg.host(h).on(s -> s.startsWith("live=$("), FakeHost.answer("live blue.sock\nblue releases/" + Fleet.OLD + "\ngreen \nstandby \n"));
            }

            // when
            RunResult r = bg.deployer.deploy("v3");

            // then: boot, switch, health and retire share one script (they were 3 round trips: 12 per host)
            assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
            assertThat(bg.host("web1").roundTrips()).as("web1, the migrate host").isLessThanOrEqualTo(10);
            assertThat(bg.host("web2").roundTrips()).as("web2").isLessThanOrEqualTo(10);
            assertThat(bg.steps("web2")).containsSubsequence("switch/boot idle color ok", "switch/switch ok", "switch/health ok",
                    "switch/retire old color ok");
            assertThat(bg.host("web2").commands()).anyMatch(c -> c.contains("shop-web-green"))
                    .noneMatch(c -> c.startsWith("live=$("));   // the state came with the connect step's command
            assertThat(bg.events(Event.Info.class)).anyMatch(i -> "web2".equals(i.host()) && i.message().startsWith("green is live"))
                    .anyMatch(i -> "web2".equals(i.host()) && i.message().startsWith("blue stays up on release " + Fleet.OLD));
        } finally {
            bg.close();
        }
    }

    @Test
    void aColorThatDoesNotBootStopsTheSharedSwitchScriptBeforeTheSwitch() {
        // given: blue is live; green does not answer its health check on web1 (the boot command's own exit status)
        Fleet bg = Fleet.blueGreen();
        try {
            for (String h : new String[] {"web1", "web2", "web3"}) {
                bg.host(h).on(s -> s.startsWith("live=$("), FakeHost.answer("live blue.sock\nblue releases/" + Fleet.OLD + "\ngreen \nstandby \n"));
            }
            bg.host("web1").on(s -> s.contains("supervisorctl start shop-web-"),
                    FakeHost.fail(io.djdeploy.web.BlueGreenCommands.UNHEALTHY, "{\"ok\": false, \"error\": \"connection refused\"}"));

            // when
            RunResult r = bg.deployer.deploy("v3");

            // then: the boot failed as a step of its own, and nothing after it in the script ran: current and nginx untouched
            assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
            assertThat(r.message()).startsWith("web1: boot idle color: green on release " + Fleet.NEW + " failed");
            assertThat(bg.steps("web1")).endsWith("switch/boot idle color failed");
            assertThat(bg.host("web1").current()).isEqualTo(Fleet.OLD);
            assertThat(bg.host("web1").ran("current.tmp")).as("the switch").isFalse();
        } finally {
            bg.close();
        }
    }

    @Test
    void aFailingStepInASharedScriptFailsAloneWithItsOutputAndTheStepsAfterItNeverRun() {
        // given: collectstatic, in the middle of PREPARE's script, fails on web3 after printing
        fleet.host("web3").on("manage.py collectstatic", (h, c) -> FakeHost.result(2, "copying 3 files", "OSError: disk full"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then: that step failed with its command, status and lines; the steps after it never ran
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).startsWith("web3: collectstatic: command failed with exit status 2");
        Event.Failure f = fleet.events(Event.Failure.class).get(0);
        assertThat(f.host()).isEqualTo("web3");
        assertThat(f.step()).isEqualTo("collectstatic");
        assertThat(f.exitCode()).isEqualTo(2);
        assertThat(f.command()).contains("manage.py collectstatic --noinput").doesNotContain("djdeploy-batch");
        assertThat(f.tail()).containsExactly("copying 3 files", "OSError: disk full");
        assertThat(fleet.steps("web3")).endsWith("prepare/check --deploy ok", "prepare/collectstatic failed");
        assertThat(fleet.host("web3").ran("cp -alf")).as("the step after it (archive static files)").isFalse();
        assertThat(fleet.host("web3").ran(".REVISION.tmp")).as("revision").isFalse();
        // its output was shown as its own, between its start and its end
        List<Event> web3 = fleet.events.stream().filter(e -> e.toString().contains("host=web3")).toList();
        int started = web3.indexOf(new Event.StepStarted("web3", io.djdeploy.step.Phase.PREPARE, "collectstatic"));
        assertThat(web3.get(started + 1)).isEqualTo(new Event.Output("web3", "stdout", "copying 3 files"));
        assertThat(web3.get(started + 2)).isEqualTo(new Event.Output("web3", "stderr", "OSError: disk full"));
        assertThat(web3.get(started + 3)).isInstanceOf(Event.StepFinished.class);
        assertThat(fleet.host("web3").releases()).doesNotContain(Fleet.NEW);
    }

    @Test
    void stepsOfOneScriptAreSentTogetherAndJudgedOneByOne() {
        // given: a check that fails on the host's answer, judged in Java (ls-remote exits 128)
        fleet.host("web2").on("git ls-remote", fail(128, "fatal: Could not read from remote repository."));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then: git reachable failed with its check, and fetch (after it in the same script) never ran
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(fleet.steps("web2")).endsWith("preflight/git reachable failed");
        assertThat(fleet.host("web2").ran("rev-parse")).isFalse();
        assertThat(fleet.events(Event.Check.class)).anyMatch(c -> c.host().equals("web2") && c.id().equals("git.reachable") && !c.ok());
        assertThat(fleet.host("web2").batches()).as("PREFLIGHT's second script").isGreaterThanOrEqualTo(2);
    }
}
