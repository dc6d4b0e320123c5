package io.djdeploy.remote.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Private key files as OpenSSH treats them (keys made by ssh-keygen). */
class IdentitiesTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFileOthersCanReadIsRefusedAsOpenSshRefusesIt() throws Exception {
        // given
        Path key = LocalSshd.keygen(dir.resolve("id_ecdsa"), "ecdsa", "");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        // when / then: named, with its mode and the fix
        assertThatThrownBy(() -> Identities.load(List.of(key), List.of(), null, false))
                .hasMessageContaining("UNPROTECTED PRIVATE KEY FILE")
                .hasMessageContaining("0644")
                .hasMessageContaining(key.toString())
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aDefaultKeyOthersCanReadIsSkippedWithTheSameWords() throws Exception {
        Path key = LocalSshd.keygen(dir.resolve("id_ecdsa"), "ecdsa", "");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));

        Identities.Loaded loaded = Identities.load(List.of(), List.of(key), null, false);

        assertThat(loaded.keys()).isEmpty();
        assertThat(loaded.skipped()).singleElement().asString().contains("UNPROTECTED PRIVATE KEY FILE", "0660", key.toString());
    }

    @Test
    void aPrivateKeyFileLoads() throws Exception {
        Path key = LocalSshd.keygen(dir.resolve("id_ecdsa"), "ecdsa", "");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        assertThat(Identities.load(List.of(key), List.of(), null, false).keys()).hasSize(1);
    }
}
