package io.djdeploy.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * git.mode (docs/git.md) on two test hosts. Upload: the repository lives where no host can
 * see it (this machine's own /run: every host has a private /run), yet the deploy serves the
 * tag and records its commit. Host fetch: git.reachable stops the deploy in PREFLIGHT with
 * the exact fix, for an unknown git server host key and for a refused key, and nothing changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class GitModesIT {
    static final String ENV = "test";
    static final String WEB1 = TestHosts.address(1);
    static final String WEB2 = TestHosts.address(2);
    static TestHosts fleet;
    static Path hidden;

    @BeforeAll
    static void up(@TestHostsExtension.Hosts(2) TestHosts hosts) throws Exception {
        fleet = hosts;
        // a copy of the example repository only this machine sees
        hidden = Files.createTempDirectory(Path.of("/run"), "djdeploy-gitmodes-");
        Postgres.run("cp", "-a", fleet.dir.resolve("repo").toString(), hidden.resolve("repo").toString());
    }

    @AfterAll
    static void removeCopies() throws Exception {
        if (hidden == null) return;
        Postgres.run("rm", "-rf", hidden.toString());
        // the mirror upload mode kept of it in this machine's cache
        Path cache = Path.of(System.getProperty("user.home"), ".cache/djdeploy/git");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> s = Files.list(cache)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("repo-")).toList()) {
                    if (Files.readString(p.resolve("config")).contains(hidden.toString())) Postgres.run("rm", "-rf", p.toString());
                }
            }
        }
    }

    @Test
    @Order(1)
    void uploadModeDeploysFromThisMachineToHostsThatCannotReadTheRepository() throws Exception {
        // given: the repository is at a path no host has
        String repo = hidden.resolve("repo").toString();
        assertThat(fleet.onHost(WEB1, "test -e " + repo + " && echo visible || echo hidden")).contains("hidden");
        Path config = upload("upload.yml");

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "v2");

        // then: both hosts serve v2, built from the commit v2 names, without a mirror of their own
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("code built on this machine", "one stream per host");
        String sha = Postgres.run("git", "-C", repo, "rev-parse", "v2^{commit}").strip();
        for (String h : List.of(WEB1, WEB2)) {
            assertThat(fleet.get(h, "/").body()).contains("Hello from v2");
            String id = fleet.current(h);
            Path rel = fleet.host(h).resolve("srv/demo/releases/" + id);
            assertThat(Files.readString(rel.resolve("REVISION"))).contains(sha);
            assertThat(rel.resolve("manage.py")).exists();
            // code as git archive wrote it: not group-writable (tar.umask=022), no leftover archive
            assertThat(Files.getPosixFilePermissions(rel.resolve("manage.py")).toString()).doesNotContain("GROUP_WRITE");
            assertThat(fleet.host(h).resolve("srv/demo/repo")).doesNotExist();
            assertThat(fleet.ledger(h).get(fleet.ledger(h).size() - 1).sha()).isEqualTo(sha);
        }
    }

    @Test
    @Order(2)
    void anUnknownRefFailsInUploadModeBeforeAnythingIsBuilt() throws Exception {
        // given
        String before = fleet.current(WEB1);
        List<String> releases = fleet.releaseDirs(WEB1);

        // when
        Site.Run run = fleet.djdeploy(upload("upload.yml"), "deploy", ENV, "--ref", "no-such-tag");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains("ref 'no-such-tag' does not resolve to a commit");
        assertThat(fleet.current(WEB1)).isEqualTo(before);
        assertThat(fleet.releaseDirs(WEB1)).isEqualTo(releases);
    }

    @Test
    @Order(3)
    void hostFetchFailsGitReachableWithTheExactFixAndChangesNothing() throws Exception {
        // given: the repository behind host 2's sshd, which no host's known_hosts knows yet
        String before = fleet.current(WEB1);
        List<String> releases = fleet.releaseDirs(WEB1);
        Path config = fleet.configWith("over-ssh.yml", "repo: " + fleet.dir.resolve("repo"),
                "repo: ssh://root@" + WEB2 + fleet.dir.resolve("repo"));

        // when
        Site.Run unknownKey = fleet.djdeploy(config, "deploy", ENV, "--ref", "v2");

        // then: PREFLIGHT stops it, naming the check, the cause and the fix
        assertThat(unknownKey.code()).as(unknownKey.output()).isEqualTo(6);
        assertThat(unknownKey.output()).contains("FAIL git.reachable", "Host key verification failed",
                "ssh-keyscan " + WEB2 + " >> /root/.ssh/known_hosts", "git.mode: upload");
        unchanged(before, releases);

        // given: the git server's host key is known now, but no host has a key it accepts
        for (String h : List.of(WEB1, WEB2)) {
            fleet.onHost(h, "mkdir -p -m 700 /root/.ssh && grep -F " + WEB2 + " " + fleet.dir.resolve("known_hosts")
                    + " >> /root/.ssh/known_hosts");
        }

        // when
        Site.Run refused = fleet.djdeploy(config, "deploy", ENV, "--ref", "v2");

        // then
        assertThat(refused.code()).as(refused.output()).isEqualTo(6);
        assertThat(refused.output()).contains("FAIL git.reachable", "Permission denied (publickey)", "add a deploy key",
                "ssh.forward_agent: true").doesNotContain("Host key verification failed");
        unchanged(before, releases);
    }

    private static void unchanged(String before, List<String> releases) throws IOException {
        for (String h : List.of(WEB1, WEB2)) {
            assertThat(fleet.host(h).resolve("srv/demo/repo")).as("no mirror on " + h).doesNotExist();
        }
        assertThat(fleet.current(WEB1)).isEqualTo(before);
        assertThat(fleet.releaseDirs(WEB1)).isEqualTo(releases);
    }

    private static Path upload(String name) throws IOException {
        return fleet.configWith(name, "repo: " + fleet.dir.resolve("repo"), "repo: " + hidden.resolve("repo") + "\ngit:\n  mode: upload");
    }
}
