package io.djdeploy.pipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each command and upload is one SSH round trip: a rollback's count per host must not grow back (issue 18: target 4; 19-22 before the connect step's one command). */
class RollbackRoundTripsTest {
    Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void aRollbackCostsAtMostItsKnownRoundTripsPerHost() {
        // given: web1 (the migrate host) reads the schema; the database has what both releases know
        FakeHost web1 = fleet.host("web1");
        web1.file(RollbackFailuresTest.manifest(Fleet.OLDER), "{\"migrations\":[" + RollbackFailuresTest.INITIAL + "]}");
        web1.file(RollbackFailuresTest.manifest(Fleet.OLD), "{\"migrations\":[" + RollbackFailuresTest.INITIAL + "," + RollbackFailuresTest.ADD + "]}");
        for (String h : Fleet.HOSTS) fleet.host(h).file(Fleet.DEPLOY_TO + "/releases/" + Fleet.OLDER + "/.djdeploy/helper.py", "# helper");
        web1.pendingJson = "{\"mode\":\"pending\",\"applied\":[[\"shop\",\"0001_initial\"],[\"shop\",\"0002_item_note\"]],\"migrations\":[]}";

        // when
        RunResult r = fleet.deployer.rollback(null);

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        // one command locks and reads everything (the schema too, on web1); then switch (the "started" line rides at its front), health, ledger+unlock
        assertThat(web1.roundTrips()).as("web1, which also reads the schema").isLessThanOrEqualTo(4);   // commands() lists a shared script command by command
        assertThat(web1.count("helper.py applied")).as("the light read of the applied migrations, once").isEqualTo(1);
        for (String other : new String[] {"web2", "web3"}) {
            assertThat(fleet.host(other).roundTrips()).as(other).isLessThanOrEqualTo(4);
        }
        assertThat(fleet.host("worker1").roundTrips()).as("worker1 (switch, then its workers)").isLessThanOrEqualTo(4);
        // the last ledger line and the unlock share one command, and both happened
        assertThat(fleet.ledger("web2")).containsExactly("rollback started " + Fleet.OLDER, "rollback success " + Fleet.OLDER);
        assertThat(fleet.anyLocked()).isFalse();
        assertThat(fleet.host("web2").commands().get(fleet.host("web2").commands().size() - 1)).contains("cat >> ", "grep -q -F --");
    }
}
