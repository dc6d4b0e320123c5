package io.djdeploy.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release tarball `mvn package` builds, installed the way a user does (scripts/install into
 * a prefix) and run from outside the source checkout: it must find its jar on its own, make its
 * class-data-sharing archive in the user's cache, and refuse a tarball that does not match its
 * checksum.
 */
class InstallIT {
    static final Path HOME = Path.of(System.getProperty("djdeploy.home", "."));
    static final Path TARBALL = Path.of(System.getProperty("djdeploy.tarball", "target/djdeploy.tar.gz"));
    static final String VERSION = System.getProperty("djdeploy.version", "");

    @Test
    void theInstalledLauncherRunsOutsideTheCheckout(@TempDir Path tmp) throws Exception {
        // given: the built tarball installed under a temp prefix
        Path prefix = tmp.resolve("prefix");
        Result install = run(tmp, Map.of(), HOME.resolve("scripts/install").toString(), "--prefix", prefix.toString(), TARBALL.toString());
        assertThat(install.code()).as(install.output()).isZero();

        // when: run from a directory that is no checkout, with a HOME of its own (the archive's cache)
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(), "XDG_CACHE_HOME", "");
        Result first = run(elsewhere, env, prefix.resolve("bin/djdeploy").toString(), "--version");
        Result second = run(elsewhere, env, prefix.resolve("bin/djdeploy").toString(), "--version");

        // then
        assertThat(first.code()).as(first.output()).isZero();
        assertThat(first.output()).startsWith("djdeploy " + VERSION + " ");
        assertThat(second.output()).isEqualTo(first.output());
        try (Stream<Path> archives = Files.list(tmp.resolve("home/.cache/djdeploy"))) {
            assertThat(archives.map(p -> p.getFileName().toString()).toList())
                    .singleElement().asString().startsWith("djdeploy-" + VERSION + "-").endsWith(".jsa");
        }
        // and the completion scripts the build generated are installed, and know the commands
        assertThat(Files.readString(prefix.resolve("share/bash-completion/completions/djdeploy"))).contains("deploy", "rollback");
        assertThat(prefix.resolve("share/zsh/site-functions/_djdeploy")).exists();
        assertThat(prefix.resolve("lib/djdeploy/" + VERSION + "/LICENSE")).exists();
        // and the checksum stays with the install: init pins it in the CI workflows it writes
        assertThat(Files.readString(prefix.resolve("lib/djdeploy/" + VERSION + "/" + TARBALL.getFileName() + ".sha256")))
                .isEqualTo(Files.readString(Path.of(TARBALL + ".sha256")));
    }

    @Test
    void aTarballThatDoesNotMatchItsChecksumIsNotInstalled(@TempDir Path tmp) throws Exception {
        // given: a copy of the tarball with one byte more, next to the original checksum
        Path copy = tmp.resolve(TARBALL.getFileName());
        Files.copy(TARBALL, copy);
        Files.copy(Path.of(TARBALL + ".sha256"), Path.of(copy + ".sha256"));
        Files.write(copy, new byte[] {0}, StandardOpenOption.APPEND);

        // when
        Path prefix = tmp.resolve("prefix");
        Result install = run(tmp, Map.of(), HOME.resolve("scripts/install").toString(), "--prefix", prefix.toString(), copy.toString());

        // then
        assertThat(install.code()).isEqualTo(1);
        assertThat(install.output()).contains("does not match");
        assertThat(prefix.resolve("bin/djdeploy")).doesNotExist();
    }

    record Result(int code, String output) {}

    static Result run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("DJDEPLOY_HOME");
        env.forEach((k, v) -> {
            if (v.isEmpty()) pb.environment().remove(k); else pb.environment().put(k, v);
        });
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out.strip());
    }
}
