package io.djdeploy.cli;

import io.djdeploy.step.Redactor;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Plain text for terminals and logs: {@code [host] line}. Command output is shown with -v, as
 * it arrives; without it only what went wrong (a failing command's last lines) and what was
 * decided. A step that runs longer than {@link #HEARTBEAT} gets a heartbeat line with its
 * elapsed time every {@link #HEARTBEAT} (CI logs otherwise look hung during a long pip install).
 */
public final class TextRenderer implements EventSink {
    private final PrintWriter out;
    private final boolean verbose;
    private final Redactor redactor;
    private final Style style;
    private final java.time.Clock clock;
    /** The step each host runs now, for heartbeats; keyed by host. */
    private final java.util.Map<String, Running> running = new java.util.LinkedHashMap<>();

    static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(10);

    private static final class Running {
        final String step;
        final java.time.Instant start;
        java.time.Instant lastBeat;
        String lastLine;

        Running(String step, java.time.Instant start) {
            this.step = step;
            this.start = start;
            this.lastBeat = start;
        }
    }

    public TextRenderer(PrintWriter out, boolean verbose, Redactor redactor, Style style) {
        this(out, verbose, redactor, style, java.time.Clock.systemUTC());
    }

    TextRenderer(PrintWriter out, boolean verbose, Redactor redactor, Style style, java.time.Clock clock) {
        this.out = out;
        this.verbose = verbose;
        this.redactor = redactor;
        this.style = style;
        this.clock = clock;
    }

    /**
     * Prints a heartbeat for every step running longer than {@link #HEARTBEAT} whose last one is
     * {@link #HEARTBEAT} old; called every second by {@link #heartbeats()}, or by a test with its own clock.
     */
    synchronized void tick() {
        java.time.Instant now = clock.instant();
        for (java.util.Map.Entry<String, Running> e : running.entrySet()) {
            Running r = e.getValue();
            if (java.time.Duration.between(r.lastBeat, now).compareTo(HEARTBEAT) < 0) continue;
            r.lastBeat = now;
            long s = java.time.Duration.between(r.start, now).toSeconds();
            // without -v the step's last line says what it is busy with (masked like every line)
            line("[" + e.getKey() + "] " + r.step + " still running, " + s + "s"
                    + (!verbose && r.lastLine != null ? ": " + host(clip(r.lastLine)) : ""));
        }
        out.flush();
    }

    /** Starts calling {@link #tick()} every second; closing it stops. */
    AutoCloseable heartbeats() {
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "djdeploy-heartbeat");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        return ticker::shutdownNow;
    }

    static String clip(String s) {
        String t = s.strip();
        return t.length() > 120 ? t.substring(0, 117) + "..." : t;
    }

    @Override
    public synchronized void emit(Event e) {
        if (e instanceof Event.RunStarted r) {
            line(style.bold(r.command() + " " + r.environment() + (r.ref() != null ? " " + r.ref() : "")
                    + (r.release() != null ? " " + r.release() : "") + " on " + String.join(", ", r.hosts())));
        } else if (e instanceof Event.PhaseStarted p) {
            line(style.bold("==> " + p.phase().name()));
        } else if (e instanceof Event.StepStarted s) {
            running.put(s.host(), new Running(s.step(), clock.instant()));
            if (verbose) line("[" + s.host() + "] " + s.step() + " ...");
        } else if (e instanceof Event.StepFinished s) {
            running.remove(s.host());
            line("[" + s.host() + "] " + ("ok".equals(s.status()) ? style.green("ok  ") : style.red("FAIL"))
                    + " " + pad(s.step(), 16) + " " + seconds(s.durationMs()));
        } else if (e instanceof Event.Output o) {
            Running r = running.get(o.host());
            if (r != null && !o.line().isBlank()) r.lastLine = o.line();
            if (verbose) line("[" + o.host() + "]   " + host(o.line()));
        } else if (e instanceof Event.Info i) {
            line((i.host() != null ? "[" + i.host() + "] " : "") + host(i.message()));
        } else if (e instanceof Event.Warning w) {
            line(style.yellow("warning: ") + (w.host() != null ? "[" + w.host() + "] " : "") + host(w.message()));
        } else if (e instanceof Event.Failure f) {
            failure(f);
        } else if (e instanceof Event.Check c) {
            line("[" + c.host() + "] " + (c.ok() ? style.green("ok  ") : style.red("FAIL")) + " " + pad(c.id(), 28) + " " + host(c.detail())
                    + (c.ok() || c.fix() == null ? "" : "; fix: " + host(c.fix())));
        } else if (e instanceof Event.MigrationPlanReady m) {
            // migration names and reasons come from the host; the table's own colors stay
            for (String l : PlanTable.lines(m.plan(), style)) line("[" + m.host() + "] " + l);
        } else if (e instanceof Event.RunFinished r) {
            running.clear();
            summary(r);
        }
        out.flush();
    }

    private void failure(Event.Failure f) {
        String p = "[" + f.host() + "]   ";
        line(style.red("[" + f.host() + "] " + f.step() + " failed: " + host(f.message())));
        if (f.command() != null) line(p + "command: " + host(f.command()));
        if (f.exitCode() != null) line(p + "exit status: " + f.exitCode());
        if (!f.tail().isEmpty()) {
            line(p + "last output:");
            List<String> tail = f.tail().size() > 15 ? f.tail().subList(f.tail().size() - 15, f.tail().size()) : f.tail();
            for (String l : tail) line(p + "| " + host(l));
        }
    }

    private void summary(Event.RunFinished r) {
        line("");
        String fmt = "%-20s %-14s %-15s %-15s %-14s %8s";
        line(style.bold(String.format(Locale.ROOT, fmt, "HOST", "ROLES", "BEFORE", "AFTER", "STATUS", "TIME")));
        for (Event.HostSummary h : r.hosts()) {
            line(String.format(Locale.ROOT, fmt, h.host(), String.join(",", h.roles()), dash(h.before()), dash(h.after()), h.status(), seconds(h.durationMs())));
        }
        line(r.command() + " " + r.outcome().replace('_', ' ') + " in " + seconds(r.durationMs()));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private void line(String s) {
        out.println(terminalSafe(redactor.apply(s), true));
    }

    /** Text from a host (output, messages quoting it): masked, then every control sequence shown as text, colors too. */
    private String host(String s) {
        return terminalSafe(redactor.apply(s), false);
    }

    /** The only escape sequences djdeploy itself writes (Style): bold, red, green, yellow, reset. */
    private static final java.util.regex.Pattern OWN_STYLE = java.util.regex.Pattern.compile("\u001b\\[(?:0|1|31|32|33)m");

    /**
     * Text safe for a terminal: a host's output must not move the cursor, retitle the window
     * (OSC), rewrite a line with a carriage return, hide text or write links. Every control
     * character but tab and newline, C1 controls and bidi overrides become visible notation
     * ({@code ^[}, {@code ^M}, {@code <U+202E>}); with {@code ownStyle}, Style's own colors stay.
     */
    static String terminalSafe(String s, boolean ownStyle) {
        if (s == null) return null;
        StringBuilder b = null;
        java.util.regex.Matcher style = ownStyle ? OWN_STYLE.matcher(s) : null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= 0x80 && c <= 0x9f
                    || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
            if (control && c == 0x1b && style != null && style.find(i) && style.start() == i) {
                if (b != null) b.append(s, i, style.end());
                i = style.end() - 1;
                continue;
            }
            if (control && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (!control) {
                if (b != null) b.append(c);
            } else if (c < 0x20) {
                b.append('^').append((char) (c + 64));
            } else if (c == 0x7f) {
                b.append("^?");
            } else {
                b.append(String.format(java.util.Locale.ROOT, "<U+%04X>", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
