package io.djdeploy.pipeline;

import io.djdeploy.step.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step that waits on something outside djdeploy says what, while it waits: a restart that
 * spends half a minute in gunicorn's graceful stop is not just "switch 31.5s" at the end.
 */
class SlowStepsTest {
    final Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    List<Event.Info> notes() {
        return fleet.events(Event.Info.class).stream().filter(i -> i.message().contains("still running after")).toList();
    }

    Event.Info switchNote(String host) {
        return notes().stream().filter(i -> host.equals(i.host()) && i.message().startsWith("switch:")).findFirst().orElse(null);
    }

    @Test
    void aSlowRestartSaysItWaitsForGunicornsGracefulStopWhileItRuns() {
        // given: web2's restart takes until its note has been said (no fixed sleep)
        fleet.deployer.slowStepsAfter(Duration.ofMillis(50));
        fleet.host("web2").on("supervisorctl restart shop-web", (h, c) -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (switchNote("web2") == null && System.nanoTime() < deadline) Thread.sleep(10);
            return h.builtin(c);
        });

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then: said on web2, during its switch step (before that step finished), naming the wait
        assertThat(r.ok()).as(r.message()).isTrue();
        Event.Info note = switchNote("web2");
        assertThat(note).as("web2's switch said what it waits for").isNotNull();
        assertThat(note.message()).startsWith("switch: still running after 0s, waiting for the web restart (supervisorctl restart shop-web)")
                .contains("gunicorn's graceful stop").contains("graceful_timeout");
        int said = fleet.events.indexOf(note);
        int finished = fleet.events.indexOf(fleet.events(Event.StepFinished.class).stream()
                .filter(e -> "web2".equals(e.host()) && "switch".equals(e.step())).findFirst().orElseThrow());
        assertThat(said).isLessThan(finished);
    }

    @Test
    void aStepThatKnowsNothingSlowSaysNothing() {
        // given: the lock step has no waitsFor; it is held until well past the threshold
        fleet.deployer.slowStepsAfter(Duration.ofMillis(20));
        fleet.host("web1").on("mkdir", (h, c) -> {
            Thread.sleep(200);
            return h.builtin(c);
        });

        // when
        fleet.deployer.deploy("v3");

        // then
        assertThat(notes()).noneMatch(i -> i.message().startsWith("lock:"));
    }
}
