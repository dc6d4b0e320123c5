package io.djdeploy.remote.ssh;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** known_hosts reading, matching and writing, and fingerprints, checked against what OpenSSH's tools print. */
class SshKnownHostsTest {
    // ssh-keygen -lf gives SHA256:Tt9K9LNMUAKsXdE2U9Jq2ryROG1EgHtq+ILEEAdpoNc for this key
    static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIJC+xOeBGJDG3lX393gXA4srpk143BKLkfA1Gj7I9C9F";
    // ... SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA
    static final String ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFFuVmV7cjhS70uyZowZNTkRGje5VZU/o4QA45AbUQVaap5QUsoYceTwH02onoGHareIFQfMorePgURG7aBgFag=";
    // ... SHA256:1+1VCg3EzWEBqUfzl1822+WnQoXiqHJYIE2uqZxHjBk
    static final String OTHER_ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNXl0Dit8oA8l01RGcANKsIUTAM5xvTwgIJmwVYSJfcByRxtAfnP7t6Fp0ME1isSDkwAhJ/l1ct3KbqqOGWftOE=";
    static final String ECDSA_TYPE = "ecdsa-sha2-nistp256";

    @TempDir
    Path dir;

    @Test
    void fingerprintIsOpenSshsSha256Form() {
        assertThat(KnownHosts.fingerprint(Base64.getDecoder().decode(ED25519)))
                .isEqualTo("SHA256:Tt9K9LNMUAKsXdE2U9Jq2ryROG1EgHtq+ILEEAdpoNc");
        assertThat(KnownHosts.fingerprint(Base64.getDecoder().decode(ECDSA)))
                .isEqualTo("SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA");
    }

    @Test
    void fingerprintOfADecodedKeyMatchesTheFileForm() throws Exception {
        PublicKey key = ecdsa(ECDSA);
        assertThat(KnownHosts.fingerprint(key)).isEqualTo("SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA");
        assertThat(KnownHosts.blob(key)).isEqualTo(Base64.getDecoder().decode(ECDSA));
    }

    @Test
    void linesAreWrittenAsSshWritesThem() throws Exception {
        PublicKey key = ecdsa(ECDSA);
        assertThat(KnownHosts.line("web1.example.com", 22, key)).isEqualTo("web1.example.com " + ECDSA_TYPE + " " + ECDSA);
        assertThat(KnownHosts.line("127.0.0.1", 2222, key)).isEqualTo("[127.0.0.1]:2222 " + ECDSA_TYPE + " " + ECDSA);
        assertThat(KnownHosts.hostPattern("h", 0)).isEqualTo("h");
    }

    @Test
    void plainPatternsFollowOpenSshsRules() {
        assertThat(KnownHosts.hostMatches("web1.example.com", "web1.example.com", 22)).isTrue();
        assertThat(KnownHosts.hostMatches("WEB1.example.com", "web1.Example.com", 22)).as("case-insensitive").isTrue();
        assertThat(KnownHosts.hostMatches("web1.example.com", "web1.example.com", 2222)).as("plain is port 22 only").isFalse();
        assertThat(KnownHosts.hostMatches("[web1.example.com]:2222", "web1.example.com", 2222)).isTrue();
        assertThat(KnownHosts.hostMatches("[web1.example.com]:2222", "web1.example.com", 22)).isFalse();
        assertThat(KnownHosts.hostMatches("web2,web1.example.com,10.0.0.1", "10.0.0.1", 22)).isTrue();
        assertThat(KnownHosts.hostMatches("*.example.com", "web1.example.com", 22)).isTrue();
        assertThat(KnownHosts.hostMatches("web?.example.com", "web12.example.com", 22)).isFalse();
        assertThat(KnownHosts.hostMatches("*.example.com,!db.example.com", "db.example.com", 22)).as("negation vetoes").isFalse();
        assertThat(KnownHosts.hostMatches("web1", "web10", 22)).isFalse();
    }

    @Test
    void hashedEntriesMatch() {
        // written by: ssh-keygen -H -f on "web1.example.com ..." and "[web1.example.com]:2222 ..."
        String port22 = "|1|NidryFRePBem7+FPPNlbC82MaSc=|RqJnlxaRh15g53MCaHA9yBqxGh8=";
        String port2222 = "|1|QJNnQe0eB2IncXSEO3l+tmhKL50=|5Pqxu40Gu9lAssizguKeUIEpwdw=";
        assertThat(KnownHosts.hostMatches(port22, "web1.example.com", 22)).isTrue();
        assertThat(KnownHosts.hostMatches(port22, "web2.example.com", 22)).isFalse();
        assertThat(KnownHosts.hostMatches(port22, "web1.example.com", 2222)).isFalse();
        assertThat(KnownHosts.hostMatches(port2222, "web1.example.com", 2222)).isTrue();
        assertThat(KnownHosts.hostMatches("|1|garbage", "web1.example.com", 22)).isFalse();
    }

    @Test
    void parseSkipsCommentsAndBrokenLines() {
        Path f = dir.resolve("known_hosts");
        assertThat(KnownHosts.parse(f, 1, "# web1 " + ECDSA_TYPE + " " + ECDSA, "web1", 22)).isNull();
        assertThat(KnownHosts.parse(f, 1, "@cert-authority web1 " + ECDSA_TYPE + " " + ECDSA, "web1", 22).marker())
                .isEqualTo("@cert-authority");
        assertThat(KnownHosts.parse(f, 1, "web1 " + ECDSA_TYPE + " not-base64!", "web1", 22)).isNull();
        assertThat(KnownHosts.parse(f, 1, "web1 " + ECDSA_TYPE, "web1", 22)).isNull();
        KnownHosts.Known k = KnownHosts.parse(f, 7, "@revoked web1 ssh-ed25519 " + ED25519 + " a comment", "web1", 22);
        assertThat(k.marker()).isEqualTo("@revoked");
        assertThat(k.keyType()).isEqualTo("ssh-ed25519");
        assertThat(k.where()).isEqualTo(f + ":7");
    }

    @Test
    void aListedKeyIsAccepted() throws Exception {
        // given
        Path f = write("web1,10.0.0.5 ssh-ed25519 " + ED25519, "web1 " + ECDSA_TYPE + " " + ECDSA);
        KnownHosts kh = new KnownHosts(f, List.of(), false);

        // when / then
        assertThat(kh.check("web1", 22, ecdsa(ECDSA)).accepted()).isTrue();
        assertThat(kh.knownTypes("web1", 22)).containsExactly("ssh-ed25519", ECDSA_TYPE);
    }

    @Test
    void anUnknownHostIsRefusedWithTheFingerprintAndHowToAcceptIt() throws Exception {
        // given
        Path f = write("other " + ECDSA_TYPE + " " + ECDSA);
        KnownHosts kh = new KnownHosts(f, List.of(), false);

        // when
        KnownHosts.Decision d = kh.check("10.1.2.3", 2222, ecdsa(ECDSA));

        // then
        assertThat(d.accepted()).isFalse();
        assertThat(d.message()).doesNotContain("\n")
                .startsWith("unknown host key for 10.1.2.3:2222: " + ECDSA_TYPE + " SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA")
                .contains("--accept-new-host-keys")
                .contains("ssh-keyscan -p 2222 -t ecdsa 10.1.2.3 >> " + f);
        assertThat(Files.readAllLines(f)).hasSize(1);
    }

    @Test
    void acceptNewAppendsOneLineAndThenTheHostIsKnown() throws Exception {
        // given: no file yet, not even the directory
        Path f = dir.resolve("ssh/known_hosts");
        KnownHosts kh = new KnownHosts(f, List.of(), true);

        // when
        KnownHosts.Decision first = kh.check("10.1.2.3", 2222, ecdsa(ECDSA));
        KnownHosts.Decision second = kh.check("10.1.2.3", 2222, ecdsa(ECDSA));

        // then
        assertThat(first.accepted()).isTrue();
        assertThat(first.message()).contains("added").contains("SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA");
        assertThat(second.accepted()).isTrue();
        assertThat(second.message()).isNull();
        assertThat(Files.readAllLines(f)).containsExactly("[10.1.2.3]:2222 " + ECDSA_TYPE + " " + ECDSA);
        assertThat(new KnownHosts(f, List.of(), false).check("10.1.2.3", 2222, ecdsa(ECDSA)).accepted()).isTrue();
    }

    @Test
    void appendKeepsAFileWithoutTrailingNewlineIntact() throws Exception {
        Path f = dir.resolve("known_hosts");
        Files.writeString(f, "other " + ECDSA_TYPE + " " + OTHER_ECDSA);
        new KnownHosts(f, List.of(), true).check("web1", 22, ecdsa(ECDSA));
        assertThat(Files.readAllLines(f)).containsExactly("other " + ECDSA_TYPE + " " + OTHER_ECDSA, "web1 " + ECDSA_TYPE + " " + ECDSA);
    }

    @Test
    void aChangedKeyIsRefusedEvenWhenAcceptingNewKeys() throws Exception {
        // given
        Path f = write("# comment", "[web1]:2222 " + ECDSA_TYPE + " " + OTHER_ECDSA);
        KnownHosts kh = new KnownHosts(f, List.of(), true);

        // when
        KnownHosts.Decision d = kh.check("web1", 2222, ecdsa(ECDSA));

        // then
        assertThat(d.accepted()).isFalse();
        assertThat(d.message()).doesNotContain("\n")
                .startsWith("HOST KEY CHANGED for web1:2222")
                .contains("presented " + ECDSA_TYPE + " SHA256:5p35P36WmRyfZRF0gsRU1NpVlUStbzfojyHgq501+oA")
                .contains(ECDSA_TYPE + " SHA256:1+1VCg3EzWEBqUfzl1822+WnQoXiqHJYIE2uqZxHjBk (" + f + ":2)")
                .contains("ssh-keygen -R '[web1]:2222' -f " + f);
        assertThat(Files.readAllLines(f)).hasSize(2);
    }

    @Test
    void aRevokedKeyIsRefused() throws Exception {
        Path f = write("@revoked * " + ECDSA_TYPE + " " + ECDSA, "web1 " + ECDSA_TYPE + " " + ECDSA);
        KnownHosts.Decision d = new KnownHosts(f, List.of(), true).check("web1", 22, ecdsa(ECDSA));
        assertThat(d.accepted()).isFalse();
        assertThat(d.message()).contains("@revoked").contains(f + ":1");
    }

    @Test
    void readOnlyFilesCountButAreNeverWritten() throws Exception {
        Path global = write("web1 " + ECDSA_TYPE + " " + ECDSA);
        Path user = dir.resolve("user_known_hosts");
        KnownHosts kh = new KnownHosts(user, List.of(global), true);
        assertThat(kh.check("web1", 22, ecdsa(ECDSA)).accepted()).isTrue();
        assertThat(user).doesNotExist();
    }

    @Test
    void aConfiguredKnownHostsFileStillHonoursTheSystemWideOneAndItsRevokedLines() throws Exception {
        // given ssh.known_hosts names a file that lists web1; the system-wide file revokes that key
        Path user = write("web1 " + ECDSA_TYPE + " " + ECDSA);
        Path global = write("@revoked * " + ECDSA_TYPE + " " + ECDSA, "web2 " + ECDSA_TYPE + " " + OTHER_ECDSA);
        SshOptions o = SshOptions.defaults().withSshDir(dir).withKnownHosts(user);

        // when
        KnownHosts kh = KnownHosts.of(o, global);

        // then
        KnownHosts.Decision d = kh.check("web1", 22, ecdsa(ECDSA));
        assertThat(d.accepted()).isFalse();
        assertThat(d.message()).contains("@revoked", global + ":1");
        assertThat(kh.check("web2", 22, ecdsa(OTHER_ECDSA)).accepted()).isTrue();
        assertThat(KnownHosts.of(o, dir.resolve("absent")).check("web1", 22, ecdsa(ECDSA)).accepted()).isTrue();
    }

    @Test
    void aHostTrustedOnlyThroughACertAuthorityIsRefusedSayingWhy() throws Exception {
        // given the operator trusts a CA for *.example.com (host certificates), even with new keys accepted
        Path f = write("@cert-authority *.example.com ssh-ed25519 " + ED25519);
        KnownHosts kh = new KnownHosts(f, List.of(), true);

        // when
        KnownHosts.Decision d = kh.check("web1.example.com", 22, ecdsa(ECDSA));

        // then: not silently ignored (nor trusted on first use)
        assertThat(d.accepted()).isFalse();
        assertThat(d.message()).contains("@cert-authority", f + ":1", "host certificates", "ssh-keyscan -t ecdsa web1.example.com");
        assertThat(Files.readAllLines(f)).hasSize(1);

        // and a host whose own key is listed beside the CA is accepted as before
        Files.writeString(f, "web1.example.com " + ECDSA_TYPE + " " + ECDSA + "\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(kh.check("web1.example.com", 22, ecdsa(ECDSA)).accepted()).isTrue();
    }

    @Test
    void keyscanNamesTheKeyTypeAsSshKeyscanDoes() {
        assertThat(KnownHosts.keyscanType("ssh-ed25519")).isEqualTo("ed25519");
        assertThat(KnownHosts.keyscanType("ecdsa-sha2-nistp384")).isEqualTo("ecdsa");
        assertThat(KnownHosts.keyscanType("ssh-rsa")).isEqualTo("rsa");
        assertThat(KnownHosts.keyscan("web1", 22, "ssh-ed25519")).isEqualTo("ssh-keyscan -t ed25519 web1");
    }

    private Path write(String... lines) throws Exception {
        Path f = Files.createTempFile(dir, "known_hosts", "");
        Files.write(f, List.of(lines));
        return f;
    }

    static PublicKey ecdsa(String base64) throws Exception {
        return PublicKeyEntry.parsePublicKeyEntry(ECDSA_TYPE + " " + base64).resolvePublicKey(null, null, null);
    }
}
