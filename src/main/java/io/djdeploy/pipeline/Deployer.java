package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Transport;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepFailure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine's front door: runs a pipeline from {@link Pipelines} across the environment's
 * hosts, phase by phase ({@link PhaseRunner}), runs each phase's checkpoints, and hands a
 * failure to {@link Recovery}. The lock is released on every path, Ctrl-C included.
 */
public final class Deployer implements AutoCloseable {
    private final EnvironmentConfig env;
    private final java.util.function.Function<HostConfig, Transport> transports;
    private final EventSink events;
    private final Identity who;
    private final Clock clock;
    private final byte[] helper;
    private final Redactor redactor;
    private final PhaseRunner runner;
    private final RunLedger ledger;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile MigrationPlan lastPlan;
    private Maintenance maintenance;

    public Deployer(EnvironmentConfig env, java.util.function.Function<HostConfig, Transport> transports, EventSink events,
                    Identity who, Clock clock, byte[] helper, int parallel) {
        this(env, transports, events, new Redactor(), who, clock, helper, parallel);
    }

    /** @param redactor shared with the renderers: the engine feeds it secrets and applies it to the ledger */
    public Deployer(EnvironmentConfig env, java.util.function.Function<HostConfig, Transport> transports, EventSink events, Redactor redactor,
                    Identity who, Clock clock, byte[] helper, int parallel) {
        this.redactor = redactor;
        redactor.addConfig(env);
        this.env = env;
        this.transports = transports;
        this.events = events;
        this.who = who;
        this.clock = clock;
        this.helper = helper;
        this.runner = new PhaseRunner(events, clock, Math.min(parallel, env.hosts().size()));
        this.ledger = new RunLedger(clock, redactor);
    }

    /** `deploy --maintenance`: maintenance on around MIGRATE with this page, back as it was after SWITCH or on failure. */
    public Deployer maintenance(String page) {
        this.maintenance = page == null ? null : new Maintenance(page);
        return this;
    }

    /** Where a container release's image is built by default: this machine (tests give a fake). */
    private io.djdeploy.remote.Transport thisMachine;

    Deployer thisMachine(io.djdeploy.remote.Transport t) {
        this.thisMachine = t;
        return this;
    }

    /** How long a step runs before it says what it waits for (5 s; tests shorten it). */
    void slowStepsAfter(Duration after) {
        runner.slowAfter(after);
    }

    /** What a rollback does when the database holds migrations the target does not know. */
    public enum SchemaMode {
        /** stop and explain unless every newer migration is expand-only */
        CHECK,
        /** --migrate-back: unapply them first with the code of a kept release that has their files (refused when one is irreversible) */
        MIGRATE_BACK,
        /** --ignore-schema: switch anyway; the ledger records it as forced */
        IGNORE
    }

    public RunResult deploy(String ref) {
        return deploy(ref, Set.of());
    }

    /** @param approvedMigrations app.name ids approved for the migration gate; "*" approves all */
    public RunResult deploy(String ref, Set<String> approvedMigrations) {
        Run run = start("deploy", ref, null);
        run.ctx().approvedMigrations(approvedMigrations);
        try {
            RunResult stopped;
            try {
                List<Pipelines.PhaseSpec> pipeline = Pipelines.deploy(env);
                stopped = drive(run, maintenance == null ? pipeline : maintenance.around(pipeline));
            } finally {
                if (maintenance != null) maintenance.restore(run);   // a failed or stopped run: back to what it was
            }
            if (stopped != null) return finish(run, stopped);
            run.hosts().forEach(h -> h.status("deployed"));
            ledger.close(run, "success", null, null);
            RunContext ctx = run.ctx();
            return finish(run, new RunResult(RunResult.Result.SUCCESS, ctx.releaseId(), "release " + ctx.releaseId() + " (" + ref + " "
                    + Run.shortSha(ctx.sha()) + ") is live on " + run.hosts().size() + " host(s)"));
        } catch (RuntimeException e) {
            Recovery.abort(run, Pipelines.PREPARE, Map.of(run.hosts().get(0), new StepFailure("internal error: " + e)), runner.cancelled());
            throw e;
        }
    }

    public RunResult rollback(String to) {
        return rollback(to, SchemaMode.CHECK);
    }

    public RunResult rollback(String to, SchemaMode schemaMode) {
        return rollback(to, schemaMode, Set.of());
    }

    /** @param approvedMigrations for --migrate-back: migrations whose reverse drops data, approved ("*": all) */
    public RunResult rollback(String to, SchemaMode schemaMode, Set<String> approvedMigrations) {
        if (to != null) ReleaseLayout.requireId(to);
        Run run = start("rollback", null, to);
        run.ctx().approvedMigrations(approvedMigrations);
        RunResult stopped = drive(run, Pipelines.rollback(to, schemaMode));
        if (stopped != null) return finish(run, stopped);
        RunContext ctx = run.ctx();
        run.hosts().forEach(h -> h.status("rolled back"));
        ledger.close(run, ctx.outcome() != null ? ctx.outcome() : ctx.note() != null ? "forced" : "success", null, ctx.note());
        return finish(run, new RunResult(RunResult.Result.SUCCESS, ctx.releaseId(),
                "rolled back to release " + ctx.releaseId() + " on " + run.hosts().size() + " host(s)"));
    }

    /**
     * `djdeploy migrations ENV --ref REF`: builds the release like a deploy up to the GATE
     * analysis, reports the plan, then removes the release. Nothing user-visible changes and
     * the ledger is not written (nothing was deployed).
     */
    public RunResult analyze(String ref) {
        Run run = start("migrations", ref, null);
        RunResult stopped = drive(run, Pipelines.analyze(env));
        if (stopped != null) return finish(run, stopped);
        MigrationPlan plan = run.ctx().migrationPlan();
        HostRun m = run.migrateHost();
        if (plan != null) events.emit(new Event.MigrationPlanReady(m == null ? null : m.name(), plan, plan.reviewIds()));
        Recovery.undoPrepare(run, null, null);
        lastPlan = plan;
        if (plan == null) return finish(run, new RunResult(RunResult.Result.NO_TARGET, null, "migrations are off for this environment"));
        return finish(run, new RunResult(plan.needsReview() ? RunResult.Result.GATED : RunResult.Result.SUCCESS, null,
                plan.isEmpty() ? "no pending migrations" : plan.migrations().size() + " pending migration(s), verdict " + plan.verdict()));
    }

    /** The plan of the last {@link #analyze} run. */
    public MigrationPlan lastPlan() {
        return lastPlan;
    }

    /**
     * `djdeploy check ENV [--ref REF]`: every check a deploy runs (host checks at PREFLIGHT,
     * the release's settings at PREPARE), then the release is removed; nothing else changes.
     */
    public RunResult check(String ref) {
        Run run = start("check", ref, null);
        RunResult r = drive(run, Pipelines.check(env));
        if (r != null) {
            return finish(run, r.result() == RunResult.Result.FAILED
                    ? new RunResult(RunResult.Result.CHECKS_FAILED, null, r.message().replace(" (nothing changed: every host still serves its previous release)", ""))
                    : r);
        }
        Recovery.undoPrepare(run, null, null);
        return finish(run, new RunResult(RunResult.Result.SUCCESS, null, "every check passed on " + run.hosts().size() + " host(s)"));
    }

    /** One line of a plan: on this host, in this phase, this step runs these commands. */
    public record PlannedStep(Phase phase, String host, String step, List<String> commands) {}

    /** Every phase and the exact commands per host. Connects to nothing and changes nothing. */
    public List<PlannedStep> plan(String ref) {
        RunContext ctx = new RunContext(env, "deploy", ref, who, clock.instant(), helper, true, redactor);
        ctx.releaseId(ReleaseLayout.newId(ctx.started()));
        List<PlannedStep> out = new ArrayList<>();
        List<HostRun> hosts = new ArrayList<>();
        for (HostConfig hc : env.hosts()) hosts.add(new HostRun(hc, null, new HostOps(null, ReleaseLayout.of(env))));
        for (Pipelines.PhaseSpec spec : Pipelines.deploy(env)) {
            for (HostRun h : hosts) {
                for (Step s : spec.steps()) {
                    if (!s.appliesTo(h, ctx)) continue;
                    List<String> cmds = new ArrayList<>();
                    for (Command c : s.plan(h, ctx)) {
                        cmds.add(c.stdin() == null ? c.script() : c.script() + "   # stdin: " + c.stdin().length + " bytes");
                    }
                    out.add(new PlannedStep(spec.phase(), h.name(), s.name(), cmds));
                }
            }
        }
        return out;
    }

    /** Ctrl-C / SIGTERM: stop the running steps; the main thread then cleans up as for a failure. */
    public void cancel() {
        runner.cancel();
    }

    /** Waits for the run to finish its cleanup (for a shutdown hook). */
    public boolean awaitFinish(Duration max) throws InterruptedException {
        return finished.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        runner.close();
    }

    // ---------------------------------------------------------------- the loop

    /** @param release a rollback's --to (then also the context's ref until the target is known) */
    private Run start(String command, String ref, String release) {
        RunContext ctx = new RunContext(env, command, ref != null ? ref : release, who, clock.instant(), helper, false, redactor);
        List<HostRun> hosts = new ArrayList<>();
        for (HostConfig hc : env.hosts()) {
            // a command holding a secret reaches the host's shell on stdin, never on a command line
            Transport t = io.djdeploy.step.PrivateScripts.wrap(transports.apply(hc), redactor);
            t = io.djdeploy.step.Piggyback.wrap(t);   // the "started" line rides on the next command (RunLedger.started)
            hosts.add(new HostRun(hc, t, new HostOps(t, ReleaseLayout.of(env))));
        }
        if (thisMachine != null) ctx.thisMachine(thisMachine);
        Run run = new Run(env, ctx, hosts, events, ledger);
        events.emit(new Event.RunStarted(command, env.name(), ref, release, run.names()));
        return run;
    }

    /**
     * Each phase by its policy, then its checkpoints. @return null when every phase passed,
     * else how the run ended, cleaned up
     */
    private RunResult drive(Run run, List<Pipelines.PhaseSpec> pipeline) {
        for (Pipelines.PhaseSpec spec : pipeline) {
            Map<HostRun, StepFailure> failures = runner.run(spec, run);
            if (failures.isEmpty()) {
                try {
                    for (Checkpoint c : spec.after()) {
                        RunResult stop = c.after(run);
                        if (stop != null) return Recovery.stop(run, stop);
                    }
                } catch (StepFailure f) {
                    failures = Map.of(run.hosts().get(0), f);
                }
            }
            if (failures.isEmpty()) continue;
            if (spec.policy() == Pipelines.Policy.BEST_EFFORT) {
                failures.forEach((h, f) -> run.warn(h.name(), (f.step() != null ? f.step() : spec.phase().label())
                        + " failed (the " + run.ctx().command() + " itself succeeded): " + f.getMessage()));
                continue;
            }
            return Recovery.abort(run, spec, failures, runner.cancelled());
        }
        return null;
    }

    private RunResult finish(Run run, RunResult result) {
        RunContext ctx = run.ctx();
        long total = Duration.between(ctx.started(), clock.instant()).toMillis();
        List<Event.HostSummary> rows = new ArrayList<>();
        for (HostRun h : run.hosts()) {
            long hostMs = h.steps().stream().mapToLong(LedgerEntry.StepEntry::durationMs).sum();
            String after = result.ok() || h.switched() ? ctx.releaseId() : h.previous();
            rows.add(new Event.HostSummary(h.name(), List.copyOf(h.config().roles()), h.previous(), after, h.status(), hostMs, h.detail(),
                    h.transport() == null ? 0 : h.transport().connectionsOpened(),
                    h.transport() == null ? 0 : h.transport().roundTrips()));
        }
        events.emit(new Event.RunFinished(ctx.command(), result.result().name().toLowerCase(Locale.ROOT), total,
                result.release(), rows, redactor.apply(result.message())));
        // every host's connection closes at once: a graceful SSH close is a round trip each
        run.hosts().parallelStream().filter(h -> h.transport() != null).forEach(h -> h.transport().close());
        finished.countDown();
        return result;
    }
}
