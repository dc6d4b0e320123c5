package io.djdeploy.cli;

import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import io.djdeploy.step.Redactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way djdeploy prints: a secret is masked before the text is escaped (JSON, HTML), the
 * final error line and stack trace are masked, and a host cannot drive the operator's terminal.
 */
class RenderersSecretsTest {
    /** A quote, a backslash and a control character: escaped differently by every writer. */
    static final String SECRET = "pw\"Zq\\8x\u0007K2-known";

    static Redactor redactor() {
        Redactor r = new Redactor();
        r.add(SECRET);
        return r;
    }

    static void assertNoSecret(String text) {
        assertThat(text).contains(Redactor.MASK).doesNotContain("Zq").doesNotContain("K2-known");
    }

    @Test
    void jsonEventsAreMaskedBeforeTheyAreEscaped() {
        StringWriter buf = new StringWriter();
        JsonRenderer json = new JsonRenderer(new PrintWriter(buf), redactor());
        json.emit(new Event.Output("web1", "stdout", "DB_PASSWORD=" + SECRET));
        json.emit(new Event.Failure("web1", io.djdeploy.step.Phase.PREPARE, "check", "settings: " + SECRET, "true", 1,
                List.of("got " + SECRET)));
        json.value("status", java.util.Map.of("note", SECRET));
        for (String line : buf.toString().split("\n")) assertNoSecret(line);
    }

    @Test
    void theHelpersJsonLinesInTextModeAreMasked() {
        // the helper prints json.dumps(...): the secret's quote and control character come escaped, Python style
        StringWriter buf = new StringWriter();
        TextRenderer text = new TextRenderer(new PrintWriter(buf), true, redactor(), new Style(false));
        text.emit(new Event.Output("web1", "stdout", "{\"ok\": false, \"body\": \"pw\\\"Zq\\\\8x\\u0007K2-known\"}"));
        assertNoSecret(buf.toString());
    }

    @Test
    void theFinalErrorLineTheJsonErrorAndTheStackTraceAreMasked() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.error(new CliException(ExitCode.DEPLOY_FAILED, "settings: DB_PASSWORD must be an integer, got '" + SECRET + "'"),
                redactor(), true, true, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(ExitCode.DEPLOY_FAILED.code);
        assertNoSecret(out.toString());
        assertThat(err.toString()).startsWith("djdeploy: error: settings: DB_PASSWORD must be an integer, got '[REDACTED]'")
                .contains("CliException", "\tat ");
        assertNoSecret(err.toString());

        StringWriter err2 = new StringWriter();
        Main.error(new IllegalStateException("boom " + SECRET), redactor(), false, true, new PrintWriter(new StringWriter()), new PrintWriter(err2));
        assertNoSecret(err2.toString());
    }

    @Test
    void hostOutputCannotDriveTheTerminalInTextAndLiveModes() {
        // given: output with an OSC title, a clear-screen, a carriage-return overwrite, a C1 CSI and a bidi override
        String evil = "ok\u001b]0;pwned\u0007\u001b[2J\rFAKE ok\u009b31m \u202edone\u001b[8m";
        StringWriter buf = new StringWriter();
        TextRenderer text = new TextRenderer(new PrintWriter(buf), true, new Redactor(), new Style(true));

        // when
        text.emit(new Event.Output("web1", "stdout", evil));
        text.emit(new Event.Failure("web1", io.djdeploy.step.Phase.PREPARE, "check", "failed: " + evil, "true", 1, List.of(evil)));
        text.emit(new Event.Info("web1", evil));

        // then: every control sequence is visible text; djdeploy's own colors remain
        String shown = buf.toString();
        assertThat(shown).doesNotContain("\r", "\u0007", "\u009b", "\u202e", "\u001b]", "\u001b[2J", "\u001b[8m")
                .contains("^[]0;pwned^G", "^M", "<U+202E>", "\u001b[31m[web1] check failed");
        assertThat(shown.replaceAll("\u001b\\[(0|1|31|32|33)m", "")).doesNotContain("\u001b");
    }

    @Test
    void theReportMasksLedgerTextBeforeItEscapesIt(@TempDir Path dir) throws Exception {
        // given: a ledger written by an older djdeploy, whose error holds a secret with HTML's special characters
        String secret = "tok<&\"'>-Zq-known";
        Path deployTo = dir.resolve("srv/shop");
        Files.createDirectories(deployTo.resolve(".djdeploy"));
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                web:
                  reload: {value: %s, secret: true}
                environments:
                  production:
                    deploy_to: %s
                    hosts:
                      - {host: web1, transport: local, roles: [web, migrate]}
                """.formatted(Json.line(secret), deployTo));
        LedgerEntry e = new LedgerEntry("deploy", "failed", ReportTest.R1, null, "v1", "f0026700d1cb6171e46a2072a847396104cafde2",
                "alice", "ci", "web1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:42Z", 42_000L, "reload failed: " + secret,
                ReportTest.okSteps(), "note " + secret, null, null, null);
        Files.writeString(deployTo.resolve(".djdeploy/history.jsonl"), Json.line(e) + "\n");

        // when
        ReportTest.Run r = ReportTest.run("report", "production", "-c", cfg.toString());

        // then
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("reload failed: [REDACTED]").doesNotContain("Zq-known");
    }
}
