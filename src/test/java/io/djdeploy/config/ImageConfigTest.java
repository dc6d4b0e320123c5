package io.djdeploy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code runtime} and {@code image} (docs/configuration.md, docs/containers.md). */
class ImageConfigTest {
    private static final String HEAD = """
            app: shop
            repo: /srv/git/shop.git
            """;
    /** What runtime: container needs (at the end: the line numbers above stay those of the tests' own lines). */
    private static final String BLUE_GREEN = """
            web:
              strategy: blue-green
              start: docker start shop-web-{color}
              stop: docker stop shop-web-{color}
            health:
              url: http://127.0.0.1/healthz/
            """;
    private static final String ENV = """
            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - host: web1.example.com
                    roles: [web, migrate]
                  - host: build.example.com
                    roles: [web]
            """ + BLUE_GREEN;

    private static EnvironmentConfig production(String yaml) throws ConfigException {
        return new ConfigLoader(java.util.Map.of()).parse(Path.of("deploy.yml"), yaml).environments().get("production");
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(() -> production(yaml), ConfigException.class);
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void virtualenvIsTheDefaultAndHasNoImage() throws Exception {
        EnvironmentConfig env = production(HEAD + ENV);

        assertThat(env.runtime()).isEqualTo(ReleaseRuntime.VIRTUALENV);
        assertThat(env.containers()).isFalse();
        assertThat(env.image()).isNull();
    }

    @Test
    void containerRuntimeWithDefaults() throws Exception {
        EnvironmentConfig env = production(HEAD + """
                runtime: container
                image:
                  registry: registry.example.com:5000
                """ + ENV);

        assertThat(env.containers()).isTrue();
        assertThat(env.image()).isEqualTo(new ImageConfig("registry.example.com:5000", "shop", "Dockerfile", null, null));
        assertThat(env.image().name("20261201054000")).isEqualTo("registry.example.com:5000/shop:20261201054000");
        assertThat(env.image().buildsLocally()).isTrue();
    }

    @Test
    void everyImageKeyAndAnEnvironmentOverride() throws Exception {
        EnvironmentConfig env = production(HEAD + """
                image:
                  registry: ghcr.io/acme
                  repository: shop/web
                  dockerfile: deploy/Dockerfile
                  build: host build.example.com
                  base_image: 127.0.0.1:5080/debian-django:bookworm
                environments:
                  production:
                    runtime: container
                    deploy_to: /srv/shop
                    image:
                      repository: shop-prod
                    hosts:
                      - host: web1.example.com
                        roles: [web, migrate]
                      - host: build.example.com
                        roles: [web]
                """ + BLUE_GREEN);

        assertThat(env.image()).isEqualTo(new ImageConfig("ghcr.io/acme", "shop-prod", "deploy/Dockerfile", "build.example.com",
                "127.0.0.1:5080/debian-django:bookworm"));
        assertThat(env.image().buildsLocally()).isFalse();
    }

    @Test
    void containerRuntimeNeedsARegistry() {
        assertThat(errors(HEAD + "runtime: container\n" + ENV)).containsExactly(
                "deploy.yml:3: image.registry: is required with runtime: container: the registry every host pulls the release's image from, e.g. registry.example.com:5000");
        assertThat(errors(HEAD + "runtime: container\nimage:\n  repository: shop\n" + ENV)).containsExactly(
                "deploy.yml:5: image.registry: is required with runtime: container: the registry every host pulls the release's image from, e.g. registry.example.com:5000");
    }

    @Test
    void imageWithoutContainerRuntimeIsAnError() {
        assertThat(errors(HEAD + "image:\n  registry: registry.example.com\n" + ENV)).containsExactly(
                "deploy.yml:4: image: is only used with runtime: container");
    }

    @Test
    void badValuesAreReportedWithTheirLines() {
        List<String> errors = errors(HEAD + """
                runtime: container
                image:
                  registry: https://registry.example.com
                  repository: Shop
                  dockerfile: /etc/Dockerfile
                  build: remote
                  base_image: "debian; rm -rf /"
                """ + ENV);

        assertThat(errors).containsExactly(
                "deploy.yml:5: image.registry: is a registry address without a scheme, e.g. registry.example.com:5000 (docker talks HTTPS, or HTTP to 127.0.0.0/8)",
                "deploy.yml:6: image.repository: 'Shop' is not an image repository name (lower-case letters and digits, separated by '.', '_', '-' or '/')",
                "deploy.yml:7: image.dockerfile: must be relative to the release directory",
                "deploy.yml:8: image.build: must be local (on the machine running djdeploy) or host NAME (one of the environment's hosts), got 'remote'",
                "deploy.yml:9: image.base_image: 'debian; rm -rf /' is not an image reference like debian:bookworm or registry.example.com/base:1");
    }

    @Test
    void unknownRuntime() {
        assertThat(errors(HEAD + "runtime: docker\n" + ENV)).containsExactly(
                "deploy.yml:3: runtime: must be one of virtualenv, container, got 'docker'");
    }

    @Test
    void builderMustBeOneOfTheHosts() {
        assertThat(errors(HEAD + """
                runtime: container
                image:
                  registry: registry.example.com
                  build: host elsewhere.example.com
                """ + ENV)).containsExactly(
                "deploy.yml:6: image.build: names host 'elsewhere.example.com', which is not one of this environment's hosts (web1.example.com, build.example.com)");
    }

    @Test
    void containerRuntimeNeedsBlueGreen() {
        String env = ENV.substring(0, ENV.indexOf("web:\n"));
        // at web.strategy when it is written, else at runtime
        assertThat(errors(HEAD + "runtime: container\nimage:\n  registry: registry.example.com\nweb:\n  strategy: restart\n  reload: x\n" + env))
                .containsExactly("deploy.yml:7: web.strategy: runtime: container needs web.strategy blue-green: the new release's container"
                        + " starts as the idle color and is checked on its own socket before nginx's web.sock link moves to it");
        assertThat(errors(HEAD + "runtime: container\nimage:\n  registry: registry.example.com\n" + env))
                .singleElement().asString().startsWith("deploy.yml:3: web.strategy: runtime: container needs web.strategy blue-green");
    }

    @Test
    void volumesAreHostAndContainerPaths() throws Exception {
        EnvironmentConfig env = production(HEAD + """
                runtime: container
                image:
                  registry: registry.example.com
                  volumes: [/srv/db:/srv/db, /etc/shop/ca.pem:/app/ca.pem:ro]
                """ + ENV);

        assertThat(env.image().volumes()).containsExactly("/srv/db:/srv/db", "/etc/shop/ca.pem:/app/ca.pem:ro");
        assertThat(errors(HEAD + "runtime: container\nimage:\n  registry: registry.example.com\n  volumes: [db:/srv/db, '/a:/b:rw']\n" + ENV))
                .containsExactly("deploy.yml:6: image.volumes[0]: 'db:/srv/db' is not HOST_PATH:CONTAINER_PATH or HOST_PATH:CONTAINER_PATH:ro (absolute paths, no spaces)",
                        "deploy.yml:6: image.volumes[1]: '/a:/b:rw' is not HOST_PATH:CONTAINER_PATH or HOST_PATH:CONTAINER_PATH:ro (absolute paths, no spaces)");
    }

    @Test
    void containerBlueGreenNeedsNoStartOrStopButTheVirtualenvStillDoes() throws Exception {
        String web = "web:\n  strategy: blue-green\nhealth:\n  url: http://127.0.0.1/healthz/\n";
        EnvironmentConfig env = production(HEAD + "runtime: container\nimage:\n  registry: 127.0.0.1:5080\n" + web + hosts());

        // the web layer fills them with the color's container (docs/containers.md); nothing is invented here
        assertThat(env.web().start()).isNull();
        assertThat(env.web().stop()).isNull();
        assertThat(errors(HEAD + web + hosts())).containsExactly(
                "deploy.yml:4: web.start: is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl start {app}-web@{color}",
                "deploy.yml:4: web.stop: is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl stop {app}-web@{color}");
    }

    @Test
    void workersOfContainersRunACommandInTheImageInsteadOfARestart() throws Exception {
        String web = "web:\n  strategy: blue-green\nhealth:\n  url: http://127.0.0.1/healthz/\n";
        String container = HEAD + "runtime: container\nimage:\n  registry: 127.0.0.1:5080\n" + web;
        EnvironmentConfig env = production(container + "workers:\n  command: celery -A shop worker\n  beat_command: celery -A shop beat\n"
                + "  stop_timeout: 5m\n" + hosts());

        assertThat(env.workers()).isEqualTo(new WorkersConfig(null, null, "celery -A shop worker", "celery -A shop beat", java.time.Duration.ofMinutes(5)));
        assertThat(errors(container + "workers:\n  restart: supervisorctl restart shop-worker\n" + hosts())).singleElement().asString()
                .startsWith("deploy.yml:11: workers.restart: is not used with runtime: container");
        assertThat(errors(HEAD + "workers:\n  command: celery -A shop worker\n" + hosts())).singleElement().asString()
                .startsWith("deploy.yml:4: workers.command: is only used with runtime: container");
    }

    /** The environments without the web section ENV ends with. */
    private static String hosts() {
        return ENV.substring(0, ENV.indexOf("web:\n"));
    }
}
