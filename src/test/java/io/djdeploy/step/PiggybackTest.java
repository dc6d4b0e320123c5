package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A command carried at the front of the next one, through a real shell: one round trip, the next command's result its own. */
class PiggybackTest {
    @TempDir
    Path dir;

    @Test
    void theCarriedCommandRunsFirstWithItsStdinAndLeavesNoTraceInTheNextOnesResult() throws Exception {
        // given: a ledger-like append with its line on stdin, queued
        LocalTransport local = new LocalTransport("web1");
        Transport t = Piggyback.wrap(local);
        Path ledger = dir.resolve("history.jsonl");
        List<String> failures = new ArrayList<>();
        boolean queued = Piggyback.before(t, Command.of("cat").appendTo(ledger.toString()).withStdin("{\"outcome\":\"started\"}\n"), failures::add);

        // when: the next command reads the file (so it must run after the append) and fails on purpose
        List<String> lines = new ArrayList<>();
        CommandResult r = t.run(Command.sh("cat " + ledger + "; echo err >&2; exit 3"), (s, l) -> lines.add(s + " " + l));

        // then
        assertThat(queued).isTrue();
        assertThat(local.roundTrips()).isEqualTo(1);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("{\"outcome\":\"started\"}\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.tail()).containsExactlyInAnyOrder("{\"outcome\":\"started\"}", "err");
        assertThat(lines).containsExactlyInAnyOrder("STDOUT {\"outcome\":\"started\"}", "STDERR err");   // two streams: no order between them
        assertThat(failures).isEmpty();
        // and only once
        assertThat(t.run(Command.sh("cat " + ledger)).stdout()).isEqualTo("{\"outcome\":\"started\"}\n");
    }

    @Test
    void aFailingCarriedCommandIsReportedAndTheNextOneStillRuns() throws Exception {
        LocalTransport local = new LocalTransport("web1");
        Transport t = Piggyback.wrap(local);
        List<String> failures = new ArrayList<>();
        Piggyback.before(t, Command.of("cat").appendTo(dir.resolve("no/such/dir/f").toString()).withStdin("x\n"), failures::add);

        CommandResult r = t.run(Command.sh("echo switched"));

        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo("switched\n");
        assertThat(failures).singleElement().asString().matches("exit status [1-9][0-9]*");   // dash: 2 for a redirect that fails
    }

    @Test
    void anUploadRunsItAloneFirst() throws Exception {
        LocalTransport local = new LocalTransport("web1");
        Transport t = Piggyback.wrap(local);
        Path f = dir.resolve("f");
        Piggyback.before(t, Command.of("cat").appendTo(f.toString()).withStdin("first\n"), x -> { });

        t.upload("second\n".getBytes(), dir.resolve("g").toString(), 0644);

        assertThat(Files.readString(f)).isEqualTo("first\n");
        assertThat(local.roundTrips()).isEqualTo(2);
    }

    @Test
    void aTerminalSessionThroughBothWrappersReachesTheHostAfterTheCarriedCommand() throws Exception {
        // given: the wrappers a run puts around a host's transport, and a started line queued
        List<String> calls = new ArrayList<>();
        Transport host = new Transport() {
            @Override public String host() { return "web1"; }
            @Override public void connect() { }
            @Override public CommandResult run(Command c, io.djdeploy.remote.OutputSink sink) {
                calls.add("run " + c.script());
                return new CommandResult(0, "", "", List.of(), java.time.Duration.ZERO);
            }
            @Override public int interactive(Command c, io.djdeploy.remote.Terminal terminal) {
                calls.add("interactive " + c.script());
                return 7;
            }
            @Override public void upload(byte[] content, String path, int mode) { }
            @Override public void close() { }
        };
        Transport t = Piggyback.wrap(PrivateScripts.wrap(host, new Redactor()));
        Piggyback.before(t, Command.of("echo", "started"), x -> { });

        // when
        int code = t.interactive(Command.of("python", "manage.py", "shell"), null);

        // then: the session is the host's own (not the interface's refusal), its exit code comes back, the line ran first
        assertThat(code).isEqualTo(7);
        assertThat(calls).containsExactly("run echo started", "interactive python manage.py shell");
    }
}
