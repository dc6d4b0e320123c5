package io.djdeploy.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The completion script in real bash, with COMP_WORDS as bash sets them; a stub `djdeploy`
 * answers `__complete` (and records what it was asked), and __complete itself against a config.
 */
class CompletionTest {
    @TempDir
    static Path dir;
    static Path script;
    static Path stub;

    @BeforeAll
    static void writeScriptAndStub() throws Exception {
        script = dir.resolve("djdeploy.bash");
        Files.writeString(script, run("completion", "bash"));
        stub = dir.resolve("djdeploy");
        Files.writeString(stub, """
                #!/bin/sh
                echo "$*" >> "%s/asked"
                case "$2" in
                  envs) printf 'production\\nstaging\\n' ;;
                  hosts) printf 'web1\\nweb2\\nworker1\\n' ;;
                  roles) printf 'web\\nworker\\n' ;;
                  releases) printf '20261201020000\\n20261130000000\\n' ;;
                esac
                """.formatted(dir));
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String run(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        return out.toString();
    }

    /** What bash offers for the line, the last word being completed (possibly empty). */
    static List<String> complete(String... words) throws Exception {
        StringBuilder arr = new StringBuilder("COMP_WORDS=('" + stub + "'");
        for (String w : words) arr.append(" '").append(w).append("'");
        arr.append(")");
        String line = stub + " " + String.join(" ", words);
        String program = "source '" + script + "' 2>/dev/null\n" + arr + "\nCOMP_CWORD=" + words.length
                + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=${#COMP_LINE}\n_djdeploy_complete '" + stub + "' \"${COMP_WORDS[COMP_CWORD]}\" 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", program).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    void environmentsReleasesHostsAndRolesComeFromTheProject() throws Exception {
        assertThat(complete("deploy", "")).containsExactly("production", "staging");
        assertThat(complete("status", "st")).containsExactly("staging");
        assertThat(complete("rollback", "production", "--to", "2026113")).containsExactly("20261130000000");
        assertThat(complete("report", "production", "")).containsExactly("20261130000000", "20261201020000");
        assertThat(complete("status", "production", "--hosts", "web1,w")).containsExactly("web1,web1", "web1,web2", "web1,worker1");
        assertThat(complete("logs", "production", "--role", "")).containsExactly("web", "worker");
        assertThat(complete("exec", "production", "--host", "web")).containsExactly("web1", "web2");
        // the config and environment reach __complete
        complete("status", "-c", "other.yml", "production", "--hosts", "");
        assertThat(Files.readAllLines(dir.resolve("asked"))).contains("__complete hosts -c other.yml production", "__complete releases production");
    }

    @Test
    void subcommandsOptionsAndEnumValuesComeFromPicocli() throws Exception {
        assertThat(complete("dep")).containsExactly("deploy");
        assertThat(complete("deploy", "production", "--format", "")).containsExactly("json", "text");
        assertThat(complete("deploy", "production", "--color", "")).containsExactly("always", "auto", "never");
        assertThat(complete("init", "--manager", "")).containsExactly("supervisor", "systemd");
        assertThat(complete("init", "--strategy", "")).contains("blue-green", "reload", "restart");
        assertThat(complete("deploy", "production", "--app")).contains("--approve-migrations");
        assertThat(complete("")).doesNotContain("__complete").contains("exec", "logs", "deploy");
    }

    @Test
    void completeReadsTheConfigAndStaysQuietWithoutOne() throws Exception {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                web: {strategy: restart, reload: supervisorctl restart shop-web}
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1, roles: [web, migrate]}
                      - {host: worker1, roles: [worker]}
                  staging:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: stage1, roles: [web, migrate]}
                """);
        assertThat(run("__complete", "envs", "-c", cfg.toString()).lines()).containsExactly("production", "staging");
        assertThat(run("__complete", "hosts", "production", "-c", cfg.toString()).lines()).containsExactly("web1", "worker1");
        assertThat(run("__complete", "hosts", "-c", cfg.toString()).lines()).containsExactly("web1", "worker1", "stage1");
        assertThat(run("__complete", "roles", "production", "-c", cfg.toString()).lines()).contains("web", "migrate", "worker", "beat");
        assertThat(run("__complete", "envs", "-c", dir.resolve("missing.yml").toString())).isEmpty();
    }
}
