package io.djdeploy.pipeline;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** git.reachable's diagnosis from git's own words, the git server's name, and joining git archives (upload mode). */
class GitStepsTest {
    static final String URL = "git@git.example.com:team/shop.git";

    @Test
    void anUnknownHostKeyAsksForTheServersKeyInKnownHosts() {
        // when
        String[] why = GitSteps.diagnose(128, "Host key verification failed.\nfatal: Could not read from remote repository.\n", URL, "deploy", 15);

        // then
        assertThat(why[0]).contains("does not know the SSH host key of git.example.com");
        assertThat(why[1]).startsWith("on the host, as deploy: ssh-keyscan git.example.com >> ~deploy/.ssh/known_hosts")
                .contains("git.mode: upload").doesNotContain("deploy key");
    }

    @Test
    void aRefusedKeyAsksForADeployKeyOrAgentForwarding() {
        // when
        String[] why = GitSteps.diagnose(128, "git@git.example.com: Permission denied (publickey).\r\nfatal: Could not read from remote repository.",
                URL, "root", 15);

        // then
        assertThat(why[0]).contains("refused this host's key");
        assertThat(why[1]).contains("add a deploy key", "ssh-keygen -t ed25519 -N '' -f /root/.ssh/id_ed25519",
                "ssh.forward_agent: true", "git.mode: upload").doesNotContain("ssh-keyscan");
    }

    @Test
    void aTimeoutOrAnUnknownNameOrMissingCredentialsSayWhich() {
        assertThat(GitSteps.diagnose(124, "", URL, null, 15)[0]).isEqualTo("no answer from git.example.com within 15s");
        assertThat(GitSteps.diagnose(128, "ssh: Could not resolve hostname git.example.com: Name or service not known", URL, null, 15)[0])
                .contains("cannot resolve git.example.com");
        assertThat(GitSteps.diagnose(128, "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
                "https://git.example.com/team/shop.git", null, 15)[1]).contains("https://user:TOKEN@");
        assertThat(GitSteps.diagnose(128, "fatal: '/srv/git/x' does not appear to be a git repository", "/srv/git/x", null, 15)[0])
                .contains("cannot read /srv/git/x", "does not appear to be a git repository");
    }

    @Test
    void theServerIsNamedForEveryUrlShape() {
        assertThat(GitSteps.server("git@github.com:org/repo.git")).isEqualTo("github.com");
        assertThat(GitSteps.server("ssh://git@git.example.com:2222/org/repo.git")).isEqualTo("git.example.com");
        assertThat(GitSteps.server("https://user@git.example.com/org/repo.git")).isEqualTo("git.example.com");
        assertThat(GitSteps.server("/srv/git/repo.git")).isEqualTo("/srv/git/repo.git");
    }

    @Test
    void joiningArchivesDropsEveryEndMarkerButTheLast() {
        // given: a tar with one 5-byte file (header, one data block, then the two zero blocks of the end marker)
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] header = new byte[512];
        byte[] name = "a.txt".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, header, 0, name.length);
        byte[] size = "00000000005\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        tar.writeBytes(header);
        tar.writeBytes(new byte[512]);
        tar.writeBytes(new byte[1024]);

        // when / then
        assertThat(TarEntries.end(tar.toByteArray())).isEqualTo(1024);
        assertThat(TarEntries.end(new byte[1024])).isZero();
    }
}
