package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Phase;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.web.BlueGreen;
import io.djdeploy.web.HealthCheck;
import io.djdeploy.web.WebSteps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a failed or stopped run leaves behind. Before SWITCH: the new release is removed
 * everywhere and nothing user-visible changed. At or after SWITCH: the switched hosts go back
 * to their previous release, unless rollback.auto is off or this deploy applied migrations the
 * previous code cannot run on (then they stay, loudly). The ledger records the outcome and
 * the lock is released on every path.
 */
final class Recovery {
    private static final String INTERRUPTED = "interrupted";

    private Recovery() {}

    /** A phase failed on some hosts. */
    static RunResult abort(Run run, Pipelines.PhaseSpec spec, Map<HostRun, StepFailure> failures, boolean cancelled) {
        Phase phase = spec.phase();
        List<HostRun> hosts = run.hosts();
        RunContext ctx = run.ctx();
        boolean interrupted = cancelled || failures.values().stream().allMatch(f -> INTERRUPTED.equals(f.getMessage()));
        Map.Entry<HostRun, StepFailure> first = failures.entrySet().stream()
                .filter(e -> !INTERRUPTED.equals(e.getValue().getMessage())).findFirst()
                .orElse(failures.entrySet().iterator().next());
        StepFailure ff = first.getValue();
        String error = first.getKey().name() + ": " + (ff.step() != null ? ff.step() : phase.label()) + ": " + ff.getMessage();
        for (HostRun h : hosts) {
            StepFailure f = failures.get(h);
            if (f != null) h.detail(f.getMessage());
        }

        if (ff instanceof CoreSteps.LockHeldFailure) {
            run.ledger().unlockAll(run);
            hosts.forEach(h -> h.status(h.locked() ? "unlocked" : failures.containsKey(h) ? "locked" : "skipped"));
            return new RunResult(RunResult.Result.LOCKED, null, error);
        }
        if (spec.failsAs() != null) {
            run.ledger().unlockAll(run);   // CONNECT takes the lock: the hosts that answered may hold it
            hosts.forEach(h -> h.status(failures.containsKey(h) ? "unreachable" : "not changed"));
            return new RunResult(spec.failsAs(), null, error);
        }
        // from here on we hold locks: clean up without letting a second Ctrl-C cut it short
        boolean wasInterrupted = Thread.interrupted();
        try {
            if (!interrupted && ctx.command().equals("deploy")) HookSteps.onFailure(run, phase.label());
            if (phase.beforeSwitch() || hosts.stream().noneMatch(HostRun::switched)) {
                undoPrepare(run, interrupted ? INTERRUPTED : "failed", error);
                return new RunResult(interrupted ? RunResult.Result.INTERRUPTED : RunResult.Result.FAILED, ctx.releaseId(),
                        error + (ctx.command().equals("deploy") ? " (nothing changed: every host still serves its previous release)" : ""));
            }
            String forward = migratedForward(ctx);
            if (!run.env().safety().autoRollback() || forward != null) {
                String why = forward == null ? "rollback.auto is off"
                        : "the migrations this deploy applied are not expand-only (" + forward + "), so the previous release's code cannot run on the schema";
                return stayOnNew(run, error, why);
            }
            return sendBack(run, error);
        } finally {
            if (wasInterrupted) Thread.currentThread().interrupt();
        }
    }

    /** A checkpoint stopped the run before anything switched (the gate, the rollback target, the schema guard). */
    static RunResult stop(Run run, RunResult result) {
        switch (result.result()) {
            case GATED -> undoPrepare(run, "gated", result.message());
            case SCHEMA_BLOCKED -> run.ledger().close(run, "refused", result.message(), null);
            default -> run.ledger().unlockAll(run);
        }
        return result;
    }

    /**
     * Before SWITCH: remove the new release everywhere, record the outcome (null: record
     * nothing, as for `check`), release the locks.
     */
    static void undoPrepare(Run run, String outcome, String error) {
        boolean wasInterrupted = Thread.interrupted();
        String id = run.ctx().releaseId();
        for (HostRun h : run.hosts()) {
            if (h.releaseCreated() && id != null) {
                try {
                    CommandResult r = h.transport().run(h.ops().removeReleaseCommand(id));
                    if (r.ok()) run.info(h.name(), "removed the unfinished release " + id);
                    else run.warn(h.name(), "could not remove the unfinished release " + id + ": " + r.stderr().strip()
                            + " (the next deploy removes it)");
                } catch (TransportException | InterruptedException e) {
                    run.warn(h.name(), "could not remove the unfinished release " + id + ": " + e.getMessage());
                }
            }
            h.status("not changed");
        }
        if (outcome == null) run.ledger().unlockAll(run);
        else run.ledger().close(run, outcome, error, null);
        if (wasInterrupted) Thread.currentThread().interrupt();
    }

    /** The new release stays up on the hosts that switched: going back would be worse. */
    private static RunResult stayOnNew(Run run, String error, String why) {
        String id = run.ctx().releaseId();
        for (HostRun h : run.hosts()) {
            if (h.switched()) {
                h.status("LEFT ON NEW");
                h.detail(why);
                run.warn(h.name(), "staying on release " + id + ": " + why);
            } else {
                h.status("not changed");
            }
        }
        run.ledger().close(run, "failed", error, "not switched back: " + why);
        return new RunResult(RunResult.Result.ROLLBACK_FAILED, id, error + " (NOT switched back: " + why
                + "; the switched hosts serve release " + id + ", fix forward or run djdeploy rollback "
                + run.env().name() + " deliberately)");
    }

    /** Every switched host back on its previous release, each reloaded and health-checked again. */
    private static RunResult sendBack(Run run, String error) {
        boolean allBack = true;
        for (HostRun h : run.hosts()) {
            if (!h.switched()) {
                h.status("not changed");
                continue;
            }
            if (h.previous() == null) {
                allBack = false;
                h.status("failed (no previous release)");
                run.warn(h.name(), "no previous release to go back to: release " + run.ctx().releaseId() + " stays current");
                continue;
            }
            String back = switchBack(run, h);
            if (back == null) {
                h.status("back on " + h.previous());
            } else {
                allBack = false;
                h.status("FAILED");
                h.detail(back);
            }
        }
        run.ledger().close(run, allBack ? "rolled_back" : "failed", error, allBack ? null : "switching back failed on some hosts");
        return allBack
                ? new RunResult(RunResult.Result.ROLLED_BACK, run.ctx().releaseId(), error + " (switched hosts went back to their previous release)")
                : new RunResult(RunResult.Result.ROLLBACK_FAILED, run.ctx().releaseId(), error + " (going back failed: see above)");
    }

    /**
     * Migrations this deploy applied that are not expand-only (by the new release's
     * manifest), or null when switching back leaves the old code on a schema it understands.
     * A failure at or after SWITCH means MIGRATE passed: every migration of the plan was applied.
     */
    static String migratedForward(RunContext ctx) {
        if (ctx.migrationPlan() == null || ctx.manifest() == null) return null;
        Map<String, LedgerEntry.MigrationEntry> byId = new LinkedHashMap<>();
        for (LedgerEntry.MigrationEntry e : ctx.manifest()) byId.put(e.id(), e);
        List<String> blocking = new ArrayList<>();
        for (MigrationPlan.Migration m : ctx.migrationPlan().migrations()) {
            LedgerEntry.MigrationEntry e = byId.get(m.id());
            if (e == null || !Boolean.TRUE.equals(e.expandOnly())) blocking.add(m.id());
        }
        return blocking.isEmpty() ? null : String.join(", ", blocking);
    }

    /** @return null when the host serves its previous release again, else what went wrong */
    private static String switchBack(Run run, HostRun h) {
        RunContext ctx = run.ctx();
        EnvironmentConfig env = run.env();
        try {
            run.info(h.name(), "switching back to release " + h.previous());
            h.ops().ensureHelper(h.previous(), ctx.helper());
            RunContext back = new RunContext(env, ctx.command(), ctx.ref(), ctx.who(), ctx.started(), ctx.helper(), false, ctx.redactor());
            back.releaseId(h.previous());
            StepExec x = new StepExec(h, back, run.events());
            // blue-green: the old color usually still runs the previous release (checked), else it boots
            BlueGreen.Serving serving = h.config().hasRole(HostConfig.WEB) && env.web().blueGreen()
                    ? BlueGreen.serving(x, h.previous()) : null;
            // the same one command as the forward switch (just `current` when that color is still live);
            // a failing reload hook is judged by the health check below
            h.transport().run(serving != null && serving.live() ? h.ops().switchCommand(h.previous())
                    : WebSteps.switchCommand(h, back, serving == null ? null : serving.color()));
            String now = h.ops().currentRelease();
            if (!h.previous().equals(now)) return "switching back failed: current is " + now + ", not " + h.previous();
            if (serving != null) BlueGreen.stopAllBut(x, serving.color());
            // workers that already restarted on the new release must run the old code again
            for (Step s : Pipelines.WORKERS.steps()) {
                if (s.appliesTo(h, back)) for (Command c : s.plan(h, back)) h.transport().run(c);
            }
            if (h.config().hasRole(HostConfig.WEB) && env.health() != null) {
                HealthCheck.Result r = HealthCheck.parse(h.transport().run(
                        HealthCheck.command(h.name(), h.ops().layout(), h.previous(), env.health(), h.previous(), env.health().retries(),
                                HealthCheck.secret(env, env.health().url()))));
                if (!r.ok()) return "previous release " + h.previous() + " is not healthy either: " + r.describe(env.health(), h.previous());
                run.info(h.name(), "back on release " + h.previous() + ": " + r.describe(env.health(), h.previous()));
            }
            h.markSwitchedBack();
            HookSteps.afterSwitchBack(run, h, "switch");
            return null;
        } catch (Exception e) {
            return "switching back failed: " + e.getMessage();
        }
    }
}
