package io.djdeploy.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

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
    void mediaUnderTheSharedLinkPasses() throws Exception {
        Site.Run run = hosts.djdeploy(config, "deploy", ENV, "--ref", "v2");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("ok +shared\\.media");
    }
}
