package io.djdeploy.cli;

import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An exec line in the ledger records who ran what; it is not a release, so releases and status leave it out. */
class ExecLedgerTest {
    @TempDir
    Path dir;

    static LedgerEntry entry(String event, String outcome, String release, String finished, String note) {
        return new LedgerEntry(event, outcome, release, null, "v1", event.equals("deploy") ? "0123456789abcdef" : null, "ann", "laptop", "web1",
                finished, finished, 1000L, null, null, note, null, null, null);
    }

    String run(String... args) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        Main.execute(args, w, w);
        return buf.toString();
    }

    @Test
    void releasesAndStatusShowTheDeployNotTheExecThatCameAfterIt() throws Exception {
        // given: a deploy of release A, then someone's failed exec in it
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("srv").toString());
        Path cfg = LocalConfigs.oneHost(dir, layout.deployTo());
        Files.createDirectories(Path.of(layout.ledger()).getParent());
        Files.writeString(Path.of(layout.ledger()), Json.line(entry("deploy", "success", "20261201050000", "2026-12-01T05:00:10Z", null)) + "\n"
                + Json.line(entry("exec", "failed", "20261201050000", "2026-12-01T06:00:00Z", "python manage.py shell")) + "\n");

        // when
        String releases = run("releases", "production", "-c", cfg.toString(), "--color", "never");
        String status = run("status", "production", "-c", cfg.toString(), "--color", "never");

        // then
        assertThat(releases).contains("20261201050000").contains("deploy").doesNotContain("exec").doesNotContain("failed");
        assertThat(releases.lines().filter(l -> l.contains("20261201050000")).count()).isEqualTo(1);
        assertThat(status).contains("last:     deploy success at 2026-12-01T05:00:10Z (release 20261201050000)").doesNotContain("exec");
    }
}
