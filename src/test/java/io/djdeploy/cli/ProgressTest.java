package io.djdeploy.cli;

import io.djdeploy.step.Event;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Redactor;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeats in the plain log, the live block's last line, and when colors are on; all with a clock the test moves. */
class ProgressTest {
    /** A clock the test moves by hand: no test waits. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-01T02:00:00Z");

        void advance(long seconds) { now = now.plusSeconds(seconds); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    static final String SECRET = "hunter2-very-secret";

    static Redactor redactor() {
        Redactor r = new Redactor();
        r.add(SECRET);
        return r;
    }

    @Test
    void aStepRunningLongerThanTenSecondsGetsAHeartbeatEveryTenSeconds() {
        // given
        ManualClock clock = new ManualClock();
        StringWriter buf = new StringWriter();
        TextRenderer text = new TextRenderer(new PrintWriter(buf), false, redactor(), new Style(false), clock);
        text.emit(new Event.StepStarted("web1", Phase.PREPARE, "venv"));
        text.emit(new Event.StepStarted("web2", Phase.PREPARE, "venv"));

        // when: ticks every second for 25 s; web2 finishes after 5 s; web1's pip prints a line with a secret
        for (int s = 1; s <= 25; s++) {
            clock.advance(1);
            if (s == 5) text.emit(new Event.StepFinished("web2", Phase.PREPARE, "venv", "ok", 5000, null));
            if (s == 15) text.emit(new Event.Output("web1", "stdout", "Collecting Django==5.2 from https://u:" + SECRET + "@pypi.example"));
            text.tick();
        }

        // then: two heartbeats for web1 (10 s, 20 s), none for the quick web2, the second says what pip is doing, masked
        List<String> beats = buf.toString().lines().filter(l -> l.contains("still running")).toList();
        assertThat(beats).containsExactly(
                "[web1] venv still running, 10s",
                "[web1] venv still running, 20s: Collecting Django==5.2 from https://u:[REDACTED]@pypi.example");
        assertThat(buf.toString()).doesNotContain(SECRET).doesNotContain("Collecting Django==5.2\n");
    }

    @Test
    void noHeartbeatAfterTheStepEndsAndVerboseShowsEveryLineAsItComes() {
        ManualClock clock = new ManualClock();
        StringWriter buf = new StringWriter();
        TextRenderer text = new TextRenderer(new PrintWriter(buf), true, redactor(), new Style(false), clock);
        text.emit(new Event.StepStarted("web1", Phase.MIGRATE, "migrate"));
        text.emit(new Event.Output("web1", "stdout", "  Applying notes.0002_note_body... OK"));
        assertThat(buf.toString()).contains("[web1]   " + "  Applying notes.0002_note_body... OK");
        clock.advance(11);
        text.tick();
        text.emit(new Event.StepFinished("web1", Phase.MIGRATE, "migrate", "ok", 11000, null));
        clock.advance(30);
        text.tick();
        // with -v the lines are there already: the heartbeat does not repeat them
        assertThat(buf.toString().lines().filter(l -> l.contains("still running")).toList())
                .containsExactly("[web1] migrate still running, 11s");
    }

    @Test
    void theLiveBlockShowsTheRunningStepsLastLine() {
        Map<String, LiveRenderer.HostLine> hosts = new LinkedHashMap<>();
        LiveRenderer.HostLine a = new LiveRenderer.HostLine();
        a.phase = "prepare";
        a.step = "venv";
        a.last = "Installing collected packages: Django";
        a.stepStart = 0;
        hosts.put("web1", a);
        assertThat(LiveRenderer.block(hosts, 3_000_000_000L, 200))
                .containsExactly("web1  prepare   venv                3.0s  | Installing collected packages: Django");
    }

    @Test
    void colorsFollowTheFlagThenForceColorThenNoColorThenTheTerminal() {
        assertThat(Style.of(OutputMixin.Color.always, Map.of("NO_COLOR", "1"), false).color()).isTrue();
        assertThat(Style.of(OutputMixin.Color.never, Map.of("FORCE_COLOR", "1"), true).color()).isFalse();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of("FORCE_COLOR", "1"), false).color()).isTrue();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of("FORCE_COLOR", "0"), false).color()).isFalse();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of("NO_COLOR", "1"), true).color()).isFalse();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of("NO_COLOR", ""), true).color()).isTrue();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of(), true).color()).isTrue();
        assertThat(Style.of(OutputMixin.Color.auto, Map.of(), false).color()).isFalse();
    }

    @Test
    void releasesColorsTheOutcomeAfterPaddingSoColumnsStayAligned() {
        Style on = new Style(true);
        assertThat(ReleasesCommand.outcome(on, "success", 12)).isEqualTo("\u001b[32msuccess     \u001b[0m");
        assertThat(ReleasesCommand.outcome(on, "failed", 12)).startsWith("\u001b[31m");
        assertThat(ReleasesCommand.outcome(new Style(false), "rolled_back", 12)).isEqualTo("rolled_back ");
    }
}
