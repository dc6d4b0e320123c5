package io.djdeploy.cli;

import io.djdeploy.release.Json;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.step.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** lock, unlock and status against a local host: who may remove a lock, and how a hold is shown. */
class LockCommandsTest {
    record Run(int code, String out) {}

    @TempDir
    Path dir;
    Path cfg;
    ReleaseLayout layout;
    Process running;
    final Identity me = Identity.current(System.getenv());

    @BeforeEach
    void localHost() throws Exception {
        layout = new ReleaseLayout(dir.resolve("srv").toString());
        cfg = LocalConfigs.oneHost(dir, layout.deployTo());
    }

    @AfterEach
    void stop() {
        if (running != null) running.destroy();
    }

    Run run(String... args) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-c", cfg.toString()))
                .toArray(String[]::new);
        int code = Main.execute(all, w, w);
        return new Run(code, buf.toString());
    }

    void lockedBy(String command, long pid) throws Exception {
        Files.createDirectories(Path.of(layout.lock()));
        LockInfo info = new LockInfo(me.user(), me.origin(), pid, "v1", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                command, "run-1");
        Files.writeString(Path.of(layout.lockInfo()), Json.line(info) + "\n");
    }

    long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void plainUnlockLeavesTheLockOfMyOwnDeployThatIsStillRunning() throws Exception {
        // given my own deploy, still running on this machine (same user and origin: another terminal)
        running = new ProcessBuilder("sleep", "60").start();
        lockedBy("deploy", running.pid());

        // when
        Run r = run("unlock", "production");

        // then it is refused, naming the running process; the lock stays
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.LOCKED.code);
        assertThat(r.out()).contains("running", "pid " + running.pid(), "--force");
        assertThat(Path.of(layout.lockInfo())).exists();
    }

    @Test
    void plainUnlockRemovesMyOwnLockWhenItsProcessIsGone() throws Exception {
        lockedBy("deploy", deadPid());

        Run r = run("unlock", "production");

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Path.of(layout.lock())).doesNotExist();
    }

    @Test
    void aMaintenanceHoldIsShownAsAHoldNeverAsStale() throws Exception {
        // given `djdeploy lock` ran and exited: its pid is gone, the hold stays
        lockedBy("lock", deadPid());

        // when
        Run status = run("status", "production");
        Run deploy = run("deploy", "production", "--ref", "v1");

        // then
        assertThat(status.out()).contains("held for maintenance by " + me.user() + "@" + me.origin()).doesNotContainIgnoringCase("stale");
        assertThat(deploy.code()).as(deploy.out()).isEqualTo(ExitCode.LOCKED.code);
        assertThat(deploy.out()).contains("held for maintenance by " + me.user()).doesNotContainIgnoringCase("stale");

        // and its owner ends it with a plain unlock
        assertThat(run("unlock", "production").code()).isZero();
        assertThat(Path.of(layout.lock())).doesNotExist();
    }
}
