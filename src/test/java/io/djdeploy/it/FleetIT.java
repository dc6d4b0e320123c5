package io.djdeploy.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real hosts from scripts/testhosts (web+migrate, web, worker), reached over SSH with
 * strict host keys, each with its own nginx in front of gunicorn. The tests run in order on
 * one fleet: each leaves every host serving a known release.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class FleetIT {
    static final String ENV = "test";
    static final String WEB1 = TestHosts.address(1);
    static final String WEB2 = TestHosts.address(2);
    static final String WORKER = TestHosts.address(3);
    /** An address of no test host of this run. */
    static final String NO_HOST = TestHosts.address(8);
    static Path dir;
    static TestHosts fleet;

    @BeforeAll
    static void up(@TestHostsExtension.Hosts(3) TestHosts hosts) throws Exception {
        fleet = hosts;
        dir = fleet.dir;
        assertThat(fleet.addresses).containsExactly(WEB1, WEB2, WORKER);
    }

    @Test
    @Order(1)
    void anUnknownHostKeyIsRefusedBeforeAnyCommandRuns() throws Exception {
        // given: a known_hosts file that knows none of the hosts
        Files.writeString(dir.resolve("empty_known_hosts"), "");
        Path config = fleet.configWith("unknown-keys.yml", "known_hosts: " + dir.resolve("known_hosts"),
                "known_hosts: " + dir.resolve("empty_known_hosts"));

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "v1");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(5);
        assertThat(run.output()).contains("SHA256:", "--accept-new-host-keys");
        for (String h : List.of(WEB1, WEB2, WORKER)) {
            assertThat(fleet.host(h).resolve("srv/demo")).as("nothing ran on " + h).doesNotExist();
        }
    }

    @Test
    @Order(2)
    void deploysOverSshAndEveryWebHostServesTheNewReleaseThroughNginx() throws Exception {
        // when
        Site.Run run = fleet.djdeploy(fleet.config(), "deploy", ENV, "--ref", "v1", "--format", "json");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        String id = fleet.current(WEB1);
        assertThat(id).matches("\\d{14}");
        for (String h : List.of(WEB1, WEB2)) {
            assertThat(fleet.current(h)).isEqualTo(id);
            assertThat(fleet.get(h, "/").body()).contains("Hello from v1");
            assertThat(fleet.get(h, "/healthz/").headers().firstValue("X-Release")).contains(id);
            assertThat(fleet.get(h, "/static/notes/site.css").statusCode()).isEqualTo(200);
        }
        assertThat(fleet.current(WORKER)).isEqualTo(id);
        // migrate ran exactly once, on the migrate host
        List<String> migrations = run.output().lines()
                .filter(l -> l.contains("\"event\":\"step_finished\"") && l.contains("\"step\":\"migrate\"")).toList();
        assertThat(migrations).hasSize(1);
        assertThat(migrations.get(0)).contains("\"host\":\"" + WEB1 + "\"", "\"status\":\"ok\"");
        // one SSH connection per host for the whole run
        String finished = run.output().lines().filter(l -> l.contains("\"event\":\"run_finished\"")).findFirst().orElseThrow();
        assertThat(finished).contains("\"connections\":1").doesNotContain("\"connections\":2");
        assertThat(finished.split("\"connections\":1", -1)).hasSize(4);
    }

    @Test
    @Order(3)
    void aFailureOnOneHostInPrepareLeavesAllHostsOnTheOldRelease() throws Exception {
        // given: on WEB2 a plain file sits where the shared media directory must be
        Map<String, String> before = currents();
        Path media = fleet.host(WEB2).resolve("srv/demo/shared/media");
        Files.delete(media);
        Files.writeString(media, "not a directory");

        // when
        Site.Run run = fleet.djdeploy(fleet.config(), "deploy", ENV, "--ref", "v2");

        // then
        try {
            assertThat(run.code()).as(run.output()).isEqualTo(6);
            assertThat(run.output()).contains(WEB2 + ": shared links");
            assertThat(currents()).isEqualTo(before);
            for (String h : List.of(WEB1, WEB2, WORKER)) {
                assertThat(fleet.releaseDirs(h)).as(h).containsExactly(before.get(h));
                assertThat(fleet.host(h).resolve("srv/demo/.djdeploy/lock")).doesNotExist();
            }
            assertThat(fleet.get(WEB1, "/").body()).contains("Hello from v1");
        } finally {
            Files.delete(media);
            Files.createDirectory(media);
        }
    }

    @Test
    @Order(4)
    void aFailingSwitchBatchPutsTheSwitchedHostsBackAndTheRestNeverSwitch() throws Exception {
        // given: one web host per batch; WEB2's reload fails once (a marker file it removes)
        Map<String, String> before = currents();
        String reload = "reload: supervisorctl -c /etc/demo/supervisord.conf restart demo-web";
        Path config = fleet.configWith("batches.yml", reload,
                "reload: if [ -e /etc/demo/fail-next-reload ]; then rm /etc/demo/fail-next-reload; echo injected reload failure >&2; exit 1; fi;"
                        + " supervisorctl -c /etc/demo/supervisord.conf restart demo-web");
        Files.writeString(config, Files.readString(config).replace("\nenvironments:", "\nswitch:\n  batch_size: 1\nenvironments:"));
        Files.writeString(fleet.host(WEB2).resolve("etc/fail-next-reload"), "");

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "v2");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(7);
        assertThat(run.output()).contains("switch batch 1/3: " + WEB1, "injected reload failure", "switching back to release " + before.get(WEB1));
        assertThat(currents()).isEqualTo(before);
        for (String h : List.of(WEB1, WEB2)) {
            assertThat(fleet.get(h, "/").body()).as(h).contains("Hello from v1");
            assertThat(fleet.get(h, "/healthz/").headers().firstValue("X-Release")).contains(before.get(h));
        }
    }

    @Test
    @Order(5)
    void aHostThatIsDownFailsConnectWithAMessageNamingIt() throws Exception {
        // given: a fourth host with nothing listening
        Path config = fleet.configWith("down-host.yml", "      - host: " + WORKER,
                "      - host: " + NO_HOST + "\n        roles: [web]\n      - host: " + WORKER);
        Map<String, String> before = currents();

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "v2");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(5);
        assertThat(run.output()).contains(NO_HOST).containsIgnoringCase("refused");
        assertThat(currents()).isEqualTo(before);
    }

    @Test
    @Order(6)
    void theNextDeployGoesThroughOnEveryHost() throws Exception {
        Site.Run run = fleet.djdeploy(fleet.config(), "deploy", ENV, "--ref", "v2");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(fleet.get(WEB2, "/").body()).contains("Hello from v2");
        assertThat(fleet.current(WORKER)).isEqualTo(fleet.current(WEB1));
    }

    static Map<String, String> currents() throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String h : List.of(WEB1, WEB2, WORKER)) m.put(h, fleet.current(h));
        return m;
    }
}
