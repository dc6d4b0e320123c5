package io.djdeploy.pipeline;

import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The fetch step's mirror command against real git and a real directory: it never deletes what it did not create. */
class MirrorCommandTest {
    @TempDir
    Path dir;
    Path origin;
    ReleaseLayout layout;
    final LocalTransport local = new LocalTransport("web1");

    @BeforeEach
    void originRepository() throws Exception {
        origin = dir.resolve("origin");
        Files.createDirectories(origin);
        sh("cd " + origin + " && git init -q && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m one && git tag v1");
        layout = new ReleaseLayout(dir.resolve("srv app").toString());
        Files.createDirectories(Path.of(layout.deployTo()));
    }

    CommandResult sh(String script) throws Exception {
        CommandResult r = local.run(Command.sh(script));
        return r;
    }

    CommandResult mirror() throws Exception {
        return local.run(CoreSteps.mirrorCommand(layout, origin.toString()));
    }

    @Test
    void aFirstDeployClonesTheMirrorAndTheNextOneFetches() throws Exception {
        assertThat(mirror().ok()).isTrue();
        assertThat(Path.of(layout.repo(), "HEAD")).isRegularFile();

        sh("cd " + origin + " && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m two && git tag v2");
        assertThat(mirror().ok()).isTrue();
        assertThat(sh("git -C '" + layout.repo() + "' rev-parse --verify -q v2").ok()).isTrue();
    }

    @Test
    void anEmptyRepoDirectoryIsUsedForTheMirror() throws Exception {
        Files.createDirectories(Path.of(layout.repo()));
        assertThat(mirror().ok()).isTrue();
        assertThat(Path.of(layout.repo(), "HEAD")).isRegularFile();
    }

    @Test
    void aRepoThatIsNotDjdeploysMirrorIsRefusedAndKept() throws Exception {
        // given someone's working checkout where the mirror would go, with uncommitted work
        Path repo = Path.of(layout.repo());
        sh("git clone -q " + origin + " '" + repo + "'");
        Files.writeString(repo.resolve("uncommitted.py"), "work in progress\n");

        // when
        CommandResult r = mirror();

        // then nothing is deleted, and the error says where and what to do
        assertThat(repo.resolve("uncommitted.py")).hasContent("work in progress");
        assertThat(r.exitCode()).isEqualTo(CoreSteps.NOT_A_MIRROR);
        assertThat(String.join("\n", r.tail())).contains(layout.repo(), "not djdeploy's bare git mirror", "mv ");
        assertThat(CoreSteps.notAMirror("web1", layout.repo())).contains("web1", layout.repo(), "move it away");
    }

    @Test
    void aFileWhereTheMirrorGoesIsRefusedAndKept() throws Exception {
        Files.writeString(Path.of(layout.repo()), "notes\n");
        assertThat(mirror().exitCode()).isEqualTo(CoreSteps.NOT_A_MIRROR);
        assertThat(Path.of(layout.repo())).hasContent("notes");
    }
}
