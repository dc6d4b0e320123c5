package io.djdeploy.cli;

import io.djdeploy.step.Redactor;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * On a TTY: the plain log scrolls as usual and a live block, one line per host (phase, step,
 * elapsed), stays on screen. JLine's {@link Status} keeps the block in a reserved region at
 * the bottom of the terminal, so the log scrolls above it and the user's scrollback stays
 * intact (a block at the very top would need the screen cleared).
 */
final class LiveRenderer implements EventSink, AutoCloseable {
    private final Terminal terminal;
    private final Status status;
    private final TextRenderer log;
    private final Redactor redactor;
    private final Map<String, HostLine> hosts = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "djdeploy-live");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean done;

    /** What one host is doing now. */
    static final class HostLine {
        String phase = "waiting";
        String step = "";
        String state = "";
        /** The running step's newest output line, masked and made terminal-safe. */
        String last = "";
        long stepStart = System.nanoTime();
        long hostStart = System.nanoTime();
    }

    LiveRenderer(Terminal terminal, boolean verbose, Redactor redactor, Style style) {
        this.terminal = terminal;
        this.status = Status.getStatus(terminal);
        this.log = new TextRenderer(new PrintWriter(terminal.writer(), true), verbose, redactor, style);
        this.redactor = redactor;
        ticker.scheduleAtFixedRate(this::redraw, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void emit(Event e) {
        if (e instanceof Event.RunStarted r) {
            for (String h : r.hosts()) hosts.put(h, new HostLine());
        } else if (e instanceof Event.StepStarted s) {
            HostLine l = hosts.computeIfAbsent(s.host(), k -> new HostLine());
            l.phase = s.phase().label();
            l.step = s.step();
            l.state = "";
            l.last = "";
            l.stepStart = System.nanoTime();
        } else if (e instanceof Event.Output o && !o.line().isBlank()) {
            HostLine l = hosts.get(o.host());
            if (l != null) l.last = TextRenderer.terminalSafe(redactor.apply(TextRenderer.clip(o.line())), false);
        } else if (e instanceof Event.StepFinished s) {
            HostLine l = hosts.computeIfAbsent(s.host(), k -> new HostLine());
            if (!"ok".equals(s.status())) l.state = s.status();
        } else if (e instanceof Event.RunFinished) {
            done = true;
            ticker.shutdownNow();
            if (status != null) status.update(List.of());
        }
        log.emit(e);
        redraw();
    }

    private synchronized void redraw() {
        if (status == null || done) return;
        try {
            List<AttributedString> lines = new ArrayList<>();
            for (String l : block(hosts, System.nanoTime(), terminal.getSize().getColumns())) lines.add(new AttributedString(l));
            status.update(lines);
        } catch (RuntimeException e) {
            // drawing the block must never break a deploy; the plain log goes on
        }
    }

    /** The block's text: pure, for tests. */
    static List<String> block(Map<String, HostLine> hosts, long now, int width) {
        List<String> out = new ArrayList<>();
        int w = hosts.keySet().stream().mapToInt(String::length).max().orElse(4);
        for (Map.Entry<String, HostLine> e : hosts.entrySet()) {
            HostLine l = e.getValue();
            String line = String.format(Locale.ROOT, "%-" + w + "s  %-9s %-16s %6.1fs  %s", e.getKey(), l.phase, l.step,
                    (now - l.stepStart) / 1e9, l.state.isEmpty() ? "" : l.state.toUpperCase(Locale.ROOT));
            // the running step's last line: what pip or collectstatic is busy with
            if (l.state.isEmpty() && !l.last.isEmpty()) line = line.stripTrailing() + "  | " + l.last;
            out.add(width > 10 && line.length() > width - 1 ? line.substring(0, width - 1) : line.stripTrailing());
        }
        return out;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        synchronized (this) {
            done = true;
            if (status != null) status.update(List.of());
        }
        terminal.flush();
    }
}
