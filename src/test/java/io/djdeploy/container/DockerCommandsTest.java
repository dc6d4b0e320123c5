package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The docker command lines, exactly as a host's shell receives them. */
class DockerCommandsTest {
    static final ImageConfig IMAGE = new ImageConfig("registry.example.com:5000", "shop", "Dockerfile", null, null);
    static final String ID = "20261201060000";
    static final DockerCommands.ContainerSpec SPEC = new DockerCommands.ContainerSpec("shop", "/etc/shop/shop.env",
            Map.of("/srv/shop/shared/media", "/app/media"), true, "none");

    @Test
    void buildTagsTheReleaseAndLabelsItWithWhatItIs() {
        ImageConfig withBase = new ImageConfig("127.0.0.1:5080", "shop", "deploy/Dockerfile", null, "127.0.0.1:5080/debian-django:bookworm");

        String script = DockerCommands.build(withBase, ID, "/tmp/djdeploy-build.x1", DockerCommands.labels("shop", ID, "v2", "abc123")).script();

        assertThat(script).isEqualTo("docker build --pull=false -f /tmp/djdeploy-build.x1/deploy/Dockerfile"
                + " --build-arg BASE_IMAGE=127.0.0.1:5080/debian-django:bookworm"
                + " --label io.djdeploy.app=shop --label io.djdeploy.ref=v2 --label io.djdeploy.release=20261201060000"
                + " --label io.djdeploy.sha=abc123 -t 127.0.0.1:5080/shop:20261201060000 /tmp/djdeploy-build.x1");
        // no base_image: the Dockerfile's own default
        assertThat(DockerCommands.build(IMAGE, ID, "/tmp/c", Map.of()).script()).doesNotContain("BASE_IMAGE");
    }

    @Test
    void valuesFromTheConfigAndTheRefAreQuoted() {
        String script = DockerCommands.build(IMAGE, ID, "/tmp/c", DockerCommands.labels("shop", ID, "feature/it's", "abc")).script();

        assertThat(script).contains("--label 'io.djdeploy.ref=feature/it'\\''s'");
    }

    @Test
    void pushPullAndLabels() {
        assertThat(DockerCommands.push(IMAGE, ID).script()).isEqualTo("docker push registry.example.com:5000/shop:20261201060000");
        assertThat(DockerCommands.pull(IMAGE, ID).script()).isEqualTo("docker pull -q registry.example.com:5000/shop:20261201060000");
        assertThat(DockerCommands.imageLabels(IMAGE, ID).script())
                .isEqualTo("docker image inspect --format '{{json .Config.Labels}}' registry.example.com:5000/shop:20261201060000");
    }

    @Test
    void preflightAsksTheServerTheDiskAndTheRegistry() {
        assertThat(DockerCommands.engineVersion().script()).isEqualTo("docker version --format '{{.Server.Version}}'");
        assertThat(DockerCommands.engineDiskFreeKb().script()).contains("docker info --format '{{.DockerRootDir}}'", "df -Pk");
        assertThat(DockerCommands.registryAnswers("registry.example.com:5000").script())
                .isEqualTo("curl -sS -m 10 -o /dev/null -w '%{http_code}' https://registry.example.com:5000/v2/");
        // Docker talks plain HTTP to loopback registries; a path after the host is not part of the API root
        assertThat(DockerCommands.registryAnswers("127.0.0.1:5080").script()).endsWith(" http://127.0.0.1:5080/v2/");
        assertThat(DockerCommands.registryAnswers("ghcr.io/acme").script()).endsWith(" https://ghcr.io/v2/");
    }

    @Test
    void theWebContainerServesOnTheColorsSocketWithSecretsOnlyInTheEnvFile() {
        String script = DockerCommands.runWeb(SPEC, IMAGE.name(ID), ID, "green", "/run/shop", "green.sock").script();

        assertThat(script).isEqualTo("docker run -d --name shop-web-green --restart unless-stopped --label io.djdeploy.release=20261201060000"
                + " --label io.djdeploy.app=shop --network none --read-only --tmpfs /tmp --env-file /etc/shop/shop.env"
                + " -v /srv/shop/shared/media:/app/media -v /run/shop:/run/djdeploy"
                + " -e 'GUNICORN_CMD_ARGS=--bind unix:/run/djdeploy/green.sock' registry.example.com:5000/shop:20261201060000");
    }

    @Test
    void aOneOffContainerRunsTheCommandAndIsRemoved() {
        String script = DockerCommands.oneOff(SPEC, IMAGE, ID, List.of("python", "manage.py", "migrate", "--noinput")).script();

        assertThat(script).startsWith("docker run --rm -i --label io.djdeploy.app=shop --network none --read-only")
                .endsWith(" registry.example.com:5000/shop:20261201060000 python manage.py migrate --noinput");
        assertThat(DockerCommands.remove("shop-web-blue").script()).isEqualTo("docker rm -f shop-web-blue || true");
    }

    @Test
    void blueGreensStartAndStopForContainersCarryTheColorAndReleasePlaceholders() {
        String start = DockerCommands.webStartTemplate(SPEC, "/run/shop");

        // filled by the blue-green strategy like any web.start: {color}, {release} and {release_path}, each value quoted;
        // the image is the one the release's directory names (IMAGE: what PREPARE pulled, with its digest)
        assertThat(start).isEqualTo("docker rm -f 'shop-web-{color}' >/dev/null 2>&1 || true;"
                + " djdeploy_image=$(cat {release_path}/IMAGE) && docker run -d --name 'shop-web-{color}'"
                + " --restart unless-stopped --label 'io.djdeploy.release={release}' --label io.djdeploy.app=shop --network none"
                + " --read-only --tmpfs /tmp --env-file /etc/shop/shop.env -v /srv/shop/shared/media:/app/media -v /run/shop:/run/djdeploy"
                + " -e 'GUNICORN_CMD_ARGS=--bind unix:/run/djdeploy/{color}.sock' \"$djdeploy_image\"");
        assertThat(DockerCommands.webStopTemplate("shop", 30)).isEqualTo("docker stop -t 30 'shop-web-{color}'");
        assertThat(DockerCommands.webLogTemplate("shop")).isEqualTo("docker logs --tail 30 'shop-web-{color}'");
    }

    @Test
    void aWorkerIsStoppedGracefullyThenReplacedByOneOfTheReleasesImage() {
        String script = DockerCommands.replaceWorker(SPEC, "/srv/it's/releases/" + ID, ID, "worker", "celery -A shop worker -n w@%h", 60).script();

        // stop (TERM: Celery's warm shutdown, then KILL after 60 s), remove, then run: never two workers of one host at once
        assertThat(script).isEqualTo("docker stop -t 60 shop-worker >/dev/null 2>&1 || true; docker rm -f shop-worker >/dev/null 2>&1 || true;"
                + " djdeploy_image=$(cat '/srv/it'\\''s/releases/20261201060000'/IMAGE) && docker run -d --name shop-worker --restart unless-stopped"
                + " --label io.djdeploy.release=20261201060000 --label io.djdeploy.app=shop --network none --read-only --tmpfs /tmp"
                + " --env-file /etc/shop/shop.env -v /srv/shop/shared/media:/app/media \"$djdeploy_image\""
                + " sh -c 'exec celery -A shop worker -n w@%h'");
        assertThat(DockerCommands.replaceWorker(SPEC, "/srv/shop/releases/" + ID, ID, "beat", "celery -A shop beat", 60).script())
                .contains("docker stop -t 60 shop-beat ", "--name shop-beat ");
    }

    @Test
    void stoppedContainersOfTheAppArePrunedAndNothingElse() {
        assertThat(DockerCommands.pruneContainers("shop").script())
                .isEqualTo("docker container prune -f --filter label=io.djdeploy.app=shop >/dev/null 2>&1");
    }

    @Test
    void labelsKnownAfterTheBuildAreAddedWithoutALayer() {
        String script = DockerCommands.addLabels(IMAGE, ID, Map.of("io.djdeploy.manifest", "[{\"app\":\"notes\",\"name\":\"0001_initial\"}]")).script();

        assertThat(script).isEqualTo("printf 'FROM %s\\n' registry.example.com:5000/shop:20261201060000"
                + " | docker build -q --label 'io.djdeploy.manifest=[{\"app\":\"notes\",\"name\":\"0001_initial\"}]'"
                + " -t registry.example.com:5000/shop:20261201060000 -");
    }

    @Test
    void pruningKeepsTheNewestReleasesAndNeverTheCurrentOrPreviousOne() {
        String script = DockerCommands.pruneImages(IMAGE, "shop", 5, "20261201060000", "20261130120000").script();

        assertThat(script).isEqualTo("docker images --format '{{.Tag}}' registry.example.com:5000/shop | grep -E '^[0-9]{14}$' | sort -r"
                + " | tail -n +6 | grep -v -x -e 20261201060000 -e 20261130120000"
                + " | { while read -r tag; do docker rmi registry.example.com:5000/shop:\"$tag\" >/dev/null 2>&1 || echo \"kept $tag: in use\"; done; };"
                + " docker image prune -f --filter label=io.djdeploy.app=shop >/dev/null 2>&1 || true");
        // a first deploy has no previous release: nothing to spare but the current one
        assertThat(DockerCommands.pruneImages(IMAGE, "shop", 5, "20261201060000", null).script()).contains("grep -v -x -e 20261201060000 |");
    }
}
