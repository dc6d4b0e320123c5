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
}
