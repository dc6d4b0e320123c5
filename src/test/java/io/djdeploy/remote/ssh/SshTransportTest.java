package io.djdeploy.remote.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The parts of the SSH transport that need no server. */
class SshTransportTest {

    @Test
    void theScriptRunsUnderShWithAMarkerWhateverTheLoginShell() {
        assertThat(SshChannels.remoteCommand("echo 'hi' && exit 3", "r1"))
                .isEqualTo("exec env LC_ALL=C.UTF-8 DJDEPLOY_RUN=r1 /bin/sh -c 'echo '\\''hi'\\'' && exit 3'");
    }

    @Test
    void aSignalBecomes128PlusItsNumber() {
        assertThat(128 + SshChannels.signalNumber("KILL")).isEqualTo(137);
        assertThat(128 + SshChannels.signalNumber("TERM")).isEqualTo(143);
        assertThat(SshChannels.signalNumber("SIGINT")).isEqualTo(2);
    }

    @Test
    void knownKeyTypesArePreferredInKeyExchange() {
        // given: known_hosts lists only an rsa key for the host
        // when
        var names = NamedResource.getNameList(SshConnect.signatures(Set.of("ssh-rsa")));

        // then: rsa first, the rest in OpenSSH's order, no certificates
        assertThat(names).startsWith("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
        assertThat(names).contains("ecdsa-sha2-nistp256").noneMatch(n -> n.contains("cert"));
        assertThat(NamedResource.getNameList(SshConnect.signatures(Set.of())).get(0))
                .isEqualTo(BuiltinSignatures.ed25519.isSupported() ? "ssh-ed25519" : "ecdsa-sha2-nistp256");
    }

    @Test
    void failuresAreSaidInAFewWords() {
        assertThat(SshConnect.describe(new RuntimeException("x", new ConnectException("Connection refused")))).isEqualTo("connection refused");
        assertThat(SshConnect.human(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(SshConnect.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void optionsFillInDefaults() {
        SshOptions o = new SshOptions(null, null, false, null, null, null, null, Path.of("/home/u/.ssh"), 0, false);
        assertThat(o.connectTimeout()).isEqualTo(SshOptions.DEFAULT_CONNECT_TIMEOUT);
        assertThat(o.keepaliveInterval()).isEqualTo(SshOptions.DEFAULT_KEEPALIVE);
        assertThat(o.env()).isEqualTo(Map.of());
        assertThat(o.maxChannels()).isEqualTo(10);
        assertThat(o.resolvedKnownHosts()).isEqualTo(Path.of("/home/u/.ssh/known_hosts"));
        assertThat(o.resolvedSshConfig()).isEqualTo(Path.of("/home/u/.ssh/config"));
        assertThat(SshOptions.defaults().withAcceptNewHostKeys(true).acceptNewHostKeys()).isTrue();
    }

    @Test
    void aTargetNeedsAHost() {
        assertThatThrownBy(() -> new SshTarget(" ", null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SshTarget("h", null, 70000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SshTarget("h", "", 0).user()).isNull();
    }

    /** MINA's own ProxyJump parsing, with the resolver the transport installs. */
    static final class Hops extends SshClient {
        List<HostConfigEntry> parse(String proxyJump) throws IOException {
            return parseProxyJumps(proxyJump, null);
        }
    }

    @Test
    void aProxyJumpHopWithoutAPortGoesToTheConfiguredPortOr22(@TempDir Path dir) throws Exception {
        // given one hop that ~/.ssh/config names and one it does not
        Path config = dir.resolve("config");
        Files.writeString(config, "Host bastion\n  HostName 10.0.0.9\n  Port 2200\n");
        Hops client = new Hops();
        client.setHostConfigEntryResolver(SshConnect.resolver(config));

        // when
        List<HostConfigEntry> hops = client.parse("deploy@jump.example.com,bastion,ops@other:2222");

        // then (the first was "Invalid port: -1")
        assertThat(hops).extracting(HostConfigEntry::getHostName, HostConfigEntry::getPort, HostConfigEntry::getUsername)
                .containsExactly(tuple("jump.example.com", 22, "deploy"), tuple("10.0.0.9", 2200, System.getProperty("user.name")),
                        tuple("other", 2222, "ops"));

        // and without any ssh config at all
        client.setHostConfigEntryResolver(SshConnect.resolver(dir.resolve("absent")));
        assertThat(client.parse("deploy@jump.example.com").get(0).getPort()).isEqualTo(22);
    }
}
