package io.djdeploy.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Celery on two test hosts (example tag {@code celery}, Debian's python3-celery, a
 * redis-server this class starts as the broker): supervisor runs a worker on both hosts and
 * beat on the one host with role beat. After a deploy the workers run the new release (a job
 * the new web code enqueues is done by a worker of that release); a worker told to stop (TERM)
 * finishes its running job first; a rollback restarts them on the target release.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class CeleryIT {
    static final String ENV = "test";
    static final String H1 = TestHosts.address(1);
    static final String H2 = TestHosts.address(2);
    static final String CTL = "supervisorctl -c /etc/demo/supervisord.conf ";
    static final Pattern JOB = Pattern.compile("\"job\": \"([0-9a-f]+)\", \"release\": \"(\\d{14})\"");
    static TestHosts fleet;
    static Process redis;
    static Path config;
    static final List<String> deployed = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void up(@TestHostsExtension.Hosts(2) TestHosts hosts) throws Exception {
        fleet = hosts;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the broker: every host shares this machine's network, so 127.0.0.1 reaches it from all of them
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(fleet.dir.resolve("redis.log").toFile()).start();
        for (String h : List.of(H1, H2)) {
            Path host = fleet.host(h);
            Files.writeString(host.resolve("etc/demo.env"), "CELERY_BROKER_URL=redis://127.0.0.1:" + port
                    + "/0\nJOBS_DIR=/srv/demo/shared/jobs\n", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(host.resolve("etc/supervisor.d/celery.conf"), programs(h));
            fleet.onHost(h, CTL + "reread >/dev/null && " + CTL + "update");
        }
        config = fleet.dir.resolve("celery.yml");
        String yml = Files.readString(fleet.config())
                .replace("roles: [web, migrate]", "roles: [web, migrate, worker, beat]")
                .replace("roles: [web]\n", "roles: [web, worker]\n")
                .replace("environments:", "workers:\n  restart: " + CTL + "restart demo-celery\n  beat_restart: " + CTL
                        + "restart demo-beat\nenvironments:");
        Files.writeString(config, yml);
    }

    /**
     * A worker per host, named after it (both hosts have this machine's host name), and beat.
     * TERM reaches only celery's main process (stopasgroup false): it stops taking jobs and waits
     * for the running one (warm shutdown); a TERM to the pool's children too would kill the job.
     */
    static String programs(String host) {
        String common = """
                directory=/srv/demo/current
                environment=DJANGO_ENV_FILE="/etc/demo/demo.env"
                autostart=false
                autorestart=true
                startsecs=2
                stopsignal=TERM
                stopwaitsecs=30
                stopasgroup=false
                killasgroup=true
                redirect_stderr=true
                """;
        return "[program:demo-celery]\ncommand=/srv/demo/current/.venv/bin/python -m celery -A demo worker --concurrency 1"
                + " --loglevel INFO -n worker@" + host + "\n" + common + "stdout_logfile=/var/log/demo/celery.log\n\n"
                + "[program:demo-beat]\ncommand=/srv/demo/current/.venv/bin/python -m celery -A demo beat --loglevel INFO"
                + " -s /srv/demo/shared/celerybeat-schedule\n" + common + "stdout_logfile=/var/log/demo/beat.log\n";
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (redis == null) return;
        redis.destroy();
        if (!redis.waitFor(10, TimeUnit.SECONDS)) redis.destroyForcibly();
    }

    @Test
    @Order(1)
    void afterEachDeployTheWorkersRunTheNewReleaseAndBeatRunsOnOneHost() throws Exception {
        for (int round = 1; round <= 2; round++) {
            // when
            Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "celery");

            // then
            assertThat(run.code()).as(run.output()).isZero();
            String id = fleet.current(H1);
            assertThat(fleet.current(H2)).isEqualTo(id);
            deployed.add(id);
            for (String web : List.of(H1, H2)) {
                String[] job = enqueue(web, 0);
                assertThat(job[1]).as("the web release that enqueued it").isEqualTo(id);
                assertThat(awaitJob(job[0], 30)).as("the release of the worker that did the job").startsWith(id + " ");
            }
            beatOnlyOn(H1, id);
        }
        assertThat(deployed.get(1)).isNotEqualTo(deployed.get(0));
    }

    @Test
    @Order(2)
    void aStoppingWorkerFinishesItsJobAndARollbackRestartsWorkersOnTheTarget() throws Exception {
        // given: a 15 s job running on a worker of the current release
        String from = deployed.get(1);
        String to = deployed.get(0);
        String[] slow = enqueue(H1, 15);
        String started = awaitFile(slow[0] + ".started", 30);
        assertThat(started).startsWith(from + " ");

        // when: the rollback restarts the workers while the job runs
        Site.Run run = fleet.djdeploy(config, "rollback", ENV);

        // then: the worker was told to stop while the job ran, and finished it before it went
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(fleet.current(H1)).isEqualTo(to);
        String done = awaitJob(slow[0], 40);
        assertThat(done).startsWith(from + " ");
        double finished = time(done);
        double startedAt = time(started);
        List<Double> stops = new ArrayList<>();
        for (String h : List.of(H1, H2)) {
            if (!Files.isDirectory(jobs(h))) continue;
            try (Stream<Path> s = Files.list(jobs(h))) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("shutdown-")).toList()) {
                    stops.add(time(Files.readString(p)));
                }
            }
        }
        assertThat(stops).as("a warm shutdown that began while the job ran").anyMatch(t -> t > startedAt && t < finished);
        // and: the restarted workers and beat run the rollback's target
        String[] next = enqueue(H2, 0);
        assertThat(next[1]).isEqualTo(to);
        assertThat(awaitJob(next[0], 30)).startsWith(to + " ");
        beatOnlyOn(H1, to);
    }

    private void beatOnlyOn(String beatHost, String release) throws Exception {
        assertThat(fleet.onHost(beatHost, CTL + "status demo-beat || true")).contains("RUNNING");
        String other = beatHost.equals(H1) ? H2 : H1;
        assertThat(fleet.onHost(other, CTL + "status demo-beat || true")).doesNotContain("RUNNING");
        // beat's tick (every 2 s) is done by a worker of this release
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean seen = false;
            for (String h : List.of(H1, H2)) {
                Path tick = jobs(h).resolve("beat-tick");
                if (Files.exists(tick) && Files.readString(tick).startsWith(release + " ")) seen = true;
            }
            if (seen) return;
            assertThat(System.nanoTime()).as("a beat tick done by release " + release).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** POST /jobs/ on a web host: {job id, release of the web code that enqueued it}. */
    private String[] enqueue(String web, int sleepSeconds) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + web + "/jobs/?sleep=" + sleepSeconds))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        Matcher m = JOB.matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return new String[]{m.group(1), m.group(2)};
    }

    private static String awaitJob(String job, int seconds) throws Exception {
        return awaitFile(job, seconds);
    }

    /** The file's content once it exists in either host's jobs dir (whichever worker took the job). */
    private static String awaitFile(String name, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String h : List.of(H1, H2)) {
                Path f = jobs(h).resolve(name);
                if (Files.exists(f)) return Files.readString(f).strip();
            }
            assertThat(System.nanoTime()).as(name + " within " + seconds + "s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static Path jobs(String host) {
        return fleet.host(host).resolve("srv/demo/shared/jobs");
    }

    private static double time(String line) {
        String[] parts = line.strip().split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
    }
}
