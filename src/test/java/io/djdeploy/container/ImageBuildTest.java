package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import io.djdeploy.release.Revision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The builder's script: release tree on standard input, REVISION, build with labels, push, clean up. */
class ImageBuildTest {
    static final ImageConfig IMAGE = new ImageConfig("127.0.0.1:5080", "demo", "Dockerfile", null, "127.0.0.1:5080/debian-django:bookworm");
    static final Revision REV = new Revision("20261201060000", "v2", "dec9eba", "ci", "2026-12-01T06:00:00Z");

    @Test
    void theTreeComesOnStandardInputAndTheBuildDirectoryIsAlwaysRemoved() {
        byte[] tree = {31, -117, 8};

        var c = ImageBuild.script(IMAGE, "demo", REV, tree);

        assertThat(c.stdin()).isEqualTo(tree);
        assertThat(c.script()).isEqualTo("djdeploy_build=$(mktemp -d -t djdeploy-build.XXXXXX)"
                + " && tar -xzf - -C \"$djdeploy_build\""
                + " && printf %s 'id=20261201060000\nref=v2\nsha=dec9eba\nuser=ci\ndeployed_at=2026-12-01T06:00:00Z\n' | tee \"$djdeploy_build\"/REVISION >/dev/null 2>&1"
                + " && docker build --pull=false -f \"$djdeploy_build\"/Dockerfile --build-arg BASE_IMAGE=127.0.0.1:5080/debian-django:bookworm"
                + " --label io.djdeploy.app=demo --label io.djdeploy.ref=v2 --label io.djdeploy.release=20261201060000 --label io.djdeploy.sha=dec9eba"
                + " -t 127.0.0.1:5080/demo:20261201060000 \"$djdeploy_build\""
                + " && docker push 127.0.0.1:5080/demo:20261201060000"
                + "; djdeploy_status=$?; rm -rf \"$djdeploy_build\"; [ \"$djdeploy_status\" = 0 ]");
    }
}
