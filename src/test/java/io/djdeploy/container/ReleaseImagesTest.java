package io.djdeploy.container;

import io.djdeploy.release.ReleaseLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The image facts status, releases and report show: IMAGE files read and one engine query, through a real shell. */
class ReleaseImagesTest {
    static final String OLD = "20261201060000";
    static final String NEW = "20261201070000";
    static final String GONE = "20261201050000";
    static final String DIGEST_NEW = "sha256:" + "a".repeat(64);
    static final String DIGEST_OLD = "sha256:" + "b".repeat(64);
    static final String DIGEST_GONE = "sha256:" + "c".repeat(64);

    @TempDir
    Path dir;

    /**
     * A fake docker: records its arguments, answers for the images it "has" (a and b) with their
     * RepoDigests (repository@digest, no tag, possibly several), refuses the others as docker does.
     */
    Path docker() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path docker = bin.resolve("docker");
        Files.writeString(docker, """
                #!/bin/sh
                printf '%%s\\n' "$*" >> "$(dirname "$0")/calls"
                while [ "$1" != "--" ]; do shift; done; shift
                st=0
                for r in "$@"; do
                  case "$r" in
                    *aaaa*) echo "size 242123456 $r" ;;
                    *bbbb*) echo "size 241000000 other.example/x@sha256:dddd 127.0.0.1:5080/demo@%s" ;;
                    *) echo "Error: No such image: $r" >&2; st=1 ;;
                  esac
                done
                exit $st
                """.formatted(DIGEST_OLD));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    void release(ReleaseLayout layout, String id, String image) throws Exception {
        Path rel = Files.createDirectories(Path.of(layout.release(id)));
        Files.writeString(rel.resolve("REVISION"), "id=" + id + "\n");
        if (image != null) Files.writeString(rel.resolve("IMAGE"), image + "\n");
    }

    String run(String script, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(false);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void everyReleaseWithItsImageAndOneEngineQueryForAll() throws Exception {
        // given two releases whose images the engine has, one it pruned, one without IMAGE, and a killed run's leftover
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("srv").toString());
        Path bin = docker();
        release(layout, GONE, "127.0.0.1:5080/demo@" + DIGEST_GONE);
        release(layout, OLD, "127.0.0.1:5080/demo:" + OLD + "@" + DIGEST_OLD);
        release(layout, NEW, "127.0.0.1:5080/demo@" + DIGEST_NEW);
        release(layout, "20261201040000", null);
        Files.createDirectories(Path.of(layout.release("20261201080000")));

        // when
        ReleaseImages.Listing l = ReleaseImages.parse(run(ReleaseImages.listing(layout, null).script(), bin));

        // then
        assertThat(l.complete().lines()).containsExactly("20261201040000", GONE, OLD, NEW);
        assertThat(l.images()).containsOnlyKeys(GONE, OLD, NEW);
        assertThat(l.images().get(NEW)).isEqualTo(new ReleaseImages.ReleaseImage("127.0.0.1:5080/demo", NEW, DIGEST_NEW, 242123456L, true));
        assertThat(l.images().get(OLD)).isEqualTo(new ReleaseImages.ReleaseImage("127.0.0.1:5080/demo", OLD, DIGEST_OLD, 241000000L, true));
        assertThat(l.images().get(GONE)).isEqualTo(new ReleaseImages.ReleaseImage("127.0.0.1:5080/demo", GONE, DIGEST_GONE, null, false));
        assertThat(Files.readAllLines(bin.resolve("calls"))).containsExactly("image inspect --format " + ReleaseImages.INSPECT_FORMAT
                + " -- 127.0.0.1:5080/demo@" + DIGEST_GONE + " 127.0.0.1:5080/demo:" + OLD + "@" + DIGEST_OLD + " 127.0.0.1:5080/demo@" + DIGEST_NEW);
    }

    @Test
    void onlyTheReleasesAskedFor() throws Exception {
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("srv").toString());
        Path bin = docker();
        release(layout, OLD, "127.0.0.1:5080/demo@" + DIGEST_OLD);
        release(layout, NEW, "127.0.0.1:5080/demo@" + DIGEST_NEW);

        ReleaseImages.Listing l = ReleaseImages.parse(run(ReleaseImages.listing(layout, List.of(NEW)).script(), bin));

        assertThat(l.images()).containsOnlyKeys(NEW);
        assertThat(l.images().get(NEW).describe()).isEqualTo("127.0.0.1:5080/demo:" + NEW + "  " + DIGEST_NEW + "  242 MB");
    }

    @Test
    void noReleasesDirectoryAndNoEngineAreNotErrors() throws Exception {
        ReleaseLayout layout = new ReleaseLayout(dir.resolve("srv").toString());
        Path empty = Files.createDirectories(dir.resolve("empty-bin"));

        assertThat(ReleaseImages.parse(run(ReleaseImages.listing(layout, null).script(), empty)).images()).isEmpty();

        release(layout, NEW, "127.0.0.1:5080/demo@" + DIGEST_NEW);
        // no docker on PATH at all: the image is known, its size is not
        Path bin = Files.createDirectories(dir.resolve("only-sh"));
        Files.createSymbolicLink(bin.resolve("head"), Path.of("/usr/bin/head"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", ReleaseImages.listing(layout, null).script());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(ReleaseImages.parse(out).images().get(NEW).onHost()).isFalse();
        assertThat(ReleaseImages.parse(out).images().get(NEW).describe()).endsWith("not in the host's engine");
    }

    @Test
    void sizesAsDockerPrintsThem() {
        assertThat(ReleaseImages.size(242123456L)).isEqualTo("242 MB");
        assertThat(ReleaseImages.size(1_500_000_000L)).isEqualTo("1.5 GB");
        assertThat(ReleaseImages.size(999L)).isEqualTo("999 B");
        assertThat(ReleaseImages.size(null)).isEqualTo("-");
        assertThat(ReleaseImages.shortDigest(DIGEST_NEW)).isEqualTo("sha256:aaaaaaaaaaaa");
    }

    @Test
    void anImageLineWithoutDigestOrWithATag() {
        assertThat(ReleaseImages.image(NEW, "registry.example.com:5000/shop", Map.of()))
                .isEqualTo(new ReleaseImages.ReleaseImage("registry.example.com:5000/shop", NEW, null, null, false));
        assertThat(ReleaseImages.image(NEW, "registry.example.com:5000/shop:" + OLD + "@" + DIGEST_OLD, Map.of("registry.example.com:5000/shop@" + DIGEST_OLD, 5L)))
                .isEqualTo(new ReleaseImages.ReleaseImage("registry.example.com:5000/shop", OLD, DIGEST_OLD, 5L, true));
    }
}
