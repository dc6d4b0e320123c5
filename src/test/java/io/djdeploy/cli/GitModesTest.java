package io.djdeploy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** git.mode as `plan` and `export-script` show it (docs/git.md). */
class GitModesTest {
    static Path config(Path dir, String extra) throws Exception {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: git@git.example.com:team/shop.git
                python: {interpreter: /usr/bin/python3}
                web:
                  reload: supervisorctl restart shop-web
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1.example.com, roles: [web, migrate]}
                """ + extra);
        return cfg;
    }

    @Test
    void hostModePlansGitReachableAndTheMirrorFetch(@TempDir Path dir) throws Exception {
        ExportScriptTest.Run r = ExportScriptTest.run("plan", "production", "--ref", "v1", "-c", config(dir, "").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("git reachable", "timeout 15s env GIT_TERMINAL_PROMPT=0 git ls-remote -- git@git.example.com:team/shop.git HEAD",
                "clone --mirror", "set -- git tar");
    }

    @Test
    void uploadModeFetchesNothingOnTheHostsAndUnpacksOneStream(@TempDir Path dir) throws Exception {
        ExportScriptTest.Run r = ExportScriptTest.run("plan", "production", "--ref", "v1", "-c",
                config(dir, "git:\n  mode: upload\n").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("tar -x -z -f - -C /srv/shop/releases/", "set -- tar sha256sum")
                .doesNotContain("git reachable", "ls-remote", "clone --mirror", "git archive");
    }

    @Test
    void exportScriptRefusesUploadModeSayingWhy(@TempDir Path dir) throws Exception {
        ExportScriptTest.Run r = ExportScriptTest.run("export-script", "production", "-c", config(dir, "git:\n  mode: upload\n").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("git.mode: upload sends the code from the machine running djdeploy");
    }
}
