package io.djdeploy.remote;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Several commands sent as ONE remote script: one round trip instead of one per command (issue
 * 18). Each command keeps what it had alone: its own exit status, its own output (both streams
 * cut apart at a boundary line), its own time (the host's clock at each boundary) and its own
 * standard input.
 *
 * <p>The script, in POSIX sh: a random boundary {@code B}; each command runs in a subshell (an
 * {@code exit} or {@code cd} inside it stays inside), with {@code </dev/null} or, when it has
 * input, exactly its bytes of the script's standard input ({@code head -c N}; the rest is drained
 * so the next command's input starts where it should, whatever the command read). After each
 * command a line {@code B INDEX STATUS MILLIS} goes to standard output and {@code B INDEX} to
 * standard error: the reader cuts each stream there ({@link Demux}). The line may follow output
 * that did not end in a newline, so the boundary is looked for anywhere in a line.
 *
 * <p>When the script goes on: an entry that {@code stopsOnFailure} ends the script with its
 * status when it fails (a checked command); a group that {@code mustPass} ends it (status 0)
 * after its last entry unless each of its entries exited 0 (a step whose verdict the caller
 * reads afterwards: the script must not run what follows a step that may have failed). The
 * timeout is the sum of the commands' timeouts. Secrets stay where they were: standard input,
 * never the script's text.
 */
public final class Batch {
    /**
     * One command of the script, in step (group) {@code group}.
     * @param gate null, or a test of the command's output (the files {@link #KEPT_STDOUT} and
     *             {@link #KEPT_STDERR}) that fails when the script must not go on: a verdict on output
     *             that the caller also reads (e.g. a warning that fails by policy)
     */
    public record Entry(Command command, int group, boolean stopsOnFailure, Command gate) {
        public Entry {
            if (gate != null && command.stdin() != null) throw new IllegalArgumentException("a gated command takes no input");
        }

        public Entry(Command command, int group, boolean stopsOnFailure) {
            this(command, group, stopsOnFailure, null);
        }
    }

    /** Where a gated command's standard output is kept for its gate (a private temp dir, removed right after). */
    public static final Shell.Var KEPT_STDOUT = Shell.var("djb_t").around("", "/o");
    /** Where a gated command's standard error is kept for its gate. */
    public static final Shell.Var KEPT_STDERR = Shell.var("djb_t").around("", "/e");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Entry> entries;
    private final List<Boolean> mustPass;
    private final String boundary;
    private final Command pre;          // a command carried at the front (Piggyback), or null
    private final String preText;
    private final String preMarker;

    /**
     * @param entries  in order; groups numbered from 0, consecutive
     * @param mustPass per group: the script stops after the group unless each of its entries exited 0
     */
    public Batch(List<Entry> entries, List<Boolean> mustPass) {
        this(entries, mustPass, newBoundary());
    }

    Batch(List<Entry> entries, List<Boolean> mustPass, String boundary) {
        this(entries, mustPass, boundary, null, null, null);
    }

    private Batch(List<Entry> entries, List<Boolean> mustPass, String boundary, Command pre, String preText, String preMarker) {
        if (entries.isEmpty()) throw new IllegalArgumentException("an empty batch");
        this.entries = List.copyOf(entries);
        this.mustPass = List.copyOf(mustPass);
        this.boundary = boundary;
        this.pre = pre;
        this.preText = preText;
        this.preMarker = preMarker;
    }

    /**
     * This script with {@code text} at its front: it runs {@code pre} and prints
     * {@code marker STATUS} on stdout (io.djdeploy.step.Piggyback); a test host runs {@code pre}
     * and prints that line itself.
     */
    public Batch after(Command pre, String text, String marker) {
        return new Batch(entries, mustPass, boundary, pre, text, marker);
    }

    static String newBoundary() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "djdeploy-batch-" + HexFormat.of().formatHex(b);
    }

    public List<Entry> entries() { return entries; }
    public String boundary() { return boundary; }

    /** The whole script as one command: its input is the entries' inputs, one after the other. */
    public Command command() {
        StringBuilder sb = new StringBuilder(preText == null ? "" : preText);
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        Duration timeout = Duration.ZERO;
        sb.append("djb_b=").append(Shell.quote(boundary)).append('\n');
        // the host's clock in ms (GNU date); without it the caller times the boundaries itself
        // the boundary: B INDEX STATUS MILLIS STOP (STOP 1: the script ends after this command)
        sb.append("djb_m() { printf '%s %s %s %s %s\\n' \"$djb_b\" \"$1\" \"$2\" \"$(date +%s%3N 2>/dev/null)\" \"$3\"; printf '%s %s\\n' \"$djb_b\" \"$1\" >&2; }\n");
        sb.append("printf '%s - - %s\\n' \"$djb_b\" \"$(date +%s%3N 2>/dev/null)\"\n");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Command c = e.command();
            timeout = timeout.plus(c.timeout());
            if (i == 0 || entries.get(i - 1).group() != e.group()) sb.append("djb_g=0\n");
            if (e.gate() != null) {
                // both streams still go out as they come, and into files for the gate; the status through a file (no pipefail in sh)
                sb.append("djb_t=$(mktemp -d) || exit 1\n{ { { ( ").append(c.script())
                        .append("\n) </dev/null; echo $? >\"$djb_t/rc\"; } 2>&1 1>&3 3>&- | tee \"$djb_t/e\" >&2; } 3>&1 | tee \"$djb_t/o\"; }\n")
                        .append("djb_r=$(cat \"$djb_t/rc\" 2>/dev/null || echo 1)\n");
            } else if (c.stdin() == null) {
                sb.append("( ").append(c.script()).append("\n) </dev/null");
            } else {
                stdin.writeBytes(c.stdin());
                sb.append("head -c ").append(c.stdin().length).append(" | { ( ").append(c.script())
                        .append("\n); djb_r=$?; cat >/dev/null; exit $djb_r; }");
            }
            if (e.gate() == null) sb.append("\ndjb_r=$?\n");
            sb.append("djb_x=0\n[ $djb_r = 0 ] || ").append(e.stopsOnFailure() ? "djb_x=1\n" : "djb_g=1\n");
            if (e.gate() != null) {
                sb.append("( ").append(e.gate().script()).append("\n) </dev/null >/dev/null 2>&1 || djb_g=1\nrm -rf \"$djb_t\"\n");
            }
            boolean groupEnds = i == entries.size() - 1 || entries.get(i + 1).group() != e.group();
            if (i == entries.size() - 1) sb.append("djb_x=1\n");
            else if (groupEnds && mustPass.get(e.group())) sb.append("[ $djb_g = 0 ] || djb_x=1\n");
            sb.append("djb_m ").append(i).append(" $djb_r $djb_x\n");
            sb.append("[ $djb_x = 0 ] || exit ").append(e.stopsOnFailure() ? "$djb_r" : "0").append('\n');
        }
        return new Command(sb.toString(), stdin.size() == 0 ? null : stdin.toByteArray(), timeout);
    }

    /**
     * Whether the script stops after entry {@code i} that exited {@code status}, given the
     * statuses of the entries before it in its group.
     */
    public boolean stopsAfter(int i, List<Integer> statuses) {
        Entry e = entries.get(i);
        if (i == entries.size() - 1) return true;
        if (e.stopsOnFailure() && statuses.get(i) != 0) return true;
        boolean groupEnds = entries.get(i + 1).group() != e.group();
        if (!groupEnds || !mustPass.get(e.group())) return false;
        for (int j = i; j >= 0 && entries.get(j).group() == e.group(); j--) if (statuses.get(j) != 0) return true;
        return false;
    }

    /** Runs one command (a test host's answer to it). */
    @FunctionalInterface
    public interface One {
        CommandResult run(Command c) throws TransportException, InterruptedException;
    }

    /**
     * What the script would print, for a transport that answers commands one by one (the tests'
     * hosts): each command through {@code one}, its output then the boundary lines to {@code sink},
     * stopping where the script would.
     */
    public CommandResult simulate(One one, OutputSink sink) throws TransportException, InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        if (pre != null) sink.line(OutputSink.Stream.STDOUT, preMarker + " " + one.run(pre).exitCode());
        sink.line(OutputSink.Stream.STDOUT, boundary + " - - ");
        int status = 0;
        for (int i = 0; i < entries.size(); i++) {
            CommandResult r = one.run(entries.get(i).command());
            for (String l : lines(r.stdout())) sink.line(OutputSink.Stream.STDOUT, l);
            for (String l : lines(r.stderr())) sink.line(OutputSink.Stream.STDERR, l);
            statuses.add(r.exitCode());
            boolean stops = stopsAfter(i, statuses);   // a gate here always passes: the test host has no files to test
            sink.line(OutputSink.Stream.STDOUT, boundary + " " + i + " " + r.exitCode() + " 0 " + (stops ? 1 : 0));
            sink.line(OutputSink.Stream.STDERR, boundary + " " + i);
            if (stops) {
                status = entries.get(i).stopsOnFailure() ? r.exitCode() : 0;
                if (i == entries.size() - 1) status = r.exitCode() != 0 && entries.get(i).stopsOnFailure() ? r.exitCode() : 0;
                break;
            }
        }
        return new CommandResult(status, "", "", List.of(), Duration.ZERO);
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) return List.of();
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(t.split("\n", -1));
    }
}
