package io.djdeploy.step;

import java.util.List;

/** What the engine reports; the CLI renders events as text or JSON lines. The engine never prints. */
public sealed interface Event {
    /** The event's name in JSON output. */
    String type();

    record RunStarted(String command, String environment, String ref, String release, List<String> hosts) implements Event {
        public String type() { return "run_started"; }
    }

    record PhaseStarted(Phase phase, List<String> hosts) implements Event {
        public String type() { return "phase_started"; }
    }

    record PhaseFinished(Phase phase, boolean ok, long durationMs) implements Event {
        public String type() { return "phase_finished"; }
    }

    record StepStarted(String host, Phase phase, String step) implements Event {
        public String type() { return "step_started"; }
    }

    record StepFinished(String host, Phase phase, String step, String status, long durationMs, String error) implements Event {
        public String type() { return "step_finished"; }
    }

    /** A line a host command printed. */
    record Output(String host, String stream, String line) implements Event {
        public String type() { return "output"; }
    }

    /** A narrative line: what the engine decided or found. {@code host} may be null. */
    record Info(String host, String message) implements Event {
        public String type() { return "info"; }
    }

    record Warning(String host, String message) implements Event {
        public String type() { return "warning"; }
    }

    /** A failed step in detail: the command, its exit status and its last output lines. */
    record Failure(String host, Phase phase, String step, String message, String command, Integer exitCode, List<String> tail) implements Event {
        public String type() { return "failure"; }
    }

    /** The classified migration plan from the GATE analysis (also printed by `djdeploy migrations`). */
    record MigrationPlanReady(String host, io.djdeploy.release.MigrationPlan plan, java.util.List<String> unapproved) implements Event {
        public String type() { return "migration_plan"; }
    }

    /** One check's result on one host: a stable id, what was found, and how to fix it. */
    record Check(String host, String id, boolean ok, String detail, String fix) implements Event {
        public String type() { return "check"; }
    }

    record RunFinished(String command, String outcome, long durationMs, String release, List<HostSummary> hosts, String message) implements Event {
        public String type() { return "run_finished"; }
    }

    /** One row of the end-of-run table. */
    record HostSummary(String host, List<String> roles, String before, String after, String status, long durationMs, String detail,
                       int connections, int roundTrips) {}
}
