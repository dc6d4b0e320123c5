package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM (what Ctrl-C and a cancelled CI job send) in the middle of PREPARE, against the real jar. */
@ExtendWith(TestHostsExtension.class)
class InterruptIT {
    @Test
    void sigtermDuringPrepareReleasesTheLockAndLeavesThePreviousReleaseServing(Site site) throws Exception {
        // given: v1 is live; a changed interpreter path forces a fresh (slow) venv for the next release
        String v1 = liveWithSlowNextPrepare(site);

        // when: the deploy is terminated while it builds the venv (SIGTERM, as a cancelled CI job sends)
        Process p = deployAndSignalInVenv(site, "TERM");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(site.current()).isEqualTo(v1);
        assertThat(site.get("/").body()).contains("Hello from v1");
        assertThat(site.locked()).as("lock released").isFalse();
        assertThat(site.releaseDirs()).as("partial release removed").containsExactly(v1);
        LedgerEntry last = site.ledger().get(site.ledger().size() - 1);
        assertThat(last.outcome()).isEqualTo("interrupted");
        assertThat(last.ref()).isEqualTo("v2");

        // and the next deploy goes through
        Site.Run next = site.deploy("v2");
        assertThat(next.code()).as(next.output()).isZero();
        assertThat(site.get("/").body()).contains("Hello from v2");
    }

    @Test
    void sigkillDuringPrepareLeavesAStaleLockAndNoTargetThenTheNextDeployCleansUp(Site site) throws Exception {
        // given: v1 live; a fresh venv makes PREPARE slow enough to be killed in
        String v1 = liveWithSlowNextPrepare(site);

        // when: SIGKILL (no shutdown hook can run) while the venv is built
        Process p = deployAndSignalInVenv(site, "KILL");
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // then: the site still serves v1; the half-made release is no rollback target; the lock is reported stale
        assertThat(site.current()).isEqualTo(v1);
        assertThat(site.get("/healthz/").headers().firstValue("X-Release")).contains(v1);
        List<String> dirs = site.releaseDirs();
        assertThat(dirs).hasSize(2);
        String partial = dirs.get(1);
        assertThat(site.site.deployTo().resolve("releases/" + partial + "/REVISION")).doesNotExist();
        Site.Run refused = site.deploy("v2");
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.output()).contains("STALE", "is gone");
        assertThat(site.djdeploy("rollback", LocalSite.ENVIRONMENT, "--to", partial).code()).isEqualTo(4);

        // when: the lock is removed knowingly and the next deploy runs
        assertThat(site.djdeploy("unlock", LocalSite.ENVIRONMENT, "--force").code()).isZero();
        Site.Run next = site.deploy("v2");

        // then: it goes through and removes the leftover
        assertThat(next.code()).as(next.output()).isZero();
        assertThat(next.output()).contains("removed the incomplete release " + partial);
        assertThat(site.releaseDirs()).doesNotContain(partial);
        assertThat(site.get("/").body()).contains("Hello from v2");
    }

    /** v1 live; a changed interpreter path makes the next release build a fresh (slow) venv. */
    static String liveWithSlowNextPrepare(Site site) throws Exception {
        assertThat(site.deploy("v1").code()).isZero();
        Path config = site.site.config();
        Files.writeString(config, Files.readString(config).replace("interpreter: /usr/bin/python3", "interpreter: /usr/bin/python3.11"));
        return site.current();
    }

    /**
     * Starts `deploy v2` with the real jar and sends SIGNAL once it is building the venv. The
     * returned process's output stream holds the rest of its output. (kill(1), because
     * Process.destroy would also close our end of the pipe.)
     */
    static Process deployAndSignalInVenv(Site site, String signal) throws Exception {
        Process p = new ProcessBuilder("java", "-jar", Site.home().resolve("target/djdeploy.jar").toString(),
                "deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "-v", "-c", site.site.config().toString())
                .redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.contains("venv ...")) {
                new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor();
                break;
            }
        }
        return p;
    }
}
