package io.djdeploy.it;

import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * report after real deploys of the example app, and the page rendered by a real browser
 * (Debian's chromium, headless): the text a reader sees and a screenshot.
 */
@ExtendWith(TestHostsExtension.class)
class ReportIT {
    static final String ENV = LocalSite.ENVIRONMENT;

    @TempDir
    Path dir;
    Site site;

    @BeforeEach
    void start(Site site) {
        this.site = site;
    }

    @Test
    void reportOfRealDeploysRendersInHeadlessChromium() throws Exception {
        // given: v1, then v2 (which migrates), then a release that fails before the switch
        Path chromium = chromium();
        assertThat(site.deploy("v1").code()).isZero();
        String v1 = site.current();
        Site.Run second = site.deploy("v2");
        assertThat(second.code()).as(second.output()).isZero();
        String v2 = site.current();
        assertThat(site.deploy("broken").code()).isEqualTo(6);

        // when: the newest run, and v2's to a file
        Site.Run newest = site.djdeploy("report", ENV);
        Path page = dir.resolve("report-v2.html");
        Site.Run toFile = site.djdeploy("report", ENV, v2, "-o", page.toString());

        // then: the failed deploy is the newest, with its failed step highlighted
        assertThat(newest.code()).as(newest.output()).isZero();
        assertThat(newest.output()).contains("<span class=\"badge bad\">failed</span>", "class=\"step ph-prepare failed\"",
                "<span class=\"badge bad\">failed</span></td><td>").doesNotContain("release <span class=\"mono\">" + v2);
        assertThat(toFile.code()).as(toFile.output()).isZero();
        assertThat(toFile.output()).contains("report of deploy " + v2 + " (1 host) written to " + page);
        String html = Files.readString(page);
        assertThat(html).contains(v2, v1, "notes.0002_note_body", "<span class=\"badge good\">safe</span>", "ref</dt><dd>v2</dd>",
                "class=\"step ph-migrate\"", "<span class=\"badge good\">healthy</span>");
        assertThat(html).doesNotContain("http://", "https://", "<script", "<link", "url(", site.secretKey());

        // and chromium renders it: the text a reader sees
        String dom = runChromium(chromium, "--dump-dom", page);
        assertThat(dom).contains("deploy of release", v2, "localhost", "connect", "prepare", "gate", "migrate", "switch", "finalize",
                "collectstatic", "notes.0002_note_body", "healthy", "success", "Migration plan", "Timeline");
        // a screenshot with something on it
        Path png = dir.resolve("report-v2.png");
        runChromium(chromium, "--screenshot=" + png, page);
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("screenshot size").isGreaterThan(20_000);
        assertThat(java.util.Arrays.copyOf(bytes, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(1600);
        assertThat(colours(image)).as("distinct colours in the screenshot (phases, badges, text)").isGreaterThan(50);
    }

    @Test
    void unknownReleaseIsOneLineAndExitNine() {
        // given
        assertThat(site.deploy("v1").code()).isZero();

        // when
        Site.Run run = site.djdeploy("report", ENV, "20000101000000");

        // then
        assertThat(run.code()).isEqualTo(9);
        assertThat(run.output().strip()).startsWith("djdeploy: error: release 20000101000000 is not in the ledger of localhost")
                .doesNotContain("\n");
    }

    /** Debian's chromium; the test fails, never skips, without it. */
    static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) return Path.of(candidate);
        }
        return fail("chromium is not installed: ReportIT renders the report in headless chromium. "
                + "Run scripts/test as root (it installs it) or: apt-get install -y chromium");
    }

    /** Headless chromium on a file:// URL; returns what it printed on stdout (the DOM for --dump-dom). */
    private String runChromium(Path chromium, String mode, Path page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> argv = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,1600", "--hide-scrollbars", mode,
                page.toUri().toString()));
        Path stdout = dir.resolve("chromium.out");
        Path stderr = dir.resolve("chromium.err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("HOME", profile.toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 120 s: " + String.join(" ", argv) + "\n" + Files.readString(stderr));
        }
        assertThat(p.exitValue()).as("chromium exit code; stderr:\n" + Files.readString(stderr)).isZero();
        return Files.readString(stdout);
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) seen.add(image.getRGB(x, y));
        }
        return seen.size();
    }
}
