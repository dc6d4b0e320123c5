package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.container.ReleaseImages.ReleaseImage;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Identity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** status and releases of a runtime: container environment show each release's image, at no extra round trip. */
class ContainerViewsTest {
    static final String OLD = "20261115000000";
    static final String NEW = "20261201100000";
    static final String PRUNED = "20261101000000";
    static final String REPO = "127.0.0.1:5080/shop";
    static final String D_NEW = "sha256:" + "1".repeat(64);
    static final String D_OLD = "sha256:" + "2".repeat(64);
    static final String D_PRUNED = "sha256:" + "3".repeat(64);

    static final String CONFIG = """
            app: shop
            repo: https://git.example.com/shop.git
            %s
            web:
              strategy: blue-green
              start: docker start shop-web-{color}
              stop: docker stop shop-web-{color}
            health:
              url: http://127.0.0.1/healthz/
              retries: 1
            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - {host: web1, roles: [web, migrate], transport: local}
            """;

    static EnvironmentConfig env(boolean containers) throws Exception {
        String runtime = containers ? "runtime: container\nimage:\n  registry: 127.0.0.1:5080" : "";
        return new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), CONFIG.formatted(runtime)).environments().get("production");
    }

    /** A host that deployed PRUNED, OLD and NEW as images; the engine no longer has PRUNED's. */
    static FakeHost host() {
        FakeHost h = new FakeHost("web1", "/srv/shop")
                .release(PRUNED, "v1").image(PRUNED, REPO + "@" + D_PRUNED, null)
                .release(OLD, "v2").image(OLD, REPO + "@" + D_OLD, 241_000_000L)
                .release(NEW, "v3").image(NEW, REPO + "@" + D_NEW, 242_123_456L)
                .current(NEW);
        // the first one's directory cleanup already removed
        StringBuilder ledger = new StringBuilder();
        for (String id : List.of("20261020000000", PRUNED, OLD, NEW)) {
            ledger.append(Json.line(new LedgerEntry("deploy", "success", id, null, "v", FakeHost.SHA, "ci", "laptop", "web1",
                    "2026-12-01T10:00:00Z", "2026-12-01T10:01:00Z", 60000L, null, null, null, null, null, null))).append('\n');
        }
        return h.file("/srv/shop/.djdeploy/history.jsonl", ledger.toString());
    }

    static Operations ops(EnvironmentConfig env, FakeHost h) {
        return new Operations(env, hc -> h, Identity.current(System.getenv()), Clock.systemUTC());
    }

    @Test
    void statusShowsTheCurrentReleasesImageInTheRevisionRead() throws Exception {
        // given
        FakeHost containers = host();
        FakeHost venv = host();

        // when
        Operations.HostStatus s = ops(env(true), containers).status().get(0);
        Operations.HostStatus plain = ops(env(false), venv).status().get(0);

        // then
        assertThat(s.current()).isEqualTo(NEW);
        assertThat(s.revision().ref()).isEqualTo("v3");
        assertThat(s.image()).isEqualTo(new ReleaseImage(REPO, NEW, D_NEW, 242_123_456L, true));
        assertThat(plain.image()).isNull();
        assertThat(plain.revision()).isEqualTo(s.revision());
        // the image's facts ride in the command that reads REVISION: no round trip more than the venv runtime's
        assertThat(containers.roundTrips()).isEqualTo(venv.roundTrips());
        assertThat(containers.count("docker image inspect")).isEqualTo(1);
        assertThat(Json.line(s)).contains("\"image\":{\"repository\":\"" + REPO + "\",\"tag\":\"" + NEW + "\",\"digest\":\"" + D_NEW
                + "\",\"size_bytes\":242123456,\"on_host\":true}");
    }

    @Test
    void releasesShowEachImageWithOneEngineQuery() throws Exception {
        // given
        FakeHost containers = host();
        FakeHost venv = host();

        // when
        List<Operations.ReleaseRow> rows = ops(env(true), containers).releases();
        List<Operations.ReleaseRow> plain = ops(env(false), venv).releases();

        // then: newest first, each with the image its directory names; the removed one without
        assertThat(rows).extracting(Operations.ReleaseRow::release).containsExactly(NEW, OLD, PRUNED, "20261020000000");
        assertThat(rows).extracting(Operations.ReleaseRow::image).containsExactly(
                new ReleaseImage(REPO, NEW, D_NEW, 242_123_456L, true),
                new ReleaseImage(REPO, OLD, D_OLD, 241_000_000L, true),
                new ReleaseImage(REPO, PRUNED, D_PRUNED, null, false),
                null);
        assertThat(rows).extracting(Operations.ReleaseRow::present).containsExactly(true, true, true, false);
        assertThat(plain).extracting(Operations.ReleaseRow::image).containsOnlyNulls();
        assertThat(plain).extracting(Operations.ReleaseRow::present).containsExactly(true, true, true, false);
        assertThat(containers.roundTrips()).isEqualTo(venv.roundTrips());
        assertThat(containers.count("docker image inspect")).isEqualTo(1);
    }
}
