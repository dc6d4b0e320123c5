package io.djdeploy.remote;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared script's two halves: what it sends (one command, inputs in order) and how its output is cut back into commands. */
class BatchTest {
    static final String B = "djdeploy-batch-test";

    record Seen(List<String> lines, List<String> finished) {}

    static Seen read(Batch b, List<String[]> streamed) {
        List<String> lines = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        BatchOutput out = new BatchOutput(b, new BatchOutput.Listener() {
            public void line(int index, OutputSink.Stream stream, String line) { lines.add(index + " " + stream + " " + line); }
            public void finished(int index, CommandResult r, Long hostMillis, boolean last) {
                finished.add(index + " exit=" + r.exitCode() + " out=" + r.stdout().strip() + " err=" + r.stderr().strip() + " tail=" + r.tail()
                        + " ms=" + r.duration().toMillis());
            }
        });
        for (String[] l : streamed) out.line("err".equals(l[0]) ? OutputSink.Stream.STDERR : OutputSink.Stream.STDOUT, l[1]);
        return new Seen(lines, finished);
    }

    static Batch batch(boolean... checked) {
        List<Batch.Entry> e = new ArrayList<>();
        for (int i = 0; i < checked.length; i++) e.add(new Batch.Entry(Command.of("step" + i), i, checked[i]));
        List<Boolean> must = new ArrayList<>();
        for (boolean c : checked) must.add(false);
        return new Batch(e, must, B);
    }

    @Test
    void eachCommandGetsItsOwnLinesStatusAndTimeEvenWhenOneStreamIsAhead() {
        Batch b = batch(true, true);
        Seen s = read(b, List.of(
                new String[] {"out", B + " - - 1000"},
                new String[] {"out", "one"},
                new String[] {"out", B + " 0 0 1250"},
                new String[] {"out", "two"},                 // stdout of the next command before stderr's boundary
                new String[] {"err", "warn one"},
                new String[] {"err", B + " 0"},
                new String[] {"err", "partial" + B + " 1"},  // output without a final newline
                new String[] {"out", B + " 1 3 1300"}));
        assertThat(s.lines()).containsExactly("0 STDOUT one", "0 STDERR warn one", "1 STDOUT two", "1 STDERR partial");
        assertThat(s.finished()).containsExactly(
                "0 exit=0 out=one err=warn one tail=[one, warn one] ms=250",
                "1 exit=3 out=two err=partial tail=[two, partial] ms=50");
    }

    @Test
    void aScriptThatDiesInsideACommandFailsThatCommandWithTheScriptsStatus() {
        Batch b = batch(true, true);
        List<String> finished = new ArrayList<>();
        BatchOutput out = new BatchOutput(b, new BatchOutput.Listener() {
            public void line(int index, OutputSink.Stream stream, String line) { }
            public void finished(int index, CommandResult r, Long hostMillis, boolean last) { finished.add(index + " " + r.exitCode() + " " + r.stdout().strip()); }
        });
        out.line(OutputSink.Stream.STDOUT, B + " 0 0 5");
        out.line(OutputSink.Stream.STDERR, B + " 0");
        out.line(OutputSink.Stream.STDOUT, "half way");
        out.end(137);
        assertThat(finished).containsExactly("0 0 ", "1 137 half way");
    }

    @Test
    void theScriptStopsAfterAFailedCheckedCommandOrAGroupThatMustPass() {
        List<Batch.Entry> e = List.of(new Batch.Entry(Command.of("a"), 0, false), new Batch.Entry(Command.of("b"), 0, false),
                new Batch.Entry(Command.of("c"), 1, true), new Batch.Entry(Command.of("d"), 2, false));
        Batch b = new Batch(e, List.of(true, false, false), B);
        assertThat(b.stopsAfter(0, List.of(1))).as("inside a group: its other commands still run").isFalse();
        assertThat(b.stopsAfter(1, List.of(1, 0))).as("a group that must pass, one command failed").isTrue();
        assertThat(b.stopsAfter(1, List.of(0, 0))).isFalse();
        assertThat(b.stopsAfter(2, List.of(0, 0, 2))).as("a checked command failed").isTrue();
        assertThat(b.stopsAfter(2, List.of(0, 0, 0))).isFalse();
        assertThat(b.stopsAfter(3, List.of(0, 0, 0, 0))).as("the last").isTrue();
    }

    @Test
    void theScriptIsOneCommandWhoseInputIsEachCommandsInputInOrderAndWhoseTimeoutIsTheSum() {
        List<Batch.Entry> e = List.of(
                new Batch.Entry(Command.of("cat").withStdin("first").withTimeout(Duration.ofSeconds(10)), 0, true),
                new Batch.Entry(Command.of("true").withTimeout(Duration.ofSeconds(5)), 1, true),
                new Batch.Entry(Command.of("cat").withStdin("second"), 2, true));
        Command c = new Batch(e, List.of(false, false, false), B).command();
        assertThat(new String(c.stdin())).isEqualTo("firstsecond");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(15).plus(Command.DEFAULT_TIMEOUT));
        assertThat(c.script()).contains("head -c 5 | { ( cat\n)", "( true\n) </dev/null", "head -c 6 | { ( cat\n)")
                .doesNotContain("first", "second");
    }

    @Test
    void aSimulatedScriptPrintsWhatTheRealOneWouldAndStopsWhereItWould() throws Exception {
        Batch b = batch(true, true, true);
        Map<String, CommandResult> answers = Map.of(
                "step0", new CommandResult(0, "a\n", "", List.of(), Duration.ZERO),
                "step1", new CommandResult(4, "", "broken\n", List.of(), Duration.ZERO));
        List<String> ran = new ArrayList<>();
        List<String[]> streamed = new ArrayList<>();
        b.simulate(c -> {
            ran.add(c.script());
            return answers.get(c.script());
        }, (stream, line) -> streamed.add(new String[] {stream == OutputSink.Stream.STDERR ? "err" : "out", line}));
        assertThat(ran).containsExactly("step0", "step1");
        assertThat(read(b, streamed).finished()).containsExactly(
                "0 exit=0 out=a err= tail=[a] ms=0", "1 exit=4 out= err=broken tail=[broken] ms=0");
    }
}
