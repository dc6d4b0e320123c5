package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.step.Event;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runtime: container through MIGRATE, against fake hosts and a fake deploying machine: the
 * image is built once and labelled with its manifest, every host pulls it and writes its
 * release directory, the GATE and MIGRATE run in one-off containers on the migrate host only.
 */
class ContainerDeployTest {
    static final String NEW = "20261201100000";
    static final String IMAGE = "127.0.0.1:5080/shop:" + NEW;
    static final String ALL = "{\"mode\":\"all\",\"migrations\":[" + DeployFailuresTest.INITIAL + "," + DeployFailuresTest.ADD + "]}";
    static final String ENGINE = "engine=20.10.24\nfree_kb=10000000\nregistry=200\n";

    @TempDir
    Path repo;

    final Map<String, FakeHost> hosts = new LinkedHashMap<>();
    final FakeHost thisMachine = new FakeHost("localhost", "/nowhere");
    final List<Event> events = new CopyOnWriteArrayList<>();
    final AtomicReference<byte[]> buildStdin = new AtomicReference<>();
    Deployer deployer;

    void setUp(String image) throws Exception {
        git("init", "-q");
        Files.writeString(repo.resolve("manage.py"), "# manage\n");
        git("add", "manage.py");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one");
        git("tag", "v3");
        String yaml = """
                app: shop
                repo: https://git.example.com/shop.git
                git: {local: %s}
                runtime: container
                image:
                  registry: 127.0.0.1:5080
                %s
                django:
                  env_file: /etc/shop/shop.env
                shared:
                  dirs: [media]
                web:
                  strategy: blue-green
                  start: docker start shop-web-{color}
                  stop: docker stop shop-web-{color}
                health:
                  url: http://127.0.0.1/healthz/
                  retries: 1
                checks:
                  required_env: []
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1, roles: [web, migrate], transport: local}
                      - {host: web2, roles: [web], transport: local}
                """.formatted(repo, image);
        EnvironmentConfig env = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yaml).environments().get("production");
        for (String name : List.of("web1", "web2")) {
            hosts.put(name, new FakeHost(name, "/srv/shop").file("/etc/shop/shop.env", "SECRET_KEY=s3cr3t-value-long-enough\n")
                    .on("engine=%s", FakeHost.answer(ENGINE))
                    .on("env_readable=1", (fh, c) -> FakeHost.ok("env_readable=1\nenv_owner=root\nenv_mode=640\nfree_kb=10000000\n"
                            + "free_inodes=1000000\nnow_ms=" + System.currentTimeMillis())));
        }
        thisMachine.on("python - migrations --all --no-sql", FakeHost.answer(ALL));
        for (FakeHost h : List.of(thisMachine, hosts.get("web2"))) {
            h.on("docker build --pull=false", (fh, c) -> {
                buildStdin.set(c.stdin());
                return FakeHost.ok("");
            });
        }
        deployer = new Deployer(env, hc -> hosts.get(hc.host()), events::add, new Identity("ci", "laptop", 4242),
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC), "# helper".getBytes(), 4)
                .thisMachine(thisMachine);
    }

    private void git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @AfterEach
    void close() {
        if (deployer != null) deployer.close();
    }

    List<String> steps(String host) {
        return events.stream().filter(e -> e instanceof Event.StepFinished f && host.equals(f.host()))
                .map(e -> (Event.StepFinished) e).map(e -> e.phase().label() + "/" + e.step()).toList();
    }

    @Test
    void theImageIsBuiltOnceLabelledAndPushedThenEveryHostPullsItAndWritesItsReleaseDirectory() throws Exception {
        // given
        setUp("");
        DeployFailuresTest.pending(hosts.get("web1"), DeployFailuresTest.ADD);

        // when
        RunResult r = deployer.deploy("v3");

        // then the phases of a deploy, PREPARE twice: the build, then every host's pull
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(events.stream().filter(e -> e instanceof Event.PhaseStarted).map(e -> ((Event.PhaseStarted) e).phase()).distinct())
                .containsSubsequence(Phase.PREFLIGHT, Phase.PREPARE, Phase.GATE, Phase.MIGRATE, Phase.SWITCH);
        assertThat(steps("web1")).containsSubsequence("preflight/container engine", "prepare/build image", "prepare/pull image",
                "prepare/revision", "gate/analyze migrations", "migrate/migrate");
        assertThat(steps("web2")).contains("preflight/container engine", "prepare/pull image", "prepare/revision")
                .doesNotContain("prepare/build image", "gate/analyze migrations", "migrate/migrate");

        // this machine: the tree on standard input, the manifest from the helper inside the image, then label and push
        List<String> local = thisMachine.commands();
        assertThat(local).hasSize(3);
        assertThat(local.get(0)).contains("tar -xzf - -C \"$djdeploy_build\"", "docker build --pull=false", "--label io.djdeploy.release=" + NEW,
                "-t " + IMAGE).doesNotContain("docker push");
        assertThat(buildStdin.get()).isNotEmpty();
        assertThat(local.get(1)).contains("docker run --rm -i --network none", IMAGE + " python - migrations --all --no-sql");
        assertThat(local.get(2)).contains("docker build -q --label io.djdeploy.manifest=", "0002_item_note", "docker push " + IMAGE);

        // every host: pull, labels checked, IMAGE by digest, the manifest, static files, in one round trip with helper and REVISION
        for (FakeHost h : hosts.values()) {
            assertThat(h.ran("docker pull -q " + IMAGE)).as(h.host()).isTrue();
            assertThat(h.ran("> /srv/shop/releases/" + NEW + "/IMAGE")).as(h.host()).isTrue();
            assertThat(h.ran("io.djdeploy.manifest\"}} " + IMAGE + " > /srv/shop/releases/" + NEW + "/.djdeploy/.migrations.json.tmp")).isTrue();
            assertThat(h.ran("docker cp shop-static-" + NEW + ":/app/staticfiles /srv/shop/releases/" + NEW + "/staticfiles")).isTrue();
            assertThat(h.releases()).as(h.host()).contains(NEW);
        }
        // the GATE and MIGRATE in one-off containers of the new image on the migrate host, the env file by --env-file
        FakeHost web1 = hosts.get("web1");
        assertThat(web1.commands()).filteredOn(c -> c.contains("helper.py migrations")).singleElement().asString()
                .contains("docker run --rm -i", "--env-file /etc/shop/shop.env", "-v /srv/shop/shared/media:/app/media",
                        "-v /srv/shop/releases/" + NEW + "/.djdeploy:/run/djdeploy-helper:ro", "-w /app " + IMAGE + " python /run/djdeploy-helper/helper.py migrations")
                .doesNotContain("--all");
        assertThat(web1.commands()).filteredOn(c -> c.contains("manage.py migrate")).singleElement().asString()
                .contains("docker run --rm -i", "--read-only --tmpfs /tmp", "--env-file /etc/shop/shop.env", IMAGE + " python manage.py migrate --noinput");
        assertThat(hosts.get("web2").ran("docker run --rm")).isFalse();
    }

    @Test
    void aHostsPrepareIsOneRoundTripAndTheBuilderThree() throws Exception {
        // given: each host notes its round-trip count when the pull and when REVISION's write are answered
        setUp("");
        Map<String, List<Integer>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        for (FakeHost h : hosts.values()) {
            h.on("docker pull -q", (fh, c) -> {
                seen.computeIfAbsent(fh.host(), k -> new CopyOnWriteArrayList<>()).add(fh.roundTrips());
                return FakeHost.ok("");
            }).on("/.REVISION.tmp", (fh, c) -> {
                seen.computeIfAbsent(fh.host(), k -> new CopyOnWriteArrayList<>()).add(fh.roundTrips());
                return FakeHost.ok("");
            });
        }

        // when
        RunResult r = deployer.deploy("v3");

        // then: pull, labels, IMAGE, manifest, static files, helper and REVISION in one remote script
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        for (String h : hosts.keySet()) assertThat(seen.get(h)).as(h).hasSize(2).satisfies(l -> assertThat(l.get(0)).isEqualTo(l.get(1)));
        // build (tree on stdin), the manifest (helper on stdin), label and push
        assertThat(thisMachine.roundTrips()).isEqualTo(3);
    }

    @Test
    void reviewClassMigrationsAreGatedAndNoHostKeepsTheRelease() throws Exception {
        // given
        setUp("");
        DeployFailuresTest.pending(hosts.get("web1"), DeployFailuresTest.DROP);

        // when
        RunResult r = deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.GATED);
        assertThat(r.message()).contains("shop.0002_drop_price");
        assertThat(hosts.get("web1").ran("manage.py migrate")).isFalse();
        hosts.values().forEach(h -> assertThat(h.releases()).as(h.host()).doesNotContain(NEW));
        hosts.values().forEach(h -> assertThat(h.locked()).as(h.host()).isFalse());
    }

    @Test
    void anImageWhoseLabelsAreAnotherBuildsNeverRuns() throws Exception {
        // given: someone pushed the same tag after this build
        setUp("");
        hosts.get("web2").on("{{index .Config.Labels \"io.djdeploy.release\"}}", FakeHost.fail(1, ""))
                .on("{{json .Config.Labels}}", FakeHost.answer("{\"io.djdeploy.release\":\"20261201110000\",\"io.djdeploy.sha\":\"abc\"}"));

        // when
        RunResult r = deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).contains(IMAGE + ": its label io.djdeploy.release is 20261201110000, not " + NEW);
        assertThat(hosts.get("web2").ran("/staticfiles")).isFalse();
        hosts.values().forEach(h -> assertThat(h.releases()).as(h.host()).doesNotContain(NEW));
        assertThat(hosts.get("web1").ran("helper.py migrations")).isFalse();
    }

    @Test
    void aBuilderHostBuildsOverItsOwnConnection() throws Exception {
        // given
        setUp("  build: host web2");
        hosts.get("web2").on("python - migrations --all --no-sql", FakeHost.answer(ALL));

        // when
        RunResult r = deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(thisMachine.commands()).isEmpty();
        assertThat(hosts.get("web2").ran("docker build --pull=false")).isTrue();
        assertThat(hosts.get("web2").ran("docker push " + IMAGE)).isTrue();
        assertThat(hosts.get("web1").ran("docker build")).isFalse();
        assertThat(steps("web2")).contains("prepare/build image");
    }
}
