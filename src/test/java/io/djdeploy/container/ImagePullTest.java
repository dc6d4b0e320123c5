package io.djdeploy.container;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** PREPARE on a container host: a pulled image runs only when its labels say it is this release at this commit. */
class ImagePullTest {
    static final String ID = "20261201060000";
    static final String SHA = "dec9eba0c0ffee";

    @Test
    void labelsOfThisReleaseAtThisCommitPass() {
        String json = "{\"io.djdeploy.app\":\"demo\",\"io.djdeploy.ref\":\"v2\",\"io.djdeploy.release\":\"20261201060000\",\"io.djdeploy.sha\":\"dec9eba0c0ffee\"}\n";

        assertThat(ImagePull.mismatch(json, ID, SHA)).isNull();
    }

    @Test
    void anotherBuildUnderTheSameTagIsRefused() {
        assertThat(ImagePull.mismatch("{\"io.djdeploy.release\":\"20261201070000\",\"io.djdeploy.sha\":\"dec9eba0c0ffee\"}", ID, SHA))
                .isEqualTo("its label io.djdeploy.release is 20261201070000, not 20261201060000: another build pushed this tag; nothing runs it");
        assertThat(ImagePull.mismatch("{\"io.djdeploy.release\":\"20261201060000\",\"io.djdeploy.sha\":\"0000\"}", ID, SHA))
                .startsWith("its label io.djdeploy.sha is 0000, not dec9eba0c0ffee");
    }

    @Test
    void anImageWithoutLabelsWasNotBuiltByDjdeploy() {
        // docker prints null for an image without labels
        assertThat(ImagePull.mismatch("null\n", ID, SHA)).isEqualTo("the image has no labels: it was not built by djdeploy");
        assertThat(ImagePull.mismatch("{}", ID, SHA)).startsWith("its label io.djdeploy.release is null");
    }
}
