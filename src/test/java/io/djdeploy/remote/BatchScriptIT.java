package io.djdeploy.remote;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared script in a real /bin/sh: each command's own output, status, input and stop, as BatchOutput reads them. */
class BatchScriptIT {
    final LocalTransport local = new LocalTransport("local");

    List<String> run(Batch b) throws Exception {
        List<String> seen = new ArrayList<>();
        BatchOutput out = new BatchOutput(b, new BatchOutput.Listener() {
            public void line(int index, OutputSink.Stream stream, String line) { seen.add(index + " " + stream + " " + line); }
            public void finished(int index, CommandResult r, Long hostMillis, boolean last) {
                seen.add(index + " exit=" + r.exitCode() + " last=" + last + " tail=" + r.tail() + (hostMillis == null ? " no-clock" : ""));
            }
        });
        CommandResult r = local.run(b, out);
        out.end(r.exitCode());
        return seen;
    }

    @Test
    void eachCommandKeepsItsOutputStatusAndInputAndTheScriptStopsAtTheFirstCheckedFailure() throws Exception {
        Batch b = new Batch(List.of(
                new Batch.Entry(Command.of("cat").withStdin("one\n"), 0, true),
                new Batch.Entry(Command.sh("printf 'no newline'; echo warn >&2; exit 0"), 1, true),
                new Batch.Entry(Command.sh("head -c 1 >/dev/null; exit 3"), 2, false),      // reads a part of its input only
                new Batch.Entry(Command.of("cat").withStdin("three\n"), 2, false),
                new Batch.Entry(Command.sh("echo broken >&2; exit 5"), 3, true),
                new Batch.Entry(Command.sh("echo never"), 4, true)), List.of(false, false, false, false, false));
        List<String> seen = run(b);
        // stdout and stderr have no order between them; each command's lines come before its end
        assertThat(seen).containsExactlyInAnyOrder(
                "0 STDOUT one", "0 exit=0 last=false tail=[one]",
                "1 STDOUT no newline", "1 STDERR warn", "1 exit=0 last=false tail=[no newline, warn]",
                "2 exit=3 last=false tail=[]",
                "3 STDOUT three", "3 exit=0 last=false tail=[three]",
                "4 STDERR broken", "4 exit=5 last=true tail=[broken]");
        assertThat(seen).containsSubsequence("0 STDOUT one", "0 exit=0 last=false tail=[one]", "1 STDOUT no newline",
                "1 exit=0 last=false tail=[no newline, warn]", "2 exit=3 last=false tail=[]", "3 STDOUT three",
                "3 exit=0 last=false tail=[three]", "4 STDERR broken", "4 exit=5 last=true tail=[broken]");
        assertThat(seen).containsSubsequence("1 STDERR warn", "1 exit=0 last=false tail=[no newline, warn]");
    }

    @Test
    void aGroupThatMustPassEndsTheScriptWhenACommandOrItsOutputGateFails() throws Exception {
        Command policy = Command.of("grep", "-q", "-F", "-e", "(security.W018)", "--", Batch.KEPT_STDOUT, Batch.KEPT_STDERR).not();
        Batch passes = new Batch(List.of(
                new Batch.Entry(Command.sh("echo fine; echo 'WARNINGS: (security.W004) hsts' >&2"), 0, false, policy),
                new Batch.Entry(Command.sh("echo next"), 1, true)), List.of(true, false));
        assertThat(run(passes)).containsExactlyInAnyOrder("0 STDOUT fine", "0 STDERR WARNINGS: (security.W004) hsts",
                "0 exit=0 last=false tail=[fine, WARNINGS: (security.W004) hsts]", "1 STDOUT next", "1 exit=0 last=true tail=[next]");

        Batch stops = new Batch(List.of(
                new Batch.Entry(Command.sh("echo '?: (security.W018) DEBUG' >&2"), 0, false, policy),
                new Batch.Entry(Command.sh("echo next"), 1, true)), List.of(true, false));
        assertThat(run(stops)).containsExactly("0 STDERR ?: (security.W018) DEBUG", "0 exit=0 last=true tail=[?: (security.W018) DEBUG]");
    }
}
