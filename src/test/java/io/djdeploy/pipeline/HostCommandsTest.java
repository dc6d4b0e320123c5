package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Transport;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** exec and logs against a scripted host: what reaches the shell, what is masked, what the ledger says. */
class HostCommandsTest {
    static final String SECRET = "s3cr3t-value-from-the-env-file";
    static final String RELEASE = "20261201020000";

    /** Answers readlink current, the env file and the exec itself (which prints the secret and exits 3). */
    static final class ScriptedHost implements Transport {
        final List<String> sent = new ArrayList<>();
        final List<String> stdin = new ArrayList<>();

        public String host() { return "web1"; }
        public void connect() { }
        public void close() { }
        public void upload(byte[] content, String path, int mode) { sent.add("upload " + path); }

        public CommandResult run(Command c, OutputSink sink) {
            sent.add(c.script());
            if (c.stdin() != null) stdin.add(new String(c.stdin(), StandardCharsets.UTF_8));
            String s = c.script();
            if (s.startsWith("readlink")) return ok("releases/" + RELEASE + "\n");
            if (s.startsWith("cat /etc/shop/shop.env")) return ok("SECRET_KEY=" + SECRET + "\n");
            if (s.contains("manage.py")) {
                sink.line(OutputSink.Stream.STDOUT, "key is " + SECRET);
                return new CommandResult(3, "", "", List.of(), Duration.ZERO);
            }
            return ok("present\n");
        }

        static CommandResult ok(String out) {
            return new CommandResult(0, out, "", List.of(), Duration.ZERO);
        }
    }

    static EnvironmentConfig env(Path dir) throws Exception {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                django: {env_file: /etc/shop/shop.env}
                web: {strategy: restart, reload: supervisorctl restart shop-web}
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1, roles: [web, migrate]}
                """);
        return new ConfigLoader().load(cfg).environments().get("production");
    }

    @Test
    void execRunsInTheCurrentReleaseWithItsVenvMasksTheOutputAndRecordsWhoRanWhat(@TempDir Path dir) throws Exception {
        // given
        EnvironmentConfig env = env(dir);
        ScriptedHost host = new ScriptedHost();
        Redactor redactor = new Redactor();
        HostCommands commands = new HostCommands(env, h -> host, new Identity("alice", "laptop", 1), Clock.systemUTC(), redactor,
                "helper".getBytes(StandardCharsets.UTF_8));
        List<String> printed = new ArrayList<>();

        // when
        HostCommands.ExecResult r = commands.exec(env.hosts().get(0), List.of("python", "manage.py", "shell", "-c", "print(1)"),
                (s, l) -> printed.add(redactor.apply(l)));

        // then: the command's exit status, its output masked, the env file loaded by the helper (not on the command line)
        assertThat(r).isEqualTo(new HostCommands.ExecResult("web1", RELEASE, 3));
        assertThat(printed).containsExactly("key is " + Redactor.MASK);
        String exec = host.sent.stream().filter(s -> s.contains("manage.py")).findFirst().orElseThrow();
        assertThat(exec).contains("PATH=/srv/shop/releases/" + RELEASE + "/.venv/bin:\"$PATH\"", "--env-file /etc/shop/shop.env",
                "cd /srv/shop/releases/" + RELEASE).doesNotContain(SECRET);
        assertThat(host.stdin).singleElement().satisfies(l -> assertThat(l).contains("\"event\":\"exec\"", "\"outcome\":\"failed\"",
                "\"user\":\"alice\"", "\"note\":\"python manage.py shell -c 'print(1)'\"", "\"error\":\"exit status 3\""));
    }

    @Test
    void logsTailSupervisorsFilesElseJournald(@TempDir Path dir) throws Exception {
        HostCommands commands = new HostCommands(env(dir), h -> new ScriptedHost(), new Identity("a", "b", 1), Clock.systemUTC(),
                new Redactor(), new byte[0]);
        String follow = commands.logsCommand(20, true).script();
        assertThat(follow).contains("d=/var/log/shop", "tail -v -n 20 -F", "journalctl --no-pager -o short-iso -n 20 -f",
                "-u shop-web -u 'shop-web@*'");
        assertThat(commands.logsCommand(5, false).script()).contains("tail -v -n 5 --").doesNotContain(" -F").doesNotContain("-n 5 -f");
        assertThat(commands.logsCommand(5, true).timeout()).isGreaterThan(Duration.ofDays(1));
    }
}
