package io.djdeploy.cli;

import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.release.Revision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * status and releases of a runtime: container environment on a local host: the image each
 * release directory names. No Docker Engine answers in the tests, so sizes say the engine lacks it.
 */
class ContainerViewsCommandTest {
    record Run(int code, String out) {}

    static final String OLD = "20261115000000";
    static final String NEW = "20261201100000";
    static final String D_NEW = "sha256:" + "1".repeat(64);
    static final String D_OLD = "sha256:" + "2".repeat(64);

    @TempDir
    Path dir;
    Path cfg;
    ReleaseLayout layout;

    @BeforeEach
    void containerHost() throws Exception {
        layout = new ReleaseLayout(dir.resolve("srv").toString());
        cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                runtime: container
                image:
                  registry: 127.0.0.1:5080
                web:
                  strategy: blue-green
                  start: docker start shop-web-{color}
                  stop: docker stop shop-web-{color}
                health:
                  url: http://127.0.0.1/healthz/
                environments:
                  production:
                    deploy_to: %s
                    hosts: [{host: worker1, roles: [worker, migrate], transport: local}]
                """.formatted(layout.deployTo()));
        release(OLD, "v2", D_OLD);
        release(NEW, "v3", D_NEW);
        Files.createSymbolicLink(Path.of(layout.current()), Path.of("releases/" + NEW));
        Files.createDirectories(Path.of(layout.meta()));
        StringBuilder ledger = new StringBuilder();
        for (String id : new String[] {OLD, NEW}) {
            ledger.append(Json.line(new LedgerEntry("deploy", "success", id, null, "v", "f00d", "ci", "laptop", "worker1",
                    "2026-12-01T10:00:00Z", "2026-12-01T10:01:00Z", 60000L, null, null, null, null, null, null))).append('\n');
        }
        Files.writeString(Path.of(layout.ledger()), ledger.toString());
    }

    void release(String id, String ref, String digest) throws Exception {
        Path rel = Files.createDirectories(Path.of(layout.release(id)));
        Files.writeString(rel.resolve("REVISION"), new Revision(id, ref, "f00dfeed", "ci", "2026-12-01T10:00:00Z").render());
        Files.writeString(rel.resolve("IMAGE"), "127.0.0.1:5080/shop@" + digest + "\n");
    }

    Run run(String... args) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-c", cfg.toString()))
                .toArray(String[]::new);
        return new Run(Main.execute(all, w, w), buf.toString());
    }

    @Test
    void statusShowsTheCurrentImage() {
        Run r = run("status", "production", "--color", "never");

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("  current:  " + NEW + "  ref v3",
                "  image:    127.0.0.1:5080/shop:" + NEW + "  " + D_NEW + "  not in the host's engine");
    }

    @Test
    void statusJsonHasTheImageObject() {
        Run r = run("status", "production", "--format", "json");

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("\"image\":{\"repository\":\"127.0.0.1:5080/shop\",\"tag\":\"" + NEW + "\",\"digest\":\"" + D_NEW
                + "\",\"on_host\":false}");
        assertThat(io.djdeploy.EventSchema.problemsInOutput(r.out())).isEmpty();
    }

    @Test
    void releasesListDigestAndSize() {
        Run r = run("releases", "production", "--color", "never");

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).endsWith("ON DISK DIGEST               SIZE");
        assertThat(r.out()).contains(NEW + "  ", "yes     sha256:111111111111  not on host", "yes     sha256:222222222222  not on host");
    }

    @Test
    void releasesJsonRowsCarryTheirImage() {
        Run r = run("releases", "production", "--format", "json");

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out().lines()).hasSize(2);
        assertThat(r.out()).contains("\"tag\":\"" + OLD + "\",\"digest\":\"" + D_OLD + "\"");
        assertThat(io.djdeploy.EventSchema.problemsInOutput(r.out())).isEmpty();
    }
}
