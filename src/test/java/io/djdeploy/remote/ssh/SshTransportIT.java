package io.djdeploy.remote.ssh;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.TransportException;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSH transport against a real OpenSSH sshd started for this class. */
class SshTransportIT {
    @TempDir
    static Path root;
    static LocalSshd sshd;
    static Path keys;
    static Path knownHosts;
    static Path emptySshDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = LocalSshd.start(root.resolve("sshd"));
        keys = root.resolve("keys");
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            sshd.authorize(LocalSshd.keygen(keys.resolve("id_" + type), type, ""));
        }
        sshd.authorize(LocalSshd.keygen(keys.resolve("id_pem_rsa"), "rsa", "", "-m", "PEM"));
        sshd.authorize(LocalSshd.keygen(keys.resolve("id_protected"), "ecdsa", "correct horse"));
        sshd.authorize(LocalSshd.keygen(keys.resolve("agent_ecdsa"), "ecdsa", ""));
        sshd.authorize(LocalSshd.keygen(keys.resolve("agent_rsa"), "rsa", ""));
        sshd.authorize(LocalSshd.keygen(keys.resolve("agent_ed25519"), "ed25519", ""));
        LocalSshd.keygen(keys.resolve("not_authorized"), "ecdsa", "");
        // known_hosts as an operator would build it
        knownHosts = root.resolve("known_hosts");
        Files.writeString(knownHosts, LocalSshd.keyscan("-p", String.valueOf(sshd.port), "127.0.0.1"));
        emptySshDir = Files.createDirectories(root.resolve("empty-ssh-dir"));
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) sshd.close();
    }

    static SshOptions options() {
        return SshOptions.defaults()
                .withSshDir(emptySshDir) // no ~/.ssh defaults, no ~/.ssh/config
                .withKnownHosts(knownHosts)
                .withEnv(Map.of())
                .withIdentityFile(keys.resolve("id_ecdsa"))
                .withConnectTimeout(Duration.ofSeconds(5));
    }

    static SshTransport transport(SshOptions options) {
        return new SshTransport(new SshTarget("127.0.0.1", "root", sshd.port), options);
    }

    /** The type the server presents when known_hosts says nothing: the client's first choice. */
    static String preferredHostKeyType() {
        return BuiltinSignatures.ed25519.isSupported() ? "ed25519" : "ecdsa";
    }

    // ---- commands ----------------------------------------------------------------------------

    @Test
    void runReturnsStdoutStderrAndTheExitCode() throws Exception {
        try (SshTransport t = transport(options())) {
            // when
            CommandResult r = t.run(Command.sh("echo out1; echo err1 >&2; echo out2; exit 3"));

            // then
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("out1\nout2\n");
            assertThat(r.stderr()).isEqualTo("err1\n");
            assertThat(r.tail()).containsExactlyInAnyOrder("out1", "out2", "err1");
            assertThat(t.run(Command.of("true")).ok()).isTrue();
            assertThat(t.run(Command.sh("exit 255")).exitCode()).isEqualTo(255);
        }
    }

    @Test
    void theScriptRunsUnderShInTheLoginDirectoryWithQuotingIntact() throws Exception {
        try (SshTransport t = transport(options())) {
            CommandResult r = t.run(Command.of("printf", "%s|", "a b", "it's", "$HOME", "*"));
            assertThat(r.out()).isEqualTo("a b|it's|$HOME|*|");
            assertThat(t.run(Command.sh("readlink /proc/$$/exe")).out()).endsWith("dash"); // /bin/sh, not the login shell
            assertThat(t.run(Command.sh("pwd")).out()).isEqualTo("/root");
        }
    }

    @Test
    void stdinIsDeliveredThenClosed() throws Exception {
        try (SshTransport t = transport(options())) {
            assertThat(t.run(Command.sh("cat").withStdin("secret line\nsecond\n")).stdout()).isEqualTo("secret line\nsecond\n");

            // a large input, and a command that reads nothing still ends
            byte[] big = new byte[3 * 1024 * 1024];
            java.util.Arrays.fill(big, (byte) 'x');
            assertThat(t.run(new Command("wc -c", big, null)).out()).isEqualTo(String.valueOf(big.length));
            assertThat(t.run(Command.sh("cat >/dev/null; echo done")).out()).isEqualTo("done");
            assertThat(t.run(new Command("echo ignored", big, Duration.ofSeconds(20))).out()).isEqualTo("ignored");
        }
    }

    @Test
    void outputIsStreamedLineByLineAsItArrives() throws Exception {
        try (SshTransport t = transport(options())) {
            // given
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            Map<String, Long> at = new ConcurrentHashMap<>();
            OutputSink sink = (stream, line) -> {
                seen.add(stream + ":" + line);
                at.put(line, System.nanoTime() - start);
            };

            // when
            CommandResult r = t.run(Command.sh("echo first; sleep 2; echo second >&2; echo third"), sink);

            // then
            assertThat(seen).containsExactlyInAnyOrder("STDOUT:first", "STDERR:second", "STDOUT:third");
            assertThat(seen.indexOf("STDOUT:first")).isZero();
            assertThat(at.get("first")).as("first line arrived before the command ended")
                    .isLessThan(r.duration().toNanos() - TimeUnit.MILLISECONDS.toNanos(1500));
        }
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledWithItsChildren() throws Exception {
        try (SshTransport t = transport(options())) {
            // given
            Path pid = dir.resolve("pid");
            Command slow = Command.sh("sleep 61 & echo $! > " + pid + "; sleep 62").withTimeout(Duration.ofSeconds(1));

            // when
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.run(slow))
                    .isInstanceOf(TransportException.class)
                    .hasMessage("command timed out after 1s: " + slow.script())
                    .satisfies(e -> assertThat(((TransportException) e).host()).isEqualTo("127.0.0.1"));

            // then
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            long child = Long.parseLong(Files.readString(pid).strip());
            awaitGone(child);
            assertThat(t.run(Command.sh("pgrep -f 'sleep 6[12]' || echo none")).out()).isEqualTo("none");
            assertThat(t.run(Command.of("echo", "still connected")).out()).isEqualTo("still connected");
            assertThat(t.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void anInterruptClosesTheChannelKillsTheCommandAndRethrows() throws Exception {
        try (SshTransport t = transport(options())) {
            t.connect();
            Path pid = dir.resolve("pid");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread runner = new Thread(() -> {
                try {
                    t.run(Command.sh("echo $$ > " + pid + "; sleep 63"));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            runner.start();
            awaitFile(pid);

            // when
            runner.interrupt();
            runner.join(10_000);

            // then
            assertThat(runner.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            awaitGone(Long.parseLong(Files.readString(pid).strip()));
        }
    }

    @Test
    void aCommandKilledByASignalReports128PlusTheSignal() throws Exception {
        try (SshTransport t = transport(options())) {
            assertThat(t.run(Command.sh("kill -KILL $$")).exitCode()).isEqualTo(137);
            assertThat(t.run(Command.sh("kill -TERM $$")).exitCode()).isEqualTo(143);
            assertThat(t.run(Command.sh("sh -c 'kill -INT $$'")).exitCode()).as("as the shell reports a child's signal").isEqualTo(130);
        }
    }

    @Test
    void manyCommandsShareOneConnection() throws Exception {
        try (SshTransport t = transport(options())) {
            // given
            t.connect();
            Set<String> clientEnds = ConcurrentHashMap.newKeySet();

            // when: 30 one after the other, then 16 at once (more than sshd's MaxSessions of 10)
            for (int i = 0; i < 30; i++) {
                CommandResult r = t.run(Command.sh("echo $SSH_CONNECTION; echo " + i));
                assertThat(r.stdout()).endsWith(i + "\n");
                clientEnds.add(r.stdout().lines().findFirst().orElseThrow());
            }
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<CommandResult>> parallel = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    int n = i;
                    parallel.add(pool.submit(() -> t.run(Command.sh("echo $SSH_CONNECTION; sleep 0.5; echo " + n))));
                }
                for (int i = 0; i < parallel.size(); i++) {
                    CommandResult r = parallel.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(r.exitCode()).isZero();
                    assertThat(r.stdout()).endsWith(i + "\n");
                    clientEnds.add(r.stdout().lines().findFirst().orElseThrow());
                }
            } finally {
                pool.shutdownNow();
            }
            t.upload("x".getBytes(StandardCharsets.UTF_8), dir.resolve("f").toString(), 0600);

            // then: one connection, seen from both ends; every command and the upload a round trip
            assertThat(t.connectionsOpened()).isEqualTo(1);
            assertThat(t.roundTrips()).as("30 + 16 commands and one upload").isEqualTo(47);
            assertThat(clientEnds).as("sshd saw every command on the same client address and port").hasSize(1);
        }
    }

    @Test
    void aHostWithAFewSessionsOnlyStillRunsEverythingOnOneConnection() throws Exception {
        // given: a hardened sshd that allows 2 channels per connection, fewer than we would use
        try (LocalSshd small = LocalSshd.start(dir.resolve("sshd"), "MaxSessions 2")) {
            small.authorize(keys.resolve("id_ecdsa"));
            Path file = dir.resolve("known_hosts");
            Files.writeString(file, LocalSshd.keyscan("-p", String.valueOf(small.port), "127.0.0.1"));
            SshOptions o = options().withKnownHosts(file);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try (SshTransport t = new SshTransport(new SshTarget("127.0.0.1", "root", small.port), o)) {
                // when
                List<Future<CommandResult>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    results.add(pool.submit(() -> t.run(Command.sh("sleep 0.3; echo " + n))));
                }
                results.add(pool.submit(() -> {
                    t.upload("x".getBytes(StandardCharsets.UTF_8), dir.resolve("up").toString(), 0644);
                    return t.run(Command.sh("cat " + dir.resolve("up")));
                }));

                // then
                for (int i = 0; i < 8; i++) assertThat(results.get(i).get(60, TimeUnit.SECONDS).out()).isEqualTo(String.valueOf(i));
                assertThat(results.get(8).get(60, TimeUnit.SECONDS).out()).isEqualTo("x");
                assertThat(t.connectionsOpened()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- uploads -----------------------------------------------------------------------------

    @Test
    void uploadCreatesParentsWritesAtomicallyAndSetsTheMode() throws Exception {
        try (SshTransport t = transport(options())) {
            // given
            Path target = dir.resolve("a/b/c/settings.env");
            byte[] first = "SECRET=1\n".getBytes(StandardCharsets.UTF_8);

            // when
            t.upload(first, target.toString(), 0640);

            // then
            assertThat(Files.readAllBytes(target)).isEqualTo(first);
            assertThat(t.run(Command.of("stat", "-c", "%a", target.toString())).out()).isEqualTo("640");

            // and a replacement keeps no temp file behind
            byte[] second = new byte[300_000];
            new java.util.Random(1).nextBytes(second);
            t.upload(second, target.toString(), 0600);
            assertThat(Files.readAllBytes(target)).isEqualTo(second);
            assertThat(t.run(Command.of("stat", "-c", "%a", target.toString())).out()).isEqualTo("600");
            try (var files = Files.list(target.getParent())) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("settings.env");
            }
        }
    }

    @Test
    void uploadThroughTheShellWhenTheHostHasNoSftp() throws Exception {
        try (SshTransport t = transport(options())) {
            Path target = dir.resolve("x/y/run.sh");
            t.uploadWithShell("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), target.toString(), target.getParent().toString(), 0755);
            assertThat(Files.readString(target)).isEqualTo("#!/bin/sh\necho hi\n");
            assertThat(t.run(Command.of("stat", "-c", "%a", target.toString())).out()).isEqualTo("755");
            try (var files = Files.list(target.getParent())) {
                assertThat(files.count()).isEqualTo(1);
            }
        }
    }

    // ---- host keys ---------------------------------------------------------------------------

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndNothingRuns() throws Exception {
        // given
        Path empty = Files.createFile(dir.resolve("known_hosts"));
        Path marker = dir.resolve("marker");
        String type = preferredHostKeyType();

        try (SshTransport t = transport(options().withKnownHosts(empty))) {
            // when / then
            assertThatThrownBy(() -> t.run(Command.of("touch", marker.toString())))
                    .isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("unknown host key for 127.0.0.1:" + sshd.port + ": ")
                    .hasMessageContaining(LocalSshd.fingerprint(sshd.hostKey(type)))
                    .hasMessageContaining("--accept-new-host-keys")
                    .hasMessageContaining("ssh-keyscan -p " + sshd.port + " -t " + type + " 127.0.0.1 >> " + empty)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThat(marker).doesNotExist();
        assertThat(Files.size(empty)).isZero();
    }

    @Test
    void acceptNewHostKeysRecordsTheKeyAndLaterRunsAreStrict() throws Exception {
        // given: no known_hosts at all yet
        Path file = dir.resolve("new/.ssh/known_hosts");

        // when
        try (SshTransport t = transport(options().withKnownHosts(file).withAcceptNewHostKeys(true))) {
            assertThat(t.run(Command.of("echo", "ok")).out()).isEqualTo("ok");
            assertThat(t.notes()).singleElement().asString().contains("added").contains(file.toString());
        }

        // then: the line is OpenSSH's, the key the server's
        String type = preferredHostKeyType();
        String[] hostKey = Files.readString(sshd.hostKey(type)).split(" ");
        assertThat(Files.readAllLines(file)).containsExactly("[127.0.0.1]:" + sshd.port + " " + hostKey[0] + " " + hostKey[1]);
        try (SshTransport strict = transport(options().withKnownHosts(file))) {
            assertThat(strict.run(Command.of("echo", "strict")).out()).isEqualTo("strict");
            assertThat(strict.notes()).isEmpty();
        }
        // and OpenSSH agrees with what we wrote
        String ssh = LocalSshd.exec(List.of("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + file, "-o", "HostKeyAlgorithms=" + hostKey[0], "-i", keys.resolve("id_ecdsa").toString(),
                "-p", String.valueOf(sshd.port), "root@127.0.0.1", "echo", "openssh"));
        assertThat(ssh.strip()).isEqualTo("openssh");
    }

    @Test
    void aChangedHostKeyIsRefusedWithBothFingerprintsEvenWhenAcceptingNewKeys() throws Exception {
        // given: known_hosts lists other keys, of every type, for this host
        Path file = dir.resolve("known_hosts");
        StringBuilder lines = new StringBuilder();
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            Path impostor = LocalSshd.keygen(dir.resolve("old_" + type), type, "");
            String[] pub = Files.readString(Path.of(impostor + ".pub")).split(" ");
            lines.append("[127.0.0.1]:").append(sshd.port).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
        }
        Files.writeString(file, lines);
        String type = preferredHostKeyType();
        Path marker = dir.resolve("marker");

        // when / then
        try (SshTransport t = transport(options().withKnownHosts(file).withAcceptNewHostKeys(true))) {
            assertThatThrownBy(() -> t.run(Command.of("touch", marker.toString())))
                    .isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("HOST KEY CHANGED for 127.0.0.1:" + sshd.port)
                    .hasMessageContaining("presented ")
                    .hasMessageContaining(LocalSshd.fingerprint(sshd.hostKey(type)))
                    .hasMessageContaining(LocalSshd.fingerprint(Path.of(dir.resolve("old_" + type) + ".pub")))
                    .hasMessageContaining("ssh-keygen -R '[127.0.0.1]:" + sshd.port + "'");
        }
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(file)).isEqualTo(lines.toString());
    }

    @Test
    void hashedKnownHostsEntriesMatch() throws Exception {
        // given: ssh-keyscan -H, as for HashKnownHosts yes
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, LocalSshd.keyscan("-H", "-p", String.valueOf(sshd.port), "127.0.0.1"));
        assertThat(Files.readString(file)).startsWith("|1|").doesNotContain("127.0.0.1");

        // when / then
        try (SshTransport t = transport(options().withKnownHosts(file))) {
            assertThat(t.run(Command.of("echo", "ok")).out()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void knownHostsWithOneKeyTypeIsEnough(String type) throws Exception {
        // given: only this type listed, as after ssh-keyscan -t TYPE
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, LocalSshd.keyscan("-t", type, "-p", String.valueOf(sshd.port), "127.0.0.1"));

        // when / then: the client asks for that type
        try (SshTransport t = transport(options().withKnownHosts(file))) {
            assertThat(t.run(Command.of("echo", "ok")).out()).isEqualTo("ok");
        }
    }

    // ---- authentication ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"id_ed25519", "id_ecdsa", "id_rsa", "id_pem_rsa"})
    void eachKeyTypeAuthenticates(String key) throws Exception {
        try (SshTransport t = transport(options().withIdentityFile(keys.resolve(key)))) {
            assertThat(t.run(Command.sh("whoami")).out()).isEqualTo("root");
        }
    }

    @Test
    void ed25519IsSupportedInThisBuild() {
        // OpenSSH's default key type: MINA SSHD 2.x signs it through Bouncy Castle
        // (bcprov), which replaced the unmaintained net.i2p.crypto:eddsa
        assertThat(BuiltinSignatures.ed25519.isSupported()).isTrue();
    }

    @Test
    void defaultIdentitiesAreUsedWhenNoneIsGiven() throws Exception {
        // given: an ~/.ssh with only id_rsa
        Path sshDir = Files.createDirectories(dir.resolve(".ssh"));
        Files.copy(keys.resolve("id_rsa"), sshDir.resolve("id_rsa"));
        try (SshTransport t = transport(options().withIdentityFile(null).withSshDir(sshDir))) {
            assertThat(t.run(Command.sh("whoami")).out()).isEqualTo("root");
        }
    }

    @Test
    void aPassphraseProtectedKeyUsesTheEnvironmentVariable() throws Exception {
        SshOptions protectedKey = options().withIdentityFile(keys.resolve("id_protected"));
        try (SshTransport t = transport(protectedKey.withEnv(Map.of(SshOptions.PASSPHRASE_ENV, "correct horse")))) {
            assertThat(t.run(Command.sh("whoami")).out()).isEqualTo("root");
        }
        try (SshTransport t = transport(protectedKey)) {
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessageContaining("id_protected is protected by a passphrase: set DJDEPLOY_SSH_PASSPHRASE");
        }
        try (SshTransport t = transport(protectedKey.withEnv(Map.of(SshOptions.PASSPHRASE_ENV, "wrong")))) {
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessageContaining("cannot decrypt identity file " + keys.resolve("id_protected"))
                    .hasMessageContaining("wrong passphrase");
        }
    }

    @Test
    void aKeyTheServerDoesNotAcceptFailsNamingTheHostAndTheKey() {
        try (SshTransport t = transport(options().withIdentityFile(keys.resolve("not_authorized")))) {
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("authentication failed for root@127.0.0.1:" + sshd.port)
                    .hasMessageContaining(keys.resolve("not_authorized").toString())
                    .satisfies(e -> assertThat(((TransportException) e).host()).isEqualTo("127.0.0.1"));
            assertThat(t.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void noKeyAtAllFailsSayingSo() {
        try (SshTransport t = transport(options().withIdentityFile(null))) {
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("authentication failed for root@127.0.0.1:" + sshd.port)
                    .hasMessageContaining("no key to offer");
        }
    }

    @Test
    void aMissingIdentityFileIsReportedBeforeConnecting() {
        try (SshTransport t = transport(options().withIdentityFile(dir.resolve("nope")))) {
            assertThatThrownBy(t::connect).hasMessage("identity file " + dir.resolve("nope") + " does not exist");
            assertThat(t.connectionsOpened()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent_ecdsa", "agent_rsa", "agent_ed25519"})
    void sshAgentAloneAuthenticates(String key) throws Exception {
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            awaitFile(socket);
            ProcessBuilder add = new ProcessBuilder("ssh-add", keys.resolve(key).toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();

            // given: no identity file, no ~/.ssh keys: the agent's key is the only way in
            SshOptions viaAgent = options().withIdentityFile(null).withEnv(Map.of("SSH_AUTH_SOCK", socket.toString()));

            // when / then
            try (SshTransport t = transport(viaAgent)) {
                assertThat(t.run(Command.sh("whoami")).out()).isEqualTo("root");
            }
            assertThat(Files.readString(sshd.log)).contains("Accepted publickey for root")
                    .contains(LocalSshd.fingerprint(Path.of(keys.resolve(key) + ".pub")));
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
            if (agent.isAlive()) agent.destroyForcibly();
        }
    }

    @Test
    void forwardAgentLetsCommandsOnTheHostUseTheAgentAndOnlyWhenAskedFor() throws Exception {
        Path socket = dir.resolve("fwd-agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("fwd-agent.log").toFile()).start();
        try {
            awaitFile(socket);
            ProcessBuilder add = new ProcessBuilder("ssh-add", keys.resolve("agent_ed25519").toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            SshOptions viaAgent = options().withIdentityFile(null).withEnv(Map.of("SSH_AUTH_SOCK", socket.toString()));
            String fingerprint = LocalSshd.fingerprint(Path.of(keys.resolve("agent_ed25519") + ".pub"));

            // when: ssh.forward_agent on, a command on the host asks the agent it sees for its keys (as git's ssh does)
            try (SshTransport t = transport(viaAgent.withForwardAgent(true))) {
                // then: it reaches our agent, through the one connection, for every command
                assertThat(t.run(Command.sh("ssh-add -l")).out()).contains(fingerprint);
                // and: it signs through it, as git's ssh does to log in to a git server (here: this sshd again)
                String login = t.run(Command.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                        "-o", "GlobalKnownHostsFile=/dev/null", "-i", "/nonexistent", "-p", String.valueOf(sshd.port), "root@127.0.0.1",
                        "echo", "signed-by-agent").mergeStderr()).out();
                assertThat(login).contains("signed-by-agent");
                assertThat(t.connectionsOpened()).isEqualTo(1);
            }
            // and: off by default, the host sees no agent
            try (SshTransport t = transport(viaAgent)) {
                assertThat(t.run(Command.sh("test -z \"$SSH_AUTH_SOCK\" && echo none")).out()).isEqualTo("none");
            }
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
            if (agent.isAlive()) agent.destroyForcibly();
        }
    }

    @Test
    void aStaleAgentSocketIsIgnoredInFavourOfKeyFiles() throws Exception {
        SshOptions o = options().withEnv(Map.of("SSH_AUTH_SOCK", dir.resolve("gone.sock").toString()));
        try (SshTransport t = transport(o)) {
            assertThat(t.run(Command.sh("whoami")).out()).isEqualTo("root");
        }
    }

    // ---- ssh config --------------------------------------------------------------------------

    @Test
    void anSshConfigAliasGivesHostNamePortUserAndIdentityFile() throws Exception {
        // given
        Path config = dir.resolve("config");
        Files.writeString(config, String.join("\n",
                "Host web1",
                "  HostName 127.0.0.1",
                "  Port " + sshd.port,
                "  User root",
                "  IdentityFile " + keys.resolve("id_rsa"),
                "",
                "Host *",
                "  User nobody-by-default",
                ""));
        SshOptions o = options().withIdentityFile(null).withSshConfig(config);

        // when
        try (SshTransport t = new SshTransport(SshTarget.of("web1"), o)) {
            CommandResult r = t.run(Command.sh("whoami"));

            // then
            assertThat(r.out()).isEqualTo("root");
            assertThat(t.host()).isEqualTo("web1");
            assertThat(t.address()).isEqualTo("root@127.0.0.1:" + sshd.port);
        }
        assertThat(Files.readString(sshd.log)).contains(LocalSshd.fingerprint(Path.of(keys.resolve("id_rsa") + ".pub")));
    }

    @Test
    void hostKeyAliasNamesTheHostInKnownHosts() throws Exception {
        // given: known_hosts knows the key under the alias only
        Path config = dir.resolve("config");
        Files.writeString(config, String.join("\n",
                "Host app",
                "  HostName 127.0.0.1",
                "  Port " + sshd.port,
                "  User root",
                "  HostKeyAlias app.internal",
                ""));
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, Files.readString(knownHosts).replace("[127.0.0.1]:" + sshd.port, "app.internal"));

        // when / then
        try (SshTransport t = new SshTransport(SshTarget.of("app"), options().withSshConfig(config).withKnownHosts(file))) {
            assertThat(t.run(Command.sh("echo ok")).out()).isEqualTo("ok");
        }
    }

    @Test
    void proxyJumpFromSshConfigGoesThroughTheJumpHost() throws Exception {
        // given: "db1" is reached through "bastion" (both this sshd)
        Path config = dir.resolve("config");
        Files.writeString(config, String.join("\n",
                "Host bastion",
                "  HostName 127.0.0.1",
                "  Port " + sshd.port,
                "  User root",
                "Host db1",
                "  HostName localhost",
                "  Port " + sshd.port,
                "  User root",
                "  ProxyJump bastion",
                ""));
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, Files.readString(knownHosts)
                + Files.readString(knownHosts).replace("[127.0.0.1]", "[localhost]"));
        SshOptions o = options().withSshConfig(config).withKnownHosts(file);

        // when
        try (SshTransport t = new SshTransport(SshTarget.of("db1"), o)) {
            // then: sshd sees the second connection coming from itself (the bastion's forward)
            assertThat(t.run(Command.sh("echo $SSH_CONNECTION")).out()).startsWith("127.0.0.1 ");
            assertThat(t.address()).isEqualTo("root@localhost:" + sshd.port);
            assertThat(t.connectionsOpened()).isEqualTo(1);
        }

        // and the jump host's key is checked too
        Files.writeString(file, Files.readString(knownHosts).replace("[127.0.0.1]", "[localhost]"));
        try (SshTransport t = new SshTransport(SshTarget.of("db1"), o)) {
            assertThatThrownBy(t::connect).hasMessageStartingWith("unknown host key for 127.0.0.1:" + sshd.port);
        }
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedBeforeConnecting() throws Exception {
        // given a key the server would accept, left readable by everyone
        Path key = LocalSshd.keygen(dir.resolve("id_open"), "ecdsa", "");
        sshd.authorize(key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        // when / then
        try (SshTransport t = transport(options().withIdentityFile(key))) {
            assertThatThrownBy(t::connect).hasMessageContaining("UNPROTECTED PRIVATE KEY FILE").hasMessageContaining("0644 for '" + key + "'");
            assertThat(t.connectionsOpened()).isZero();
        }
    }

    @Test
    void aHostTrustedOnlyThroughACertAuthorityIsRefusedSayingSo() throws Exception {
        // given known_hosts trusts a host CA for this server, and lists none of its own keys
        Path ca = LocalSshd.keygen(dir.resolve("host_ca"), "ed25519", "");
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "@cert-authority [127.0.0.1]:* " + Files.readString(Path.of(ca + ".pub")));

        // when / then: not taken for an unknown host (nor trusted on first use)
        try (SshTransport t = transport(options().withKnownHosts(file).withAcceptNewHostKeys(true))) {
            assertThatThrownBy(t::connect).hasMessageContaining("@cert-authority in " + file + ":1")
                    .hasMessageContaining("does not support host certificates");
        }
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    // ---- connecting --------------------------------------------------------------------------

    @Test
    void aRefusedConnectionNamesHostAndPort() throws Exception {
        int nothing = LocalSshd.freePort();
        try (SshTransport t = new SshTransport(new SshTarget("127.0.0.1", "root", nothing), options())) {
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessage("127.0.0.1:" + nothing + ": connection refused");
            assertThat(t.connectionsOpened()).isZero();
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // a listening socket that accepts (backlog) but never speaks SSH
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
             SshTransport t = new SshTransport(new SshTarget("127.0.0.1", "root", silent.getLocalPort()),
                     options().withConnectTimeout(Duration.ofSeconds(1)))) {
            long start = System.nanoTime();
            assertThatThrownBy(t::connect).isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("127.0.0.1:" + silent.getLocalPort() + ": timed out after 1s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anUnknownHostNameIsSaidSo() {
        try (SshTransport t = new SshTransport(new SshTarget("no-such-host.invalid", "root", 22), options())) {
            assertThatThrownBy(t::connect).hasMessage("no-such-host.invalid:22: unknown host");
        }
    }

    @Test
    void keepaliveKeepsAQuietConnectionUsable() throws Exception {
        try (SshTransport t = transport(options().withKeepaliveInterval(Duration.ofMillis(300)))) {
            t.connect();
            Thread.sleep(1500);
            assertThat(t.run(Command.sh("sleep 1; echo alive")).out()).isEqualTo("alive");
            assertThat(t.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aDroppedConnectionIsReportedAndNotSilentlyReopened() throws Exception {
        try (SshTransport t = transport(options())) {
            // when: the server side of this connection dies under a command
            assertThatThrownBy(() -> t.run(Command.sh("kill -KILL $PPID; sleep 5").withTimeout(Duration.ofSeconds(20))))
                    .isInstanceOf(TransportException.class)
                    .hasMessage("the ssh connection to root@127.0.0.1:" + sshd.port + " was lost");

            // then: every later command says so too; no second connection behind the caller's back
            assertThatThrownBy(() -> t.run(Command.of("true"))).hasMessageContaining("was lost");
            assertThat(t.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void keepaliveNoticesAServerThatStoppedAnswering() throws Exception {
        Path pid = dir.resolve("pid");
        try (SshTransport t = transport(options().withKeepaliveInterval(Duration.ofMillis(300)))) {
            // when: the sshd process serving this connection freezes (as behind a dead link)
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.run(Command.sh("echo $PPID > " + pid + "; kill -STOP $PPID").withTimeout(Duration.ofSeconds(30))))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("was lost");

            // then: within a few keepalive intervals, not the command's 30 s
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            if (Files.exists(pid)) ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void afterCloseNothingRuns() throws Exception {
        SshTransport t = transport(options());
        assertThat(t.run(Command.of("true")).ok()).isTrue();
        t.close();
        t.close();
        assertThatThrownBy(() -> t.run(Command.of("true"))).isInstanceOf(TransportException.class);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) throw new AssertionError("process " + pid + " still runs");
            Thread.sleep(50);
        }
    }

    private static void awaitFile(Path p) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(p) || (Files.isRegularFile(p) && Files.size(p) == 0)) {
            if (System.nanoTime() > deadline) throw new AssertionError(p + " did not appear");
            Thread.sleep(50);
        }
    }
}
