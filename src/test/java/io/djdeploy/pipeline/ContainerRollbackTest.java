package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import io.djdeploy.step.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runtime: container rollback and the container side of SWITCH/WORKERS against fake hosts: the
 * idle color boots the target's image (from its release directory's IMAGE file) and is checked
 * on its own socket with the host's python3, web.sock swaps to it, Celery containers are replaced
 * stop-then-run with the target's image, and the schema check reads the applied migrations in a
 * one-off container of the current image.
 */
class ContainerRollbackTest {
    static final String DEPLOY_TO = "/srv/shop";
    static final String OLDER = "20261101000000";
    static final String OLD = "20261115000000";
    static final String APPLIED = "{\"mode\":\"applied\",\"applied\":[[\"shop\",\"0001_initial\"]],\"migrations\":[]}";

    final Map<String, FakeHost> hosts = new LinkedHashMap<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    Deployer deployer;

    @BeforeEach
    void setUp() throws Exception {
        String yaml = """
                app: shop
                repo: https://git.example.com/shop.git
                runtime: container
                image:
                  registry: 127.0.0.1:5080
                django:
                  env_file: /etc/shop/shop.env
                shared:
                  dirs: [media]
                web:
                  strategy: blue-green
                health:
                  url: http://127.0.0.1/healthz/
                  retries: 1
                workers:
                  command: celery -A shop worker -n w@%h
                  beat_command: celery -A shop beat -s /tmp/celerybeat-schedule
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1, roles: [web, migrate], transport: local}
                      - {host: worker1, roles: [worker, beat], transport: local}
                """;
        EnvironmentConfig env = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yaml).environments().get("production");
        for (String name : List.of("web1", "worker1")) {
            FakeHost h = new FakeHost(name, DEPLOY_TO).release(OLDER, "v1").release(OLD, "v2").current(OLD)
                    .file("/etc/shop/shop.env", "SECRET_KEY=s3cr3t-value-long-enough\n")
                    .file(DEPLOY_TO + "/.djdeploy/history.jsonl", ledgerLine(OLDER, null) + ledgerLine(OLD, OLDER))
                    .on(s -> s.startsWith("live=$("), FakeHost.answer("live green.sock\nblue releases/" + OLDER + "\ngreen releases/" + OLD + "\nstandby \n"))
                    .on("helper.py applied", FakeHost.answer(APPLIED));
            for (String id : List.of(OLDER, OLD)) {
                h.file(DEPLOY_TO + "/releases/" + id + "/IMAGE", "127.0.0.1:5080/shop@sha256:" + id + "\n")
                        .file(DEPLOY_TO + "/releases/" + id + "/.djdeploy/helper.py", "# helper")
                        .file(RollbackFailuresTest.manifest(id), "{\"migrations\":[" + RollbackFailuresTest.INITIAL + "]}");
            }
            hosts.put(name, h);
        }
        deployer = new Deployer(env, hc -> hosts.get(hc.host()), events::add, new Identity("ci", "laptop", 4242),
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC), "# helper".getBytes(), 4);
    }

    private static String ledgerLine(String release, String previous) {
        return Json.line(new LedgerEntry("deploy", "success", release, previous, "v", FakeHost.SHA, "ci", "laptop", "web1",
                null, null, 0L, null, List.of(), null, null, null, null)) + "\n";
    }

    @AfterEach
    void close() {
        deployer.close();
    }

    private static int index(List<String> commands, String fragment) {
        for (int i = 0; i < commands.size(); i++) if (commands.get(i).contains(fragment)) return i;
        throw new AssertionError("no command contains " + fragment + " in " + commands);
    }

    @Test
    void theIdleColorBootsThePreviousImageIsCheckedOnItsSocketThenTakesTraffic() {
        // when
        RunResult r = deployer.rollback(null);

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        List<String> web1 = hosts.get("web1").commands();
        String boot = web1.get(index(web1, "docker run -d --name shop-web-"));
        // green is live: blue boots OLDER's image, named by its release directory, and is probed on blue.sock with the host's python3
        assertThat(boot).contains("cat /srv/shop/releases/" + OLDER + "/IMAGE", "docker run -d --name shop-web-blue",
                "--label io.djdeploy.release=" + OLDER, "--env-file /etc/shop/shop.env", "-v /srv/shop/shared/media:/app/media",
                "GUNICORN_CMD_ARGS=--bind unix:/run/djdeploy/blue.sock",
                "python3 /srv/shop/releases/" + OLDER + "/.djdeploy/helper.py health", "--unix-socket /run/shop/blue.sock", "--expect " + OLDER)
                .doesNotContain(".venv", "s3cr3t");
        // only after the boot: current and web.sock move in one command
        int swap = index(web1, "ln -s blue.sock web.sock.tmp");
        assertThat(swap).isGreaterThan(web1.indexOf(boot));
        assertThat(web1.get(swap)).contains("ln -s releases/" + OLDER + " current.tmp");
        assertThat(hosts.get("web1").current()).isEqualTo(OLDER);
        // the rollback retires green after the drain, with docker stop (gunicorn's graceful stop)
        assertThat(web1.get(index(web1, "setsid -f sh -c"))).contains("docker stop -t 30 shop-web-green");
        // the schema was read with the current release's helper in a one-off container of its image, not from a venv
        String schema = web1.get(index(web1, "helper.py applied"));
        assertThat(schema).startsWith("docker run --rm -i").contains("127.0.0.1:5080/shop:" + OLD,
                "-v /srv/shop/releases/" + OLD + "/.djdeploy:/run/djdeploy-helper:ro");
        assertThat(web1).noneMatch(c -> c.contains("shop-worker") || c.contains("shop-beat"));
    }

    @Test
    void workersAndBeatAreStoppedThenStartedOnTheTargetsImageAfterTheWebTier() {
        // when
        RunResult r = deployer.rollback(null);

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        List<String> worker1 = hosts.get("worker1").commands();
        String worker = worker1.get(index(worker1, "--name shop-worker"));
        String beat = worker1.get(index(worker1, "--name shop-beat"));
        // the documented order (docs/celery.md): workers, then beat; each one stopped (warm shutdown) before its successor runs
        assertThat(worker1.indexOf(worker)).isLessThan(worker1.indexOf(beat));
        assertThat(worker).startsWith("docker stop -t 60 shop-worker ").contains("docker rm -f shop-worker",
                "cat /srv/shop/releases/" + OLDER + "/IMAGE", "--label io.djdeploy.release=" + OLDER,
                "sh -c exec celery -A shop worker -n w@%h");
        assertThat(worker.indexOf("docker stop")).isLessThan(worker.indexOf("docker run"));
        assertThat(beat).startsWith("docker stop -t 60 shop-beat ").contains("sh -c exec celery -A shop beat -s /tmp/celerybeat-schedule");
        // workers run after every web host switched (the WORKERS phase follows SWITCH)
        assertThat(events.stream().filter(e -> e instanceof Event.StepFinished f && "worker1".equals(f.host()))
                .map(e -> ((Event.StepFinished) e).step()).toList()).containsSubsequence("switch", "restart workers", "restart beat");
    }
}
