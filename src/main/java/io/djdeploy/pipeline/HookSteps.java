package io.djdeploy.pipeline;

import io.djdeploy.config.HookConfig;
import io.djdeploy.config.HookConfig.Point;
import io.djdeploy.config.HooksConfig;
import io.djdeploy.django.Manage;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * The project's own commands at named points of a deploy ({@code hooks:} in deploy.yml, see
 * docs/hooks.md). A remote hook runs in a release directory with that release's venv first on
 * PATH and the environment's env file loaded by the helper, as manage.py steps do, so no secret
 * is on its command line. Local hooks run on the deploying machine ({@link LocalHooks}).
 */
public final class HookSteps {
    private HookSteps() {}

    /** The step name of a hook point: ledger lines, events and `plan` show it. */
    public static String name(Point p) {
        return "hook " + p.label();
    }

    static List<HookConfig> on(HostRun h, RunContext ctx, Point p) {
        HooksConfig hooks = ctx.env().hooks();
        List<HookConfig> out = new ArrayList<>();
        for (HookConfig hook : hooks.at(p)) {
            if (hook.runsOn(h.config(), ctx.env().migrateHost())) out.add(hook);
        }
        return out;
    }

    /**
     * {@code cd RELEASE && python helper.py run --env-file F -- env PATH=VENV/bin:"$PATH" VIRTUAL_ENV=VENV sh -c CMD}:
     * the hook's text is one quoted argument, the env file's values reach only the hook's environment.
     */
    public static Command command(ReleaseLayout l, String id, RunContext ctx, HookConfig hook) {
        List<Object> argv = new ArrayList<>(Manage.helperRun(l, id, ctx.env().django()));
        argv.add("env");
        argv.add(Shell.var("PATH").around("PATH=" + l.venv(id) + "/bin:", ""));
        argv.add("VIRTUAL_ENV=" + l.venv(id));
        argv.add("sh");
        argv.add("-c");
        argv.add(hook.command());
        return Command.of(argv.toArray()).in(l.release(id)).withTimeout(hook.timeout());
    }

    /**
     * A deploy, or a release script of one (export-script): not `check` or `migrations`, which
     * build a release only to throw it away, so hooks with effects elsewhere must not run there.
     */
    static boolean deploys(RunContext ctx) {
        return !ctx.command().equals("check") && !ctx.command().equals("migrations");
    }

    /** The hooks of a point that run on this host, in the run's release. Deploy points run in deploys only (not in check). */
    public static Step at(Point p) {
        return new Step() {
            public String name() { return HookSteps.name(p); }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                boolean deployPoint = p != Point.AFTER_ROLLBACK && p != Point.ON_FAILURE;
                return (!deployPoint || deploys(ctx)) && !on(h, ctx, p).isEmpty();
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return on(h, ctx, p).stream().map(hook -> command(h.ops().layout(), ctx.releaseId(), ctx, hook)).toList();
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                for (HookConfig hook : on(x.host(), x.ctx(), p)) {
                    Command c = command(x.host().ops().layout(), x.ctx().releaseId(), x.ctx(), hook);
                    CommandResult r = null;
                    String why;
                    try {
                        r = x.run(c);   // output streams as events, through the renderers' redactor
                        why = r.ok() ? null : "failed with exit status " + r.exitCode();
                    } catch (TransportException e) {
                        if (e.getMessage() == null || !e.getMessage().contains("command timed out")) throw e;
                        why = "timed out after " + hook.timeout().toSeconds() + "s";
                    }
                    if (why == null) continue;
                    String what = HookSteps.name(p) + " " + Shell.quote(hook.command()) + " " + why;
                    // before the switch a failing hook stops the deploy; after it, by on_error; after a rollback or failure it only warns
                    boolean warnOnly = p == Point.AFTER_ROLLBACK || p == Point.ON_FAILURE
                            || (p == Point.AFTER_SWITCH && hook.onError() == HookConfig.OnError.WARN);
                    if (warnOnly) {
                        x.warn(x.ctx().redactor().apply(what + " (" + (p == Point.AFTER_SWITCH ? "on_error: warn" : "the "
                                + x.ctx().command() + " goes on") + ")"));
                        continue;
                    }
                    throw new StepFailure(x.ctx().redactor().apply(what), c.script(), r == null ? null : r.exitCode(),
                            r == null ? List.of() : r.tail());
                }
            }
        };
    }

    /**
     * A deploy failed (not interrupted): each locked host runs its on_failure hooks right away,
     * before the clean-up, in the release it serves at that moment (the new one only when it
     * switched). Failures are warnings; the step is recorded in the host's ledger line.
     */
    static void onFailure(Run run, String phase) {
        runOutside(run, Point.ON_FAILURE, phase, h -> h.switched() ? run.ctx().releaseId() : h.previous(),
                run.hosts().stream().filter(HostRun::locked).toList());
    }

    /** After an automatic switch back: the host's after_rollback hooks in the release it is back on. */
    static void afterSwitchBack(Run run, HostRun h, String phase) {
        runOutside(run, Point.AFTER_ROLLBACK, phase, HostRun::previous, List.of(h));
    }

    /** Runs a point's step outside the phase runner, as the runner would: events, timing, a ledger entry. */
    private static void runOutside(Run run, Point p, String phase, java.util.function.Function<HostRun, String> release, List<HostRun> hosts) {
        Step s = at(p);
        RunContext ctx = run.ctx();
        for (HostRun h : hosts) {
            String id = release.apply(h);
            if (id == null) continue;
            RunContext in = new RunContext(run.env(), ctx.command(), ctx.ref(), ctx.who(), ctx.started(), ctx.helper(), false, ctx.redactor());
            in.releaseId(id);
            if (!s.appliesTo(h, in)) continue;
            long t0 = System.nanoTime();
            long startMs = Math.max(0, java.time.Duration.between(ctx.started(), java.time.Instant.now()).toMillis());
            String status = "ok";
            try {
                h.ops().ensureHelper(id, ctx.helper());
                s.run(new StepExec(h, in, run.events()));
            } catch (StepFailure | TransportException e) {
                status = "failed";
                run.warn(h.name(), name(p) + ": " + ctx.redactor().apply(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            h.record(new io.djdeploy.release.LedgerEntry.StepEntry(phase, s.name(), status, (System.nanoTime() - t0) / 1_000_000, startMs));
        }
    }
}
