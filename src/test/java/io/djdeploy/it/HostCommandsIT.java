package io.djdeploy.it;

import io.djdeploy.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** `exec` and `logs` on a real test host (sshd, supervisor, gunicorn), after one deploy. */
@ExtendWith(TestHostsExtension.class)
class HostCommandsIT {
    static final String ENV = "test";
    static final String WEB = TestHosts.address(1);
    static TestHosts hosts;
    static String secret;

    @BeforeAll
    static void deployed(@TestHostsExtension.Hosts(1) TestHosts h) throws Exception {
        hosts = h;
        Site.Run deploy = hosts.djdeploy(hosts.config(), "deploy", ENV, "--ref", "v1");
        assertThat(deploy.code()).as(deploy.output()).isZero();
        secret = Files.readAllLines(hosts.host(WEB).resolve("etc/demo.env")).stream()
                .filter(l -> l.startsWith("SECRET_KEY=")).findFirst().orElseThrow().substring("SECRET_KEY=".length());
    }

    /** Options before `--`: after it every word is the remote command's. */
    static Site.Run djdeploy(List<String> options, List<String> command) {
        List<String> a = new ArrayList<>(options);
        a.addAll(List.of("-c", hosts.config().toString()));
        if (!command.isEmpty()) {
            a.add("--");
            a.addAll(command);
        }
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(a.toArray(String[]::new), w, w);
        EventLog.check(a, buf.toString());
        return new Site.Run(code, buf.toString());
    }

    @Test
    void execRunsManagePyInTheCurrentReleaseMasksItsOutputAndExitsWithItsStatus() throws Exception {
        // when: not on a terminal; the command prints the secret (from the env file the helper loaded) and exits 3
        String py = "from django.conf import settings; import sys; print('key=' + settings.SECRET_KEY); print('release ok'); sys.exit(3)";
        Site.Run run = djdeploy(List.of("exec", ENV, "--host", WEB), List.of("python", "manage.py", "shell", "-c", py));
        Site.Run json = djdeploy(List.of("exec", ENV, "--format", "json"), List.of("python", "-c", "import sys; print(sys.prefix)"));

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(3);
        assertThat(run.output()).contains("key=[REDACTED]", "release ok").doesNotContain(secret);
        String current = hosts.current(WEB);
        assertThat(json.code()).as(json.output()).isZero();
        assertThat(json.output()).contains("\"event\":\"output\"", "/srv/demo/releases/" + current + "/.venv",
                "\"event\":\"exec_finished\"", "\"exit_code\":0");
        List<String> ledger = Files.readAllLines(hosts.host(WEB).resolve("srv/demo/.djdeploy/history.jsonl"));
        assertThat(ledger).anySatisfy(l -> assertThat(l).contains("\"event\":\"exec\"", "\"outcome\":\"failed\"",
                "\"release\":\"" + current + "\"", "\"error\":\"exit status 3\"", "manage.py shell -c"));
        assertThat(String.join("\n", ledger)).doesNotContain(secret);
    }

    @Test
    void execOnATerminalGivesManagePyShellAPtyOnTheHostAndTheLedgerStillRecordsIt() throws Exception {
        // when: a person runs manage.py shell on their terminal and types into it
        int code;
        String screen;
        boolean restored;
        try (Pty shell = Pty.jar(List.of("exec", ENV, "-c", hosts.config().toString(), "--", "python", "manage.py", "shell"))) {
            shell.await(">>> ").type("print(6*7)\n").await("42").type("exit()\n");
            code = shell.waitFor();
            screen = shell.screen();
            restored = shell.settingsKept();
        }

        // then: the answer came back from the host's Python, and the ledger says who ran what
        assertThat(code).as(screen).isZero();
        assertThat(screen).contains("42");
        assertThat(restored).as("the terminal is out of raw mode again: " + screen).isTrue();
        assertThat(hosts.ledger(WEB)).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo("exec");
            assertThat(e.note()).isEqualTo("python manage.py shell");
            assertThat(e.outcome()).isEqualTo("success");
            assertThat(e.release()).isEqualTo(hosts.current(WEB));
        });
    }

    @Test
    void theHostSeesATerminalOnlyWhenDjdeployRunsOnOneAndNotWithNoTty() throws Exception {
        List<String> isatty = List.of("python", "-c", "import sys; print('tty=%s' % sys.stdin.isatty())");
        List<String> pty = new ArrayList<>(List.of("exec", ENV, "-c", hosts.config().toString(), "--"));
        pty.addAll(isatty);
        List<String> noTty = new ArrayList<>(List.of("exec", ENV, "-T", "-c", hosts.config().toString(), "--"));
        noTty.addAll(isatty);

        // when
        String onTerminal, forcedOff;
        try (Pty a = Pty.jar(pty); Pty b = Pty.jar(noTty)) {
            assertThat(a.waitFor()).as(a.screen()).isZero();
            assertThat(b.waitFor()).as(b.screen()).isZero();
            onTerminal = a.screen();
            forcedOff = b.screen();
        }
        Site.Run inPipe = djdeploy(List.of("exec", ENV), isatty);

        // then
        assertThat(onTerminal).contains("tty=True");
        assertThat(forcedOff).contains("tty=False");
        assertThat(inPipe.output()).contains("tty=False");
    }

    @Test
    void dbshellOnATerminalIsTheDatabasesOwnShell() throws Exception {
        // when: the example app's SQLite database, through Django's dbshell (sqlite3 prompts only on a terminal)
        int code;
        try (Pty db = Pty.jar(List.of("exec", ENV, "-c", hosts.config().toString(), "--", "python", "manage.py", "dbshell"))) {
            db.await("sqlite> ").type("select 6*7;\n").await("42").type(".quit\n");
            code = db.waitFor();
        }

        // then
        assertThat(code).isZero();
    }

    @Test
    void aResizedWindowReachesTheHostsPty() throws Exception {
        // given: a command on the host that prints its terminal's size at each Enter, until q
        String py = "import os\nwhile True:\n    print('size=%dx%d' % tuple(os.get_terminal_size(0)), flush=True)\n    if input() == 'q': break";
        int code;
        try (Pty p = Pty.jar(List.of("exec", ENV, "-c", hosts.config().toString(), "--", "python", "-c", py))) {
            p.await("size=80x24");

            // when: the window grows
            p.resize(100, 30);

            // then: the host's pty follows (SIGWINCH, stty size, an SSH window-change)
            p.typeUntil("\n", "size=100x30").type("q\n");
            code = p.waitFor();
        }
        assertThat(code).isZero();
    }

    @Test
    void logsShowGunicornsLinesPrefixedByHostAndFollowUntilCancelled() throws Exception {
        // given: a request gunicorn logs
        assertThat(hosts.get(WEB, "/healthz/").statusCode()).isEqualTo(200);

        // when
        Site.Run run = djdeploy(List.of("logs", ENV, "-n", "20"), List.of());

        // then
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("[" + WEB + "] web | ").contains("GET /healthz/");

        // when: following, a new request's line arrives; then the command is cancelled
        CountDownLatch seen = new CountDownLatch(1);
        StringBuilder followed = new StringBuilder();
        Writer w = new Writer() {
            @Override public synchronized void write(char[] c, int off, int len) {
                followed.append(c, off, len);
                if (followed.indexOf("/about-follow/") >= 0) seen.countDown();
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Main.execute(new String[]{"logs", ENV, "--follow", "-n", "0", "-c", hosts.config().toString()},
                new PrintWriter(w, true), new PrintWriter(w, true))));
        t.start();
        boolean arrived = false;
        for (int i = 0; i < 30 && !arrived; i++) {
            try {
                hosts.get(WEB, "/about-follow/");
            } catch (IOException e) {
                // the site answers 404 for this path; only gunicorn's log line matters
            }
            arrived = seen.await(1, TimeUnit.SECONDS);
        }
        t.interrupt();
        t.join(30_000);

        // then
        assertThat(arrived).as(followed.toString()).isTrue();
        assertThat(t.isAlive()).isFalse();
        assertThat(code.get()).isEqualTo(130);
    }
}
