package io.djdeploy.cli;

import io.djdeploy.step.Redactor;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Plain text for terminals and logs: {@code [host] line}. Command output is shown with -v;
 * without it only what went wrong (a failing command's last lines) and what was decided.
 */
public final class TextRenderer implements EventSink {
    private final PrintWriter out;
    private final boolean verbose;
    private final Redactor redactor;
    private final Style style;

    public TextRenderer(PrintWriter out, boolean verbose, Redactor redactor, Style style) {
        this.out = out;
        this.verbose = verbose;
        this.redactor = redactor;
        this.style = style;
    }

    @Override
    public synchronized void emit(Event e) {
        if (e instanceof Event.RunStarted r) {
            line(style.bold(r.command() + " " + r.environment() + (r.ref() != null ? " " + r.ref() : "")
                    + (r.release() != null ? " " + r.release() : "") + " on " + String.join(", ", r.hosts())));
        } else if (e instanceof Event.PhaseStarted p) {
            line(style.bold("==> " + p.phase().name()));
        } else if (e instanceof Event.StepStarted s) {
            if (verbose) line("[" + s.host() + "] " + s.step() + " ...");
        } else if (e instanceof Event.StepFinished s) {
            line("[" + s.host() + "] " + ("ok".equals(s.status()) ? style.green("ok  ") : style.red("FAIL"))
                    + " " + pad(s.step(), 16) + " " + seconds(s.durationMs()));
        } else if (e instanceof Event.Output o) {
            if (verbose) line("[" + o.host() + "]   " + o.line());
        } else if (e instanceof Event.Info i) {
            line((i.host() != null ? "[" + i.host() + "] " : "") + i.message());
        } else if (e instanceof Event.Warning w) {
            line(style.yellow("warning: ") + (w.host() != null ? "[" + w.host() + "] " : "") + w.message());
        } else if (e instanceof Event.Failure f) {
            failure(f);
        } else if (e instanceof Event.Check c) {
            line("[" + c.host() + "] " + (c.ok() ? style.green("ok  ") : style.red("FAIL")) + " " + pad(c.id(), 28) + " " + c.detail()
                    + (c.ok() || c.fix() == null ? "" : "; fix: " + c.fix()));
        } else if (e instanceof Event.MigrationPlanReady m) {
            for (String l : PlanTable.lines(m.plan(), style)) line("[" + m.host() + "] " + l);
        } else if (e instanceof Event.RunFinished r) {
            summary(r);
        }
        out.flush();
    }

    private void failure(Event.Failure f) {
        String p = "[" + f.host() + "]   ";
        line(style.red("[" + f.host() + "] " + f.step() + " failed: " + f.message()));
        if (f.command() != null) line(p + "command: " + f.command());
        if (f.exitCode() != null) line(p + "exit status: " + f.exitCode());
        if (!f.tail().isEmpty()) {
            line(p + "last output:");
            List<String> tail = f.tail().size() > 15 ? f.tail().subList(f.tail().size() - 15, f.tail().size()) : f.tail();
            for (String l : tail) line(p + "| " + l);
        }
    }

    private void summary(Event.RunFinished r) {
        line("");
        String fmt = "%-20s %-14s %-15s %-15s %-14s %8s";
        line(style.bold(String.format(Locale.ROOT, fmt, "HOST", "ROLES", "BEFORE", "AFTER", "STATUS", "TIME")));
        for (Event.HostSummary h : r.hosts()) {
            line(String.format(Locale.ROOT, fmt, h.host(), h.roles(), dash(h.before()), dash(h.after()), h.status(), seconds(h.durationMs())));
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
        out.println(redactor.apply(s));
    }
}
