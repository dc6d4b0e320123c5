package io.djdeploy.web;

import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The archive of old static files, with the real cp and find on a temp deploy_to. */
class StaticArchiveTest {
    static final String R1 = "20261201000001";
    static final String R2 = "20261201000002";
    final LocalTransport local = new LocalTransport("local");

    void run(Command c) throws Exception {
        assertThat(local.run(c).exitCode()).as(c.script()).isZero();
    }

    static Path release(Path deployTo, String id, String... files) throws Exception {
        Path dir = deployTo.resolve("releases/" + id + "/staticfiles/notes");
        Files.createDirectories(dir);
        for (String f : files) Files.writeString(dir.resolve(f), f + " of " + id);
        return dir;
    }

    @Test
    void oldHashedFilesStayInTheArchiveAsHardLinksUntilNoKeptReleaseHasThem(@TempDir Path deployTo) throws Exception {
        // given: release 1 is live; release 2 changed site.css (new hashed name)
        ReleaseLayout l = new ReleaseLayout(deployTo.toString());
        release(deployTo, R1, "site.aaa.css", "logo.bbb.png");
        Files.createSymbolicLink(deployTo.resolve("current"), Path.of("releases/" + R1));
        release(deployTo, R2, "site.ccc.css", "logo.bbb.png");
        Path archive = deployTo.resolve("shared/static-archive/notes");

        // when: PREPARE of release 2
        run(StaticArchive.linkCommand(l, R2, "staticfiles"));

        // then: the live release's files (never archived before) and the new ones, as links, not copies
        assertThat(archive.resolve("site.aaa.css")).hasContent("site.aaa.css of " + R1);
        assertThat(archive.resolve("site.ccc.css")).hasContent("site.ccc.css of " + R2);
        assertThat(archive.resolve("logo.bbb.png")).hasContent("logo.bbb.png of " + R2);
        assertThat(Files.getAttribute(archive.resolve("site.ccc.css"), "unix:nlink")).isEqualTo(2);

        // when: nothing was pruned
        run(StaticArchive.pruneCommand(l));

        // then: every file is still some kept release's
        assertThat(archive.resolve("site.aaa.css")).exists();

        // when: release 1 is removed with the old releases, then FINALIZE prunes
        run(Command.of("rm", "-rf", deployTo.resolve("releases/" + R1).toString()));
        run(StaticArchive.pruneCommand(l));

        // then: only release 1's old file goes
        assertThat(archive.resolve("site.aaa.css")).doesNotExist();
        assertThat(archive.resolve("site.ccc.css")).exists();
        assertThat(archive.resolve("logo.bbb.png")).exists();
    }

    @Test
    void pruningWithoutAnArchiveDoesNothing(@TempDir Path deployTo) throws Exception {
        run(StaticArchive.pruneCommand(new ReleaseLayout(deployTo.toString())));
        assertThat(deployTo.resolve("shared")).doesNotExist();
    }
}
