package io.djdeploy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets in the config, without a host: what `plan`, `checklist` and `export-script` print
 * (the exact commands a deploy runs) never holds one, rendered per host or not, and no
 * command puts one on a command line.
 */
class SecretsTest {
    static final String HEALTH_TOKEN = "hTok-5b1e9d77";
    static final String GIT_TOKEN = "ghp_Gt0k3n4242";
    static final String VERIFY_TOKEN = "vTok-88aa11";

    static Path config(Path dir, String repo) throws Exception {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: %s
                python: {interpreter: /usr/bin/python3}
                django: {env_file: /etc/shop/shop.env}
                web:
                  reload: supervisorctl restart shop-web
                health:
                  url: {value: "http://{host}:8000/healthz/?token=%s", secret: true}
                verify:
                  urls:
                    - {url: {value: "http://{host}/status?key=%s", secret: true}}
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1.example.com, roles: [web, migrate]}
                      - {host: 10.0.0.7, roles: [web]}
                """.formatted(repo, HEALTH_TOKEN, VERIFY_TOKEN));
        return cfg;
    }

    @Test
    void planAndChecklistShowNoSecretRenderedForAHostAndPutNoneOnACommandLine(@TempDir Path dir) throws Exception {
        // given: a secret health URL with {host}, and a repository URL holding a password
        Path cfg = config(dir, "https://deployer:" + GIT_TOKEN + "@git.example.com/shop.git");

        // when
        ExportScriptTest.Run plan = ExportScriptTest.run("plan", "production", "-c", cfg.toString());
        ExportScriptTest.Run json = ExportScriptTest.run("plan", "production", "--format", "json", "-c", cfg.toString());
        ExportScriptTest.Run checklist = ExportScriptTest.run("checklist", "production", "-c", cfg.toString());

        // then: no token in any form, and the commands carry them on stdin (health: --url -, git: a credential helper)
        assertThat(plan.code()).as(plan.err()).isZero();
        for (ExportScriptTest.Run r : new ExportScriptTest.Run[]{plan, json, checklist}) {
            assertThat(r.out() + r.err()).doesNotContain(HEALTH_TOKEN, GIT_TOKEN, VERIFY_TOKEN, "healthz/?token", "status?key");
        }
        assertThat(plan.out()).contains("health --url - ", "# stdin:", "https://deployer@git.example.com/shop.git",
                "credential.helper=", "DJDEPLOY_GIT_CREDENTIALS");
    }

    @Test
    void exportScriptRefusesASecretRenderedForAHost(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, "/srv/git/shop.git");
        ExportScriptTest.Run r = ExportScriptTest.run("export-script", "production", "--host", "web1.example.com", "-c", cfg.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("health.url: marked secret: true");
        assertThat(r.out() + r.err()).doesNotContain(HEALTH_TOKEN);
    }

    @Test
    void exportScriptRefusesARepositoryPassword(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: https://deployer:%s@git.example.com/shop.git
                python: {interpreter: /usr/bin/python3}
                web:
                  reload: supervisorctl restart shop-web
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1.example.com, roles: [web, migrate]}
                """.formatted(GIT_TOKEN));
        ExportScriptTest.Run r = ExportScriptTest.run("export-script", "production", "-c", cfg.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("repo: holds a password");
        assertThat(r.out() + r.err()).doesNotContain(GIT_TOKEN);
    }
}
