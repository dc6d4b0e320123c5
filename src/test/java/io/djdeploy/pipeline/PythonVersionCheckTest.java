package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** python.version: versions compare numerically (3.9 is older than 3.11), and only a config with it asks the host. */
class PythonVersionCheckTest {
    @Test
    void versionsCompareAsNumbersNotText() {
        assertThat(HostChecks.compareVersions("3.9", "3.11")).isNegative();
        assertThat(HostChecks.compareVersions("3.11", "3.11")).isZero();
        assertThat(HostChecks.compareVersions("3.12", "3.11")).isPositive();
        assertThat(HostChecks.compareVersions("3.10", "3.9")).isPositive();
    }

    @Test
    void onlyAConfigWithPythonVersionAsksTheHostsInterpreter() throws Exception {
        String yml = """
                app: shop
                repo: /srv/git/shop.git
                python:
                  interpreter: /usr/bin/python3.11
                %s
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts: [{host: web1, roles: [web, migrate]}]
                """;
        EnvironmentConfig with = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yml.formatted("  version: \"3.11\""))
                .environments().get("production");
        EnvironmentConfig without = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yml.formatted(""))
                .environments().get("production");
        assertThat(with.python().version()).isEqualTo("3.11");
        assertThat(without.python().version()).isNull();
    }
}
