package io.djdeploy.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** When exec takes the user's terminal, and what it refuses before touching a host. */
class ExecTerminalTest {
    record Run(int code, String out) {}

    @TempDir
    Path dir;
    Path cfg;

    @BeforeEach
    void twoLocalHosts() throws Exception {
        cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                environments:
                  production:
                    deploy_to: %s
                    hosts:
                      - {host: web1, roles: [web, migrate], transport: local}
                      - {host: web2, roles: [web], transport: local}
                """.formatted(dir.resolve("srv")));
    }

    Run run(String... args) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(args, w, w);
        return new Run(code, buf.toString());
    }

    @Test
    void aTerminalSessionByDefaultOnlyOnATerminalWithoutJsonAndNeverWithNoTty() {
        assertThat(ExecCommand.interactive(false, false, false, true)).isTrue();
        assertThat(ExecCommand.interactive(false, false, false, false)).isFalse();
        assertThat(ExecCommand.interactive(false, false, true, true)).as("--format json on a terminal").isFalse();
        assertThat(ExecCommand.interactive(true, false, false, false)).as("--tty in a pipe").isTrue();
        assertThat(ExecCommand.interactive(false, true, false, true)).as("--no-tty on a terminal").isFalse();
    }

    @Test
    void aTerminalSessionOnSeveralHostsIsRefusedWithOneLineAndNothingRuns() {
        // when
        Run r = run("exec", "production", "--tty", "--role", "web", "-c", cfg.toString(), "--", "touch", dir.resolve("ran").toString());

        // then
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out().strip()).isEqualTo("djdeploy: error: a terminal session runs on one host, and --role web selects 2 (web1, web2): "
                + "pick one with --host, or add -T to run on each without a terminal");
        assertThat(dir.resolve("ran")).doesNotExist();
        assertThat(dir.resolve("srv")).doesNotExist();
    }

    @Test
    void ttyWithJsonOrWithNoTtyIsAUsageError() {
        Run json = run("exec", "production", "--tty", "--format", "json", "-c", cfg.toString(), "--", "true");
        Run both = run("exec", "production", "-t", "-T", "-c", cfg.toString(), "--", "true");

        assertThat(json.code()).as(json.out()).isEqualTo(2);
        assertThat(json.out()).contains("--tty: a terminal session has no JSON events");
        assertThat(both.code()).as(both.out()).isEqualTo(2);
        assertThat(both.out()).contains("give --tty or --no-tty, not both");
    }
}
