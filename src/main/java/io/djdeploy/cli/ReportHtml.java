package io.djdeploy.cli;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.release.LedgerEntry.StepEntry;
import io.djdeploy.step.Phase;
import io.djdeploy.web.WebSteps;
import io.djdeploy.template.TextTemplates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The page of {@code djdeploy report}: one deploy or rollback, as the ledgers of its hosts
 * recorded it, rendered as a single self-contained HTML document (inline CSS, no script, no
 * external URL), so it can be attached to a ticket or archived by CI. Pure: reads records,
 * returns a string; every value from the ledger is HTML-escaped.
 */
public final class ReportHtml {
    /** The phases in pipeline order; each has a colour in the style sheet. Anything else is drawn grey. */
    static final List<String> PHASES = java.util.Arrays.stream(Phase.values()).map(Phase::label).toList();

    private ReportHtml() {}

    // ---------------------------------------------------------------- rendering

    /**
     * @param unreadable hosts whose ledger could not be read, with why (shown as a warning)
     */
    public static String render(String app, String environment, ReportRuns.Run run, Map<String, String> unreadable) {
        return render(TextTemplates.builtIn(), app, environment, run, unreadable);
    }

    /** The page, with the style sheet from template report/report.css (a project's deploy/templates/ wins). */
    public static String render(TextTemplates templates, String app, String environment, ReportRuns.Run run, Map<String, String> unreadable) {
        String css = templates.render("report/report.css", Map.of());
        LedgerEntry first = run.first();
        StringBuilder b = new StringBuilder(16_384);
        String title = "djdeploy report: " + app + " " + environment + " " + run.event() + " " + orDash(run.release());
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"djdeploy report\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(css).append("</style>\n</head>\n<body>\n");

        Set<String> outcomes = new LinkedHashSet<>();
        run.hosts().values().forEach(e -> outcomes.add(orDash(e.outcome())));
        b.append("<header>\n<h1>").append(esc(app)).append(" <span class=\"sep\">/</span> ").append(esc(environment))
                .append(" <span class=\"sep\">/</span> ").append(esc(run.event())).append(" of release <span class=\"mono\">")
                .append(esc(orDash(run.release()))).append("</span></h1>\n<p>");
        for (String o : outcomes) b.append(badge(o)).append(' ');
        b.append("</p>\n</header>\n");

        summary(b, run, first, outcomes);
        if (unreadable != null && !unreadable.isEmpty()) {
            b.append("<section id=\"unread\" class=\"unread\">\n<h2>Hosts not read</h2>\n<ul>\n");
            unreadable.forEach((h, why) -> b.append("<li><b>").append(esc(h)).append("</b>: ").append(esc(why)).append("</li>\n"));
            b.append("</ul>\n<p>Their ledgers could not be read; this page shows the other hosts only.</p>\n</section>\n");
        }
        timeline(b, run);
        hosts(b, run);
        health(b, run);
        migrations(b, run);
        problems(b, run);
        steps(b, run);
        b.append("<footer>Written by <code>djdeploy report</code> from <code>.djdeploy/history.jsonl</code> on ")
                .append(run.hosts().size()).append(run.hosts().size() == 1 ? " host" : " hosts").append(".</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, ReportRuns.Run run, LedgerEntry first, Set<String> outcomes) {
        String finished = run.hosts().values().stream().map(LedgerEntry::finished).filter(Objects::nonNull).max(String::compareTo).orElse(null);
        long duration = run.hosts().values().stream().map(LedgerEntry::durationMs).filter(Objects::nonNull).mapToLong(Long::longValue).max().orElse(-1);
        Set<String> previous = new LinkedHashSet<>();
        run.hosts().values().forEach(e -> previous.add(orDash(e.previous())));
        b.append("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"facts\">\n");
        fact(b, "event", esc(run.event()));
        fact(b, "outcome", esc(String.join(", ", outcomes)));
        fact(b, "release", "<span class=\"mono\">" + esc(orDash(run.release())) + "</span>");
        fact(b, "previous", "<span class=\"mono\">" + esc(String.join(", ", previous)) + "</span>");
        fact(b, "ref", esc(orDash(first.ref())));
        fact(b, "sha", "<span class=\"mono\">" + esc(orDash(first.sha())) + "</span>");
        fact(b, "by", esc(orDash(first.user())));
        fact(b, "from", esc(orDash(first.origin())));
        fact(b, "started", esc(orDash(first.started())));
        fact(b, "finished", esc(orDash(finished)));
        fact(b, "duration", duration < 0 ? "-" : esc(duration(duration)));
        fact(b, "hosts", esc(String.join(", ", run.hosts().keySet())));
        b.append("</dl>\n</section>\n");
    }

    private static void fact(StringBuilder b, String name, String html) {
        b.append("<dt>").append(name).append("</dt><dd>").append(html).append("</dd>\n");
    }

    /** One row per host: phases as coloured segments above, steps as bars below, both positioned in percent of the run. */
    private static void timeline(StringBuilder b, ReportRuns.Run run) {
        Map<String, List<ReportRuns.Placed>> placed = new LinkedHashMap<>();
        long span = 1;
        for (Map.Entry<String, LedgerEntry> h : run.hosts().entrySet()) {
            List<ReportRuns.Placed> p = ReportRuns.place(h.getValue().steps());
            placed.put(h.getKey(), p);
            for (ReportRuns.Placed s : p) span = Math.max(span, s.end());
            if (h.getValue().durationMs() != null) span = Math.max(span, h.getValue().durationMs());
        }
        b.append("<section id=\"timeline\">\n<h2>Timeline</h2>\n<div class=\"legend\">");
        Set<String> seen = new LinkedHashSet<>();
        placed.values().forEach(l -> l.forEach(p -> seen.add(phaseClass(p.step().phase()))));
        for (String ph : PHASES) {
            if (seen.contains(ph)) b.append("<span><i class=\"sw ph-").append(ph).append("\"></i>").append(ph).append("</span>");
        }
        if (seen.contains("other")) b.append("<span><i class=\"sw ph-other\"></i>other</span>");
        b.append("<span><i class=\"sw failed\"></i>failed step</span></div>\n");
        b.append("<div class=\"gantt\">\n<div class=\"row axis\"><div class=\"host\"></div><div class=\"lane\">");
        for (int i = 0; i <= 4; i++) {
            b.append("<span class=\"tick\" style=\"left:").append(i * 25).append("%\">").append(esc(duration(span * i / 4))).append("</span>");
        }
        b.append("</div></div>\n");
        for (Map.Entry<String, List<ReportRuns.Placed>> h : placed.entrySet()) {
            b.append("<div class=\"row\" data-host=\"").append(esc(h.getKey())).append("\">\n<div class=\"host\" title=\"")
                    .append(esc(h.getKey())).append("\">").append(esc(h.getKey())).append("</div>\n<div class=\"lane\">\n");
            List<ReportRuns.Placed> steps = h.getValue();
            // a phase segment covers a run of consecutive steps of that phase, waits for other hosts excluded
            for (int i = 0; i < steps.size(); ) {
                int j = i;
                String phase = steps.get(i).step().phase();
                long end = steps.get(i).end();
                boolean failed = false;
                while (j < steps.size() && Objects.equals(steps.get(j).step().phase(), phase)) {
                    end = Math.max(end, steps.get(j).end());
                    failed |= !"ok".equals(steps.get(j).step().status());
                    j++;
                }
                long start = steps.get(i).start();
                b.append("<div class=\"phase ph-").append(phaseClass(phase)).append(failed ? " bad" : "").append("\" style=\"")
                        .append(position(start, end, span)).append("\" title=\"").append(esc(orDash(phase) + ": " + duration(end - start)))
                        .append("\"><span>").append(esc(orDash(phase))).append("</span></div>\n");
                i = j;
            }
            for (ReportRuns.Placed p : steps) {
                StepEntry s = p.step();
                String status = orDash(s.status());
                b.append("<div class=\"step ph-").append(phaseClass(s.phase())).append(stepClass(status)).append("\" style=\"")
                        .append(position(p.start(), p.end(), span)).append("\" title=\"")
                        .append(esc(orDash(s.phase()) + " / " + orDash(s.step()) + ": " + status + ", " + duration(s.durationMs())
                                + " at +" + duration(p.start()) + (s.startMs() == null ? " (start not recorded: laid end to end)" : "")))
                        .append("\"><span>").append(esc(orDash(s.step()))).append("</span></div>\n");
            }
            if (steps.isEmpty()) b.append("<div class=\"none\">no steps recorded</div>\n");
            b.append("</div>\n</div>\n");
        }
        b.append("</div>\n");
        boolean estimated = placed.values().stream().anyMatch(l -> l.stream().anyMatch(p -> p.step().startMs() == null));
        if (estimated) {
            b.append("<p class=\"note\">Some steps were recorded without their start time (ledger entries from before djdeploy 0.1): "
                    + "they are drawn end to end, so waits between them do not show.</p>\n");
        }
        b.append("</section>\n");
    }

    private static void hosts(StringBuilder b, ReportRuns.Run run) {
        b.append("<section id=\"hosts\">\n<h2>Hosts</h2>\n<table>\n<thead><tr><th>host</th><th>outcome</th><th>previous</th>")
                .append("<th>finished</th><th>duration</th><th>steps</th><th>failed step</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, LedgerEntry> h : run.hosts().entrySet()) {
            LedgerEntry e = h.getValue();
            List<StepEntry> steps = e.steps() == null ? List.of() : e.steps();
            String failed = steps.stream().filter(s -> !"ok".equals(s.status())).map(s -> orDash(s.phase()) + " / " + orDash(s.step()))
                    .reduce((x, y) -> x + ", " + y).orElse("");
            b.append("<tr><td>").append(esc(h.getKey())).append("</td><td>").append(badge(orDash(e.outcome())))
                    .append("</td><td class=\"mono\">").append(esc(orDash(e.previous()))).append("</td><td>").append(esc(orDash(e.finished())))
                    .append("</td><td>").append(e.durationMs() == null ? "-" : esc(duration(e.durationMs()))).append("</td><td>")
                    .append(steps.size()).append("</td><td>").append(esc(failed)).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    /** The health step verifies that the new release answers (status and release id); the ledger keeps its outcome per host. */
    private static void health(StringBuilder b, ReportRuns.Run run) {
        b.append("<section id=\"health\">\n<h2>Health</h2>\n<table>\n<thead><tr><th>host</th><th>health check</th><th>time</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, LedgerEntry> h : run.hosts().entrySet()) {
            List<StepEntry> checks = h.getValue().steps() == null ? List.of()
                    : h.getValue().steps().stream().filter(s -> WebSteps.HEALTH.equals(s.step())).toList();
            b.append("<tr><td>").append(esc(h.getKey())).append("</td><td>");
            if (checks.isEmpty()) {
                b.append("<span class=\"muted\">not checked (not a web host, or the run stopped before)</span></td><td></td></tr>\n");
                continue;
            }
            StringBuilder times = new StringBuilder();
            for (StepEntry s : checks) {
                String status = orDash(s.status());
                b.append(badge("ok".equals(status) ? "healthy" : status)).append(' ');
                if (times.length() > 0) times.append(", ");
                times.append(duration(s.durationMs()));
            }
            b.append("</td><td>").append(esc(times.toString())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void migrations(StringBuilder b, ReportRuns.Run run) {
        LedgerEntry withPlan = run.hosts().values().stream().filter(e -> e.migrations() != null).findFirst().orElse(null);
        List<String> approved = run.hosts().values().stream().map(LedgerEntry::approved).filter(Objects::nonNull).findFirst().orElse(List.of());
        b.append("<section id=\"migrations\">\n<h2>Migration plan</h2>\n");
        if (withPlan == null) {
            b.append("<p class=\"muted\">No migration plan recorded (migrations are off, this is a rollback, or the run stopped before GATE).</p>\n");
        } else if (withPlan.migrations().isEmpty()) {
            b.append("<p>No pending migrations: nothing to migrate.</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>migration</th><th>class</th><th>reasons</th><th>expand-only</th><th>operations</th>")
                    .append("<th>approved</th></tr></thead>\n<tbody>\n");
            for (MigrationEntry m : withPlan.migrations()) {
                b.append("<tr><td class=\"mono\">").append(esc(m.id())).append("</td><td>").append(badge(orDash(m.cls())))
                        .append("</td><td>").append(esc(m.reasons() == null ? "" : String.join(", ", m.reasons())))
                        .append("</td><td>").append(m.expandOnly() == null ? "" : m.expandOnly() ? "yes" : "no").append("</td><td>");
                if (m.operations() != null && !m.operations().isEmpty()) {
                    b.append("<ul>");
                    m.operations().forEach(o -> b.append("<li>").append(esc(o)).append("</li>"));
                    b.append("</ul>");
                }
                b.append("</td><td>").append(approved.contains(m.id()) ? "yes" : "").append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        if (!approved.isEmpty()) {
            b.append("<p>Approved with <code>--approve-migrations</code>: <span class=\"mono\">").append(esc(String.join(", ", approved)))
                    .append("</span></p>\n");
        }
        b.append("</section>\n");
    }

    /** Errors and notes, each once, with the hosts that recorded it. */
    private static void problems(StringBuilder b, ReportRuns.Run run) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        run.hosts().forEach((h, e) -> {
            if (e.error() != null && !e.error().isBlank()) errors.computeIfAbsent(e.error(), k -> new ArrayList<>()).add(h);
            if (e.note() != null && !e.note().isBlank()) notes.computeIfAbsent(e.note(), k -> new ArrayList<>()).add(h);
        });
        b.append("<section id=\"errors\">\n<h2>Errors and notes</h2>\n");
        if (errors.isEmpty() && notes.isEmpty()) b.append("<p class=\"muted\">None.</p>\n");
        errors.forEach((text, hs) -> b.append("<div class=\"error\"><b>error</b> <span class=\"muted\">(").append(esc(String.join(", ", hs)))
                .append(")</span><pre>").append(esc(text)).append("</pre></div>\n"));
        notes.forEach((text, hs) -> b.append("<div class=\"note-box\"><b>note</b> <span class=\"muted\">(").append(esc(String.join(", ", hs)))
                .append(")</span><pre>").append(esc(text)).append("</pre></div>\n"));
        b.append("</section>\n");
    }

    private static void steps(StringBuilder b, ReportRuns.Run run) {
        b.append("<section id=\"steps\">\n<h2>Steps</h2>\n");
        for (Map.Entry<String, LedgerEntry> h : run.hosts().entrySet()) {
            b.append("<details open><summary>").append(esc(h.getKey())).append("</summary>\n<table>\n")
                    .append("<thead><tr><th>phase</th><th>step</th><th>status</th><th>start</th><th>duration</th></tr></thead>\n<tbody>\n");
            for (ReportRuns.Placed p : ReportRuns.place(h.getValue().steps())) {
                StepEntry s = p.step();
                b.append("<tr").append("ok".equals(s.status()) ? "" : " class=\"failed-row\"").append("><td>").append(esc(orDash(s.phase())))
                        .append("</td><td>").append(esc(orDash(s.step()))).append("</td><td>").append(badge(orDash(s.status())))
                        .append("</td><td>").append(s.startMs() == null ? "~" : "").append("+").append(esc(duration(p.start())))
                        .append("</td><td>").append(esc(duration(s.durationMs()))).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n</details>\n");
        }
        b.append("</section>\n");
    }

    // ---------------------------------------------------------------- small helpers

    private static String position(long start, long end, long span) {
        double left = 100.0 * start / span;
        double width = 100.0 * Math.max(0, end - start) / span;
        return String.format(Locale.ROOT, "left:%.3f%%;width:%.3f%%", left, Math.min(width, 100.0 - left));
    }

    /** Only known phases become class names: a ledger value never reaches the style sheet. */
    static String phaseClass(String phase) {
        return PHASES.contains(phase) ? phase : "other";
    }

    private static String stepClass(String status) {
        return switch (status) {
            case "ok" -> "";
            case "interrupted" -> " interrupted";
            default -> " failed";
        };
    }

    private static String badge(String outcome) {
        String kind = switch (outcome) {
            case "success", "ok", "healthy", "safe" -> "good";
            case "failed", "rolled_back", "refused" -> "bad";
            case "review", "gated", "interrupted", "forced", "migrated-back" -> "warn";
            default -> "neutral";
        };
        return "<span class=\"badge " + kind + "\">" + esc(outcome) + "</span>";
    }

    static String duration(long ms) {
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** HTML-escapes text for element content and quoted attribute values alike. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
