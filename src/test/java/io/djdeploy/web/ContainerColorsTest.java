package io.djdeploy.web;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.ReleaseLayout;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** runtime: container: the blue-green colors are containers, started and stopped by DockerCommands' templates (docs/containers.md). */
class ContainerColorsTest {
    static final String ID = "20261201100000";
    static final String CONFIG = """
            app: shop
            repo: /srv/git/shop.git
            runtime: container
            image:
              registry: 127.0.0.1:5080
            django:
              env_file: /etc/shop/shop.env
            shared:
              dirs: [media]
            web:
              strategy: blue-green
            %s
            health:
              url: http://127.0.0.1/healthz/
            environments:
              production:
                deploy_to: /srv/it's shop
                hosts:
                  - {host: web1, roles: [web, migrate], transport: local}
            """;

    static EnvironmentConfig env(String web) throws Exception {
        return new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), CONFIG.formatted(web)).environments().get("production");
    }

    @Test
    void theIdleColorIsAContainerOfTheImageItsReleaseDirectoryNames() throws Exception {
        EnvironmentConfig env = env("");
        ReleaseLayout layout = ReleaseLayout.of(env);

        String start = BlueGreenCommands.start(env, layout, ID, "green").script();

        // every value quoted once: the release dir (a path with a quote) outside the image read's quotes
        assertThat(start).isEqualTo("docker rm -f 'shop-web-green' >/dev/null 2>&1 || true;"
                + " djdeploy_image=$(cat '/srv/it'\\''s shop/releases/20261201100000'/IMAGE) && docker run -d --name 'shop-web-green'"
                + " --restart unless-stopped --label 'io.djdeploy.release=20261201100000' --label io.djdeploy.app=shop --network host"
                + " --read-only --tmpfs /tmp --env-file /etc/shop/shop.env -v '/srv/it'\\''s shop/shared/media:/app/media'"
                + " -v /run/shop:/run/djdeploy -e 'GUNICORN_CMD_ARGS=--bind unix:/run/djdeploy/green.sock' \"$djdeploy_image\"");
        assertThat(BlueGreenCommands.stop(env, layout, "blue").script()).isEqualTo("docker stop -t 30 'shop-web-blue'");
        assertThat(BlueGreenCommands.log(env, layout, "blue").script()).isEqualTo("docker logs --tail 30 'shop-web-blue'");
    }

    @Test
    void theBootCommandProbesTheColorsSocketWithTheHostsPython() throws Exception {
        EnvironmentConfig env = env("");
        ReleaseLayout layout = ReleaseLayout.of(env);

        String boot = BlueGreenCommands.boot(env, "web1", layout, ID, "green").script();

        // a container release has no venv on the host: the health helper (standard library only) runs with python3
        assertThat(boot).contains("docker run -d --name 'shop-web-green'", "python3 '/srv/it'\\''s shop/releases/20261201100000/.djdeploy/helper.py' health",
                "--unix-socket /run/shop/green.sock", "--expect 20261201100000");
        assertThat(boot).doesNotContain(".venv");
    }

    @Test
    void aTeamsOwnStartAndStopWin() throws Exception {
        EnvironmentConfig env = env("  start: my-start {color}\n  stop: my-stop {color}\n");
        ReleaseLayout layout = ReleaseLayout.of(env);

        assertThat(BlueGreenCommands.start(env, layout, ID, "blue").script()).isEqualTo("my-start blue");
        assertThat(BlueGreenCommands.stop(env, layout, "blue").script()).isEqualTo("my-stop blue");
        assertThat(BlueGreenCommands.log(env, layout, "blue")).isNull();
    }
}
