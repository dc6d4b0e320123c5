package io.djdeploy.remote;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a {@link Batch} script's output back into its commands, as it streams in: each line goes
 * to the listener with the command it belongs to, and a command is finished (with a
 * {@link CommandResult} of its own, as if it had run alone) once BOTH streams passed its boundary.
 * A stream that is ahead (stdout of the next command while stderr still has this one's last
 * lines) is held back until then, so the listener sees every command's lines before it finishes,
 * and nothing of the next one before that. Fed by two threads (one per stream); the listener is
 * called with this object's lock held, so its calls never interleave.
 */
public final class BatchOutput implements OutputSink {
    /** What a batch's output says, in order. */
    public interface Listener {
        /** A line that command {@code index} printed. */
        void line(int index, Stream stream, String line);

        /**
         * Command {@code index} ended; {@code hostMillis}: the host's clock then (null when unknown);
         * {@code last}: the script ends after it (it says so: a failure, a gate, the end).
         */
        void finished(int index, CommandResult result, Long hostMillis, boolean last);
    }

    private final Batch batch;
    private final Listener listener;
    private final int[] passed = new int[2];            // per stream: entries whose boundary it passed
    private int done;                                   // entries finished
    private final List<Integer> statuses = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final List<Boolean> stops = new ArrayList<>();
    private Long start;
    private final List<Object[]> held = new ArrayList<>();
    private final StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
    @SuppressWarnings("unchecked")
    private final ArrayDeque<String>[] tail = new ArrayDeque[] {new ArrayDeque<String>(), new ArrayDeque<String>()};

    public BatchOutput(Batch batch, Listener listener) {
        this.batch = batch;
        this.listener = listener;
    }

    /** The host's clock when the script started (null when unknown). */
    public synchronized Long startMillis() {
        return start;
    }

    @Override
    public synchronized void line(Stream stream, String line) {
        int s = stream.ordinal();
        int at = line.indexOf(batch.boundary());
        if (at < 0) {
            content(s, line);
            return;
        }
        if (at > 0) content(s, line.substring(0, at));   // the command's last line had no newline
        String[] f = line.substring(at + batch.boundary().length()).strip().split(" ");
        if (f.length > 0 && "-".equals(f[0])) {
            start = f.length > 2 ? millis(f[2]) : null;
            return;
        }
        int index = f.length > 0 ? parse(f[0], -1) : -1;
        if (index != passed[s]) return;                  // not ours (cannot happen with a random boundary)
        if (stream == Stream.STDOUT) {
            while (statuses.size() <= index) statuses.add(null);
            while (times.size() <= index) times.add(null);
            statuses.set(index, f.length > 1 ? parse(f[1], 1) : 1);
            times.set(index, f.length > 2 ? millis(f[2]) : null);
            while (stops.size() <= index) stops.add(null);
            stops.set(index, f.length > 3 ? "1".equals(f[3]) : batch.stopsAfter(index, statuses));
        }
        passed[s] = index + 1;
        while (done < passed[0] && done < passed[1]) finish(statuses.get(done));
    }

    /**
     * The script ended with {@code status}: a command it was still in (killed, the connection
     * lost) finishes as failed with that status, unless the script stopped where it should.
     */
    public synchronized void end(int status) {
        if (done >= batch.entries().size()) return;
        if (done > 0 && Boolean.TRUE.equals(stops.get(done - 1))) return;
        if (passed[0] > done && statuses.size() > done && statuses.get(done) != null) {
            finish(statuses.get(done));   // stdout's boundary came, stderr's was lost
            return;
        }
        while (statuses.size() <= done) statuses.add(null);
        while (stops.size() <= done) stops.add(null);
        stops.set(done, true);
        finish(status == 0 ? 1 : status);
    }

    /** Entries finished so far. */
    public synchronized int finished() {
        return done;
    }

    private void content(int s, String line) {
        int entry = passed[s];
        if (entry != done) {
            held.add(new Object[] {entry, s, line});
            return;
        }
        keep(s, line);
        listener.line(entry, Stream.values()[s], line);
    }

    private void keep(int s, String line) {
        if (text[s].length() < OutputCapture.MAX_CAPTURE) text[s].append(line).append('\n');
        tail[s].addLast(line);
        if (tail[s].size() > OutputCapture.TAIL_LINES) tail[s].removeFirst();
    }

    private void finish(Integer status) {
        int i = done;
        int exit = status == null ? 1 : status;
        statuses.set(i, exit);
        Long end = times.size() > i ? times.get(i) : null;
        Long begin = i == 0 ? start : times.size() > i - 1 ? times.get(i - 1) : null;
        long ms = end != null && begin != null ? Math.max(0, end - begin) : 0;
        List<String> t = new ArrayList<>(tail[0]);
        t.addAll(tail[1]);
        if (t.size() > OutputCapture.TAIL_LINES) t = t.subList(t.size() - OutputCapture.TAIL_LINES, t.size());
        CommandResult r = new CommandResult(exit, text[0].toString(), text[1].toString(), List.copyOf(t), Duration.ofMillis(ms));
        for (int s = 0; s < 2; s++) {
            text[s].setLength(0);
            tail[s].clear();
        }
        done++;
        listener.finished(i, r, end, Boolean.TRUE.equals(stops.get(i)));
        List<Object[]> next = new ArrayList<>(held);
        held.clear();
        for (Object[] h : next) {
            if ((Integer) h[0] != done) {
                held.add(h);
                continue;
            }
            keep((Integer) h[1], (String) h[2]);
            listener.line(done, Stream.values()[(Integer) h[1]], (String) h[2]);
        }
    }

    private static int parse(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Long millis(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
