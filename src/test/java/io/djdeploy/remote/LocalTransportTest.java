package io.djdeploy.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalTransportTest {
    final LocalTransport t = new LocalTransport("local");

    @Test
    void runsThroughShAndReportsExitStatusOutputAndTail() throws Exception {
        // given
        List<String> streamed = Collections.synchronizedList(new ArrayList<>());

        // when
        CommandResult r = t.run(Command.sh("echo out; echo err >&2; exit 3"), (s, l) -> streamed.add(s + ":" + l));

        // then
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.tail()).containsExactlyInAnyOrder("out", "err");
        assertThat(streamed).containsExactlyInAnyOrder("STDOUT:out", "STDERR:err");
    }

    @Test
    void stdinCarriesDataThatMustNotBeOnTheCommandLine() throws Exception {
        CommandResult r = t.run(Command.of("cat").withStdin("s3cret\n"));
        assertThat(r.out()).isEqualTo("s3cret");
    }

    @Test
    void tailKeepsTheLastLines() throws Exception {
        CommandResult r = t.run(Command.sh("seq 1 100"));
        assertThat(r.tail()).hasSize(LocalTransport.TAIL_LINES).endsWith("100");
    }

    @Test
    void aCommandThatRunsTooLongIsKilledAndReported() {
        assertThatThrownBy(() -> t.run(Command.sh("sleep 30").withTimeout(Duration.ofMillis(300))))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("timed out after 300ms");
    }

    @Test
    void uploadWritesAtomicallyWithTheMode(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/file.txt");
        t.upload("hello".getBytes(), f.toString(), 0640);
        assertThat(f).hasContent("hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    }

    @Test
    void countsEveryCommandAndUploadAsARoundTrip(@TempDir Path dir) throws Exception {
        assertThat(t.roundTrips()).isZero();
        t.run(Command.sh("true"));
        t.run(Command.sh("exit 3"));
        t.upload(new byte[] {'x'}, dir.resolve("f").toString(), 0600);
        assertThat(t.roundTrips()).isEqualTo(3);
    }

    @Test
    void anInteractiveCommandHereGetsTheTerminalItselfWithCtrlCHandedOverUntilItEnds(@TempDir Path dir) throws Exception {
        // given: a terminal that records what is done to it
        List<String> done = Collections.synchronizedList(new ArrayList<>());
        Terminal term = new Terminal() {
            @Override public String type() { return "xterm"; }
            @Override public int columns() { return 80; }
            @Override public int lines() { return 24; }
            @Override public java.io.InputStream in() { throw new AssertionError("a local command reads the terminal itself"); }
            @Override public java.io.OutputStream out() { throw new AssertionError("a local command writes the terminal itself"); }
            @Override public Restore raw() { throw new AssertionError("no raw mode: there is no pty of ours to edit lines"); }
            @Override public Restore handOver() {
                done.add("handed over");
                return () -> done.add("taken back");
            }
        };

        // when
        int code = new LocalTransport("local").interactive(Command.sh("touch " + Shell.quote(dir.resolve("ran").toString()) + "; exit 7"), term);

        // then
        assertThat(code).isEqualTo(7);
        assertThat(dir.resolve("ran")).exists();
        assertThat(done).containsExactly("handed over", "taken back");
    }
}
