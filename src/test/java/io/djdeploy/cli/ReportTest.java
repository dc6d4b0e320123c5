package io.djdeploy.cli;

import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.release.LedgerEntry.StepEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** report: grouping ledger lines into runs, the page it renders, and the command over a local ledger. */
class ReportTest {
    static final String R1 = "20260301100000";
    static final String R2 = "20260302110000";

    static LedgerEntry entry(String event, String outcome, String release, String host, String started, List<StepEntry> steps) {
        return new LedgerEntry(event, outcome, release, null, "v1", "f0026700d1cb6171e46a2072a847396104cafde2", "alice", "ci-runner",
                host, started, started.replace(":00Z", ":42Z"), 42_000L, null, steps, null, null, null, null);
    }

    static List<StepEntry> okSteps() {
        return List.of(new StepEntry("connect", "connect", "ok", 100, 0L), new StepEntry("prepare", "code", "ok", 2000, 200L),
                new StepEntry("switch", "switch", "ok", 50, 3000L), new StepEntry("switch", "health", "ok", 400, 3100L));
    }

    @Test
    void groupsOneRunAcrossHostsAndPicksTheNewestOrTheDeployOfAnId() {
        // given: two deploys and a later rollback to the first, on two hosts; an unlock in between
        String s1 = "2026-03-01T10:00:00Z", s2 = "2026-03-02T11:00:00Z", s3 = "2026-03-03T12:00:00Z";
        LedgerEntry unlock = new LedgerEntry("unlock", "forced", null, null, null, null, "bob", "laptop", "web1", s2, s2, 0L,
                null, null, "removed the lock", null, null, null);
        Map<String, List<LedgerEntry>> ledgers = new LinkedHashMap<>();
        ledgers.put("web1", List.of(entry("deploy", "success", R1, "web1", s1, okSteps()), unlock,
                entry("deploy", "success", R2, "web1", s2, okSteps()), entry("rollback", "success", R1, "web1", s3, okSteps())));
        ledgers.put("web2", List.of(entry("deploy", "success", R1, "web2", s1, okSteps()),
                entry("deploy", "success", R2, "web2", s2, okSteps()), entry("rollback", "success", R1, "web2", s3, okSteps())));

        // when
        List<ReportRuns.Run> runs = ReportRuns.runs(ledgers);

        // then
        assertThat(runs).extracting(ReportRuns.Run::event, ReportRuns.Run::release)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("deploy", R1), org.assertj.core.groups.Tuple.tuple("deploy", R2),
                        org.assertj.core.groups.Tuple.tuple("rollback", R1));
        assertThat(runs).allSatisfy(r -> assertThat(r.hosts().keySet()).containsExactly("web1", "web2"));
        assertThat(ReportRuns.pick(runs, null).orElseThrow().event()).isEqualTo("rollback");
        assertThat(ReportRuns.pick(runs, R1).orElseThrow().event()).isEqualTo("deploy");
        assertThat(ReportRuns.pick(runs, R1).orElseThrow().started()).isEqualTo(s1);
        assertThat(ReportRuns.pick(runs, R2).orElseThrow().release()).isEqualTo(R2);
        assertThat(ReportRuns.pick(runs, "20990101000000")).isEmpty();
        assertThat(ReportRuns.pick(List.of(), null)).isEmpty();
    }

    @Test
    void stepsWithoutStartOffsetsAreLaidEndToEnd() {
        // given: an entry from before start_ms, and one that mixes both
        List<StepEntry> old = List.of(new StepEntry("connect", "connect", "ok", 100), new StepEntry("lock", "lock", "ok", 50),
                new StepEntry("prepare", "code", "ok", 1000));
        List<StepEntry> mixed = List.of(new StepEntry("connect", "connect", "ok", 100, 0L), new StepEntry("lock", "lock", "ok", 50, 500L),
                new StepEntry("prepare", "code", "ok", 1000));

        // then
        assertThat(ReportRuns.place(old)).extracting(ReportRuns.Placed::start, ReportRuns.Placed::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 100L), org.assertj.core.groups.Tuple.tuple(100L, 150L),
                        org.assertj.core.groups.Tuple.tuple(150L, 1150L));
        assertThat(ReportRuns.place(mixed)).extracting(ReportRuns.Placed::start).containsExactly(0L, 500L, 550L);
        assertThat(ReportRuns.place(null)).isEmpty();

        // and the page says so
        String s = "2026-03-01T10:00:00Z";
        Map<String, List<LedgerEntry>> ledgers = Map.of("web1", List.of(entry("deploy", "success", R1, "web1", s, old)));
        String html = ReportHtml.render("shop", "production", ReportRuns.runs(ledgers).get(0), Map.of());
        assertThat(html).contains("drawn end to end", "start not recorded");
    }

    @Test
    void theStyleSheetIsTheProjectsWhenItHasOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path project) throws Exception {
        // given: a project with its own report/report.css
        java.nio.file.Path css = project.resolve("deploy/templates/report/report.css");
        java.nio.file.Files.createDirectories(css.getParent());
        java.nio.file.Files.writeString(css, "body { font-family: serif; }\n");
        String s = "2026-03-01T10:00:00Z";
        ReportRuns.Run run = ReportRuns.runs(Map.of("web1", List.of(entry("deploy", "success", R1, "web1", s,
                List.of(new StepEntry("connect", "connect", "ok", 100, 0L)))))).get(0);

        // when
        String own = ReportHtml.render(io.djdeploy.template.TextTemplates.forConfig(project.resolve("deploy.yml")), "shop", "production", run, Map.of());
        String builtIn = ReportHtml.render("shop", "production", run, Map.of());

        // then
        assertThat(own).contains("<style>\nbody { font-family: serif; }\n</style>").doesNotContain(".gantt .row");
        assertThat(builtIn).contains(".gantt .row").doesNotContain("font-family: serif");
    }

    @Test
    void pageShowsTimelineHealthMigrationsAndErrorsWithEverythingEscaped() {
        // given: a deploy that failed at SWITCH on web2 and was rolled back; hostile text in every free-form field
        String s = "2026-03-01T10:00:00Z";
        List<StepEntry> web1 = List.of(new StepEntry("connect", "connect", "ok", 100, 0L), new StepEntry("prepare", "venv", "ok", 4000, 150L),
                new StepEntry("migrate", "migrate", "ok", 1500, 5000L), new StepEntry("switch", "switch", "ok", 20, 7000L),
                new StepEntry("switch", "health", "ok", 300, 7020L));
        List<StepEntry> web2 = List.of(new StepEntry("connect", "connect", "ok", 90, 0L), new StepEntry("prepare", "venv", "ok", 3800, 150L),
                new StepEntry("switch", "switch", "ok", 20, 7000L), new StepEntry("switch", "health", "failed", 2000, 7020L));
        List<StepEntry> worker = List.of(new StepEntry("connect", "connect", "ok", 80, 0L), new StepEntry("<img src=x onerror=alert(1)>", "code", "ok", 900, 150L));
        List<MigrationEntry> plan = List.of(
                new MigrationEntry("notes.0002_note_tags", "safe", List.of(), true, List.of("Add field tags to note")),
                new MigrationEntry("notes.0003_remove_note_body", "review", List.of("backward-incompatible", "locks-table"), false,
                        List.of("Remove field body from note <script>")));
        Map<String, List<LedgerEntry>> ledgers = new LinkedHashMap<>();
        ledgers.put("web1", List.of(new LedgerEntry("deploy", "rolled_back", R1, "20260201090000", "feature/a&b", "abc123", "o'brien \"ops\"",
                "ci", "web1", s, "2026-03-01T10:00:10Z", 10_000L, "web2: health: <script>alert('x')</script>", web1, null, plan,
                List.of("notes.0003_remove_note_body"), null)));
        ledgers.put("web2", List.of(new LedgerEntry("deploy", "rolled_back", R1, "20260201090000", "feature/a&b", "abc123", "o'brien \"ops\"",
                "ci", "web2", s, "2026-03-01T10:00:10Z", 10_000L, "web2: health: <script>alert('x')</script>", web2, null, plan,
                List.of("notes.0003_remove_note_body"), null)));
        ledgers.put("worker1", List.of(new LedgerEntry("deploy", "rolled_back", R1, "20260201090000", "feature/a&b", "abc123", "o'brien \"ops\"",
                "ci", "worker1", s, "2026-03-01T10:00:10Z", 10_000L, null, worker, "worker <u>note</u>", plan, null, null)));

        // when
        String html = ReportHtml.render("shop<1>", "production", ReportRuns.runs(ledgers).get(0), Map.of("web3", "connection refused <x>"));

        // then: a document with no markup that came from the ledger
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).doesNotContain("<script", "<img", "<u>note", "<x>", "shop<1>", "http://", "https://", "url(", "@import");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "feature/a&amp;b", "o&#39;brien &quot;ops&quot;",
                "shop&lt;1&gt;", "worker &lt;u&gt;note&lt;/u&gt;", "connection refused &lt;x&gt;");
        // the title and who/when/ref
        assertThat(html).contains("<title>djdeploy report: shop&lt;1&gt; production deploy " + R1 + "</title>", "20260201090000",
                "2026-03-01T10:00:10Z", "10.0 s", "<dt>ref</dt><dd>feature/a&amp;b</dd>");
        // one timeline row per host, in order; phases and steps positioned in percent of the longest run
        assertThat(rows(html)).containsExactly("web1", "web2", "worker1");
        assertThat(html).contains("class=\"phase ph-prepare\"", "class=\"phase ph-migrate\"", "class=\"step ph-migrate\"",
                "class=\"phase ph-other\"", "left:70.000%;width:0.200%");
        // the failed step stands out, on its host's row
        String web2Row = html.substring(html.indexOf("data-host=\"web2\""), html.indexOf("data-host=\"worker1\""));
        assertThat(web2Row).contains("class=\"step ph-switch failed\"", "class=\"phase ph-switch bad\"");
        assertThat(html.substring(html.indexOf("data-host=\"web1\""), html.indexOf("data-host=\"web2\""))).doesNotContain("failed");
        // health per host
        String health = section(html, "health");
        assertThat(health).contains("web1</td><td><span class=\"badge good\">healthy</span>", "web2</td><td><span class=\"badge bad\">failed</span>",
                "worker1</td><td><span class=\"muted\">not checked");
        // the migration plan with classes, reasons and what was approved
        String migrations = section(html, "migrations");
        assertThat(migrations).contains("notes.0002_note_tags", "<span class=\"badge good\">safe</span>", "notes.0003_remove_note_body",
                "<span class=\"badge warn\">review</span>", "backward-incompatible, locks-table", "Remove field body from note &lt;script&gt;",
                "Approved with <code>--approve-migrations</code>");
        // one error shown once, naming the hosts that recorded it
        assertThat(section(html, "errors")).contains("(web1, web2)");
        assertThat(countOf(section(html, "errors"), "alert(")).isEqualTo(1);
        assertThat(section(html, "unread")).contains("web3");
    }

    @Test
    void commandReadsEveryHostsLedgerAndWritesThePage(@TempDir Path dir) throws Exception {
        // given: two local hosts (their ledgers share the file here; each entry names its host)
        Path deployTo = dir.resolve("srv/shop");
        Files.createDirectories(deployTo.resolve(".djdeploy"));
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                environments:
                  production:
                    deploy_to: %s
                    hosts:
                      - {host: web1, transport: local, roles: [web, migrate]}
                      - {host: web2, transport: local, roles: [web]}
                """.formatted(deployTo));
        String s1 = "2026-03-01T10:00:00Z", s2 = "2026-03-02T11:00:00Z";
        StringBuilder ledger = new StringBuilder();
        for (LedgerEntry e : List.of(entry("deploy", "success", R1, "web1", s1, okSteps()), entry("deploy", "success", R1, "web2", s1, okSteps()),
                entry("deploy", "success", R2, "web1", s2, okSteps()), entry("deploy", "success", R2, "web2", s2, okSteps()))) {
            ledger.append(Json.line(e)).append('\n');
        }
        ledger.append("not json\n");
        Files.writeString(deployTo.resolve(".djdeploy/history.jsonl"), ledger);

        // when / then: the newest deploy on stdout
        Run newest = run("report", "production", "-c", cfg.toString());
        assertThat(newest.code()).as(newest.err()).isZero();
        assertThat(newest.out()).startsWith("<!DOCTYPE html>").contains("release <span class=\"mono\">" + R2 + "</span>");
        assertThat(rows(newest.out())).containsExactly("web1", "web2");

        // an older one, to a file
        Path page = dir.resolve("out/report.html");
        Files.createDirectories(page.getParent());
        Run toFile = run("report", "production", R1, "-o", page.toString(), "-c", cfg.toString());
        assertThat(toFile.code()).as(toFile.err()).isZero();
        assertThat(toFile.out()).contains("report of deploy " + R1 + " (2 hosts) written to " + page);
        assertThat(Files.readString(page)).contains(R1).doesNotContain(R2);
        try (var files = Files.list(page.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.html");
        }

        // an unknown release: one line, exit 9
        Run unknown = run("report", "production", "20990101000000", "-c", cfg.toString());
        assertThat(unknown.code()).isEqualTo(ExitCode.NO_TARGET.code);
        assertThat(unknown.err().strip()).doesNotContain("\n")
                .endsWith("release 20990101000000 is not in the ledger of web1, web2 (newest: " + R2 + "; djdeploy releases production lists them)");
        assertThat(unknown.out()).isEmpty();

        // not a release id, or an unwritable output: bad command line
        assertThat(run("report", "production", "latest", "-c", cfg.toString()).code()).isEqualTo(ExitCode.USAGE.code);
        Run noDir = run("report", "production", "-o", dir.resolve("missing/r.html").toString(), "-c", cfg.toString());
        assertThat(noDir.code()).isEqualTo(ExitCode.USAGE.code);
        assertThat(noDir.err()).contains("-o: cannot write " + dir.resolve("missing/r.html") + ": no such directory");

        // nothing deployed yet
        Files.delete(deployTo.resolve(".djdeploy/history.jsonl"));
        Run empty = run("report", "production", "-c", cfg.toString());
        assertThat(empty.code()).isEqualTo(ExitCode.NO_TARGET.code);
        assertThat(empty.err()).contains("no deploy or rollback recorded yet in the ledger of web1, web2");
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> rows(String html) {
        Matcher m = Pattern.compile("<div class=\"row\" data-host=\"([^\"]*)\"").matcher(html);
        return m.results().map(r -> r.group(1)).toList();
    }

    static String section(String html, String id) {
        int start = html.indexOf("<section id=\"" + id + "\"");
        assertThat(start).as("section " + id).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }

    static int countOf(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
