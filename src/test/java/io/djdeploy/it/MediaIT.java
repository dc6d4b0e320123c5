package io.djdeploy.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.djdeploy.release.LedgerEntry;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads, old assets and the maintenance page on one real test host (sshd, supervisor,
 * gunicorn, nginx), one fleet for the whole class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class MediaIT {
    static final String ENV = "test";
    static TestHosts hosts;
    static String web;
    static Path config;
    static String assetN;

    @BeforeAll
    static void up(TestHosts testHosts) {
        hosts = testHosts;
        web = hosts.addresses.get(0);
        config = hosts.config();
    }

    @Test
    @Order(1)
    void aReleaseWhoseUploadsWouldLandInsideItFailsSharedMediaAndChangesNothing() throws Exception {
        // when: the example tag whose MEDIA_ROOT is BASE_DIR / "uploads" (no shared/ link)
        Site.Run run = hosts.djdeploy(config, "deploy", ENV, "--ref", "uploads");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).containsPattern("FAIL shared\\.media .*MEDIA_ROOT = /srv/demo/releases/\\d{14}/uploads")
                .contains("fix: point the setting at a directory under /srv/demo/shared", "shared.dirs");
        assertThat(hosts.current(web)).isNull();
        assertThat(hosts.releaseDirs(web)).isEmpty();
    }

    @Test
    @Order(2)
    void mediaUnderTheSharedLinkPassesAndHashedAssetsAreServed() throws Exception {
        Site.Run run = hosts.djdeploy(config, "deploy", ENV, "--ref", "assets");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("ok +shared\\.media");
        assetN = hashed("notes/site.css");
        assertThat(assetN).matches("notes/site\\.[0-9a-f]{12}\\.css");
        assertThat(hosts.get(web, "/static/" + assetN).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void maintenanceOnAnswers503WithThePageButTheHealthUrlAndOffEndsItWithoutAReload() throws Exception {
        String nginxPid = hosts.onHost(web, "cat /run/nginx.pid").strip();

        // when
        Site.Run on = hosts.djdeploy(config, "maintenance", "on", ENV, "--message", "Back at 5 <b>soon</b>");

        // then
        assertThat(on.code()).as(on.output()).isZero();
        HttpResponse<String> page = hosts.get(web, "/");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Retry-After")).hasValue("120");
        assertThat(page.body()).contains("Down for maintenance", "Back at 5 &lt;b&gt;soon&lt;/b&gt;");
        assertThat(hosts.get(web, "/static/" + assetN).statusCode()).isEqualTo(503);
        assertThat(hosts.get(web, "/healthz/").statusCode()).isEqualTo(200);
        assertThat(hosts.djdeploy(config, "status", ENV).output()).contains("maintenance: ON");
        assertThat(last()).isEqualTo("maintenance on Back at 5 <b>soon</b>");

        // when
        Site.Run off = hosts.djdeploy(config, "maintenance", "off", ENV);

        // then
        assertThat(off.code()).as(off.output()).isZero();
        assertThat(hosts.get(web, "/").statusCode()).isEqualTo(200);
        assertThat(hosts.djdeploy(config, "status", ENV).output()).doesNotContain("maintenance: ON");
        assertThat(last()).isEqualTo("maintenance off null");
        assertThat(hosts.onHost(web, "cat /run/nginx.pid").strip()).as("no nginx restart").isEqualTo(nginxPid);
    }

    @Test
    @Order(4)
    void deployMaintenanceAndTheOldReleasesHashedAssetStillAnswersAfterTheSwitch() throws Exception {
        // when: the next release changed site.css, so its hashed name changed
        Site.Run run = hosts.djdeploy(config, "deploy", ENV, "--ref", "assets2", "--maintenance");

        // then: maintenance on right before MIGRATE, off after the switch
        assertThat(run.code()).as(run.output()).isZero();
        String release = hosts.current(web);
        List<String> lines = hosts.ledger(web).stream().map(e -> e.event() + " " + e.outcome() + " " + e.release()).toList();
        assertThat(lines.subList(lines.size() - 4, lines.size())).containsExactly("deploy started " + release,
                "maintenance on " + release, "maintenance off " + release, "deploy success " + release);
        assertThat(hosts.get(web, "/").statusCode()).isEqualTo(200);
        String assetN1 = hashed("notes/site.css");
        assertThat(assetN1).isNotEqualTo(assetN);
        assertThat(hosts.get(web, "/static/" + assetN1).statusCode()).isEqualTo(200);
        assertThat(hosts.get(web, "/static/" + assetN).statusCode()).as("release N's asset after the switch").isEqualTo(200);
    }

    @Test
    @Order(5)
    void theOldAssetGoesWithTheLastReleaseThatHadIt() throws Exception {
        // when: one more release with keep_releases 2: release N (only it had assetN) is removed
        Path keep2 = hosts.configWith("keep2.yml", "ref: v1\n", "ref: v1\nkeep_releases: 2\n");
        Site.Run run = hosts.djdeploy(keep2, "deploy", ENV, "--ref", "v2");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(hosts.releaseDirs(web)).hasSize(2);
        assertThat(hosts.get(web, "/static/" + assetN).statusCode()).isEqualTo(404);
        assertThat(hosts.host(web).resolve("srv/demo/shared/static-archive/" + assetN)).doesNotExist();
    }

    /** The hashed name of a static file in the live release's staticfiles.json. */
    static String hashed(String name) throws Exception {
        Path manifest = hosts.host(web).resolve("srv/demo/current/staticfiles/staticfiles.json");
        JsonNode paths = new ObjectMapper().readTree(Files.readString(manifest)).get("paths");
        return paths.get(name).asText();
    }

    /** The host's last ledger line as "event outcome note". */
    static String last() throws Exception {
        List<LedgerEntry> l = hosts.ledger(web);
        LedgerEntry e = l.get(l.size() - 1);
        return e.event() + " " + e.outcome() + " " + e.note();
    }
}
