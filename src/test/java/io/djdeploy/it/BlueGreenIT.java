package io.djdeploy.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blue-green strategy on a real test host (sshd, supervisor running the two color
 * programs, nginx proxying to /run/demo/web.sock), under a steady open-loop load through
 * nginx (bench/LoadGen.java): deploys, a rollback inside the standby window and a release
 * that cannot boot, with zero failed requests; after every step the live link, the color
 * links, `current` and what nginx serves agree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class BlueGreenIT {
    static final String ENV = "test";
    static Path dir;
    static TestHosts hosts;
    static String web;
    static Path config;
    static String v1;

    @BeforeAll
    static void up(TestHosts testHosts) throws Exception {
        hosts = testHosts;
        dir = hosts.dir;
        web = hosts.addresses.get(0);
        config = hosts.blueGreenConfig("bg.yml", "  standby: 5m\n  drain: 1s\n");
    }

    @Test
    @Order(1)
    void theFirstDeployStartsBlueAndPointsNginxAtIt() throws Exception {
        Site.Run run = hosts.djdeploy(config, "deploy", ENV, "--ref", "v1");
        assertThat(run.code()).as(run.output()).isZero();
        v1 = hosts.current(web);
        assertThat(consistent()).isEqualTo("blue");
        assertThat(hosts.link(web, "/srv/demo/green")).as("green was never pinned").isNull();
    }

    @Test
    @Order(2)
    void deployRollbackAndABrokenReleaseUnderLoadFailNoRequest() throws Exception {
        try (Load load = Load.start(dir, web, 25)) {
            // deploy v2: green boots, is checked on its own socket, web.sock swaps, blue stays in standby
            Site.Run v2run = hosts.djdeploy(config, "deploy", ENV, "--ref", "v2");
            assertThat(v2run.code()).as(v2run.output()).isZero();
            String v2 = hosts.current(web);
            assertThat(consistent()).isEqualTo("green");
            assertThat(hosts.link(web, "/srv/demo/blue")).isEqualTo("releases/" + v1);
            assertThat(v2run.output()).contains("blue stays up on release " + v1);
            assertThat(hosts.djdeploy(config, "status", ENV).output())
                    .contains("web:      blue-green: green live (release " + v2 + "), blue in standby (release " + v1 + ") until");
            assertThat(hosts.onHost(web, "supervisorctl -c /etc/demo/supervisord.conf status demo-web-blue || true")).contains("RUNNING");

            // rollback inside the standby window: no boot, just a check and a swap
            Site.Run back = hosts.djdeploy(config, "rollback", ENV);
            assertThat(back.code()).as(back.output()).isZero();
            assertThat(back.output()).contains("warm standby: blue already serves release " + v1 + " (no boot)");
            assertThat(hosts.current(web)).isEqualTo(v1);
            assertThat(consistent()).isEqualTo("blue");

            // a release that cannot boot: green fails on its own socket, nginx never sees it
            Site.Run broken = hosts.djdeploy(config, "deploy", ENV, "--ref", "noboot");
            assertThat(broken.code()).as(broken.output()).isEqualTo(6);
            assertThat(broken.output()).contains("nginx untouched, blue still serving", "noboot: this release cannot start",
                    "--- tail -n 30 /var/log/demo/web-green.log ---");
            Matcher m = Pattern.compile("on release (\\d{14}) failed").matcher(broken.output());
            assertThat(m.find()).as(broken.output()).isTrue();
            String brokenId = m.group(1);
            assertThat(hosts.current(web)).isEqualTo(v1);
            assertThat(consistent()).isEqualTo("blue");
            assertThat(hosts.onHost(web, "supervisorctl -c /etc/demo/supervisord.conf status demo-web-green || true"))
                    .doesNotContain("RUNNING");

            // and forward again: green boots on a fresh v2 release
            Site.Run again = hosts.djdeploy(config, "deploy", ENV, "--ref", "v2");
            assertThat(again.code()).as(again.output()).isZero();
            assertThat(consistent()).isEqualTo("green");
            Thread.sleep(1500);

            Load.Result result = load.finish();
            assertThat(result.summary()).as(result.summary()).contains("failed=0");
            assertThat(result.samples().size()).as("requests sent").isGreaterThan(200);
            assertThat(result.failed()).extracting(Load.Sample::line).as("failed requests (scheduled_ms,latency_ms,status,release)").isEmpty();
            assertThat(result.releases()).as("releases that answered").doesNotContain(brokenId).contains(v1, v2, hosts.current(web));
        }
    }

    @Test
    @Order(3)
    void withoutStandbyTheOldColorStopsAfterTheDrain() throws Exception {
        Path noStandby = hosts.blueGreenConfig("bg-nostandby.yml", "  standby: 0\n  drain: 1s\n");
        Site.Run run = hosts.djdeploy(noStandby, "deploy", ENV, "--ref", "v1");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("green stops in 1s (drain)");
        assertThat(consistent()).isEqualTo("blue");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String status = "";
        while (System.nanoTime() < end) {
            status = hosts.onHost(web, "supervisorctl -c /etc/demo/supervisord.conf status demo-web-green || true");
            if (!status.contains("RUNNING")) break;
            Thread.sleep(200);
        }
        assertThat(status).doesNotContain("RUNNING");
        assertThat(hosts.get(web, "/healthz/").headers().firstValue("X-Release")).hasValue(hosts.current(web));
    }

    /**
     * web.sock names the live color's socket, that color's link and `current` point at the
     * same release, and nginx serves it. Returns the live color.
     */
    static String consistent() throws IOException, InterruptedException {
        String live = hosts.link(web, "/run/demo/web.sock");
        assertThat(live).as("web.sock is a link to a color's socket").isIn("blue.sock", "green.sock");
        String color = live.replace(".sock", "");
        String current = hosts.current(web);
        assertThat(hosts.link(web, "/srv/demo/" + color)).as(color + " is pinned to current").isEqualTo("releases/" + current);
        assertThat(hosts.get(web, "/healthz/").headers().firstValue("X-Release")).as("nginx serves current").hasValue(current);
        return color;
    }
}
