package io.djdeploy.pipeline;

import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import io.djdeploy.web.HealthCheck;
import io.djdeploy.web.WebSteps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The engine: runs a pipeline across hosts, phase by phase, and owns what happens on failure.
 * Before SWITCH a failure removes the new release everywhere; at SWITCH the hosts that moved
 * go back to their previous release. The lock is released on every path, Ctrl-C included.
 */
public final class Deployer implements AutoCloseable {
    private final EnvironmentConfig env;
    private final Function<HostConfig, Transport> transports;
    private final EventSink events;
    private final Identity who;
    private final Clock clock;
    private final byte[] helper;
    private final ExecutorService pool;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Future<?>> running = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Redactor redactor;

    public Deployer(EnvironmentConfig env, Function<HostConfig, Transport> transports, EventSink events,
                    Identity who, Clock clock, byte[] helper, int parallel) {
        this(env, transports, events, new Redactor(), who, clock, helper, parallel);
    }

    /** @param redactor shared with the renderers: the engine feeds it secrets and applies it to the ledger */
    public Deployer(EnvironmentConfig env, Function<HostConfig, Transport> transports, EventSink events, Redactor redactor,
                    Identity who, Clock clock, byte[] helper, int parallel) {
        this.redactor = redactor;
        env.secrets().forEach(redactor::add);
        this.env = env;
        this.transports = transports;
        this.events = events;
        this.who = who;
        this.clock = clock;
        this.helper = helper;
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, env.hosts().size())), r -> {
            Thread t = new Thread(r, "djdeploy-host");
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------- deploy

    public RunResult deploy(String ref) {
        return deploy(ref, java.util.Set.of());
    }

    /** @param approvedMigrations app.name ids approved for the migration gate; "*" approves all */
    public RunResult deploy(String ref, java.util.Set<String> approvedMigrations) {
        RunContext ctx = new RunContext(env, "deploy", ref, who, clock.instant(), helper, false, redactor);
        ctx.approvedMigrations(approvedMigrations);
        List<HostRun> hosts = hosts();
        try {
            events.emit(new Event.RunStarted("deploy", env.name(), ref, null, names(hosts)));
            for (Pipelines.PhaseSpec spec : Pipelines.deploy()) {
                Map<HostRun, StepFailure> failures = run(spec, hosts, ctx);
                if (!failures.isEmpty()) {
                    if (spec.phase() == Phase.FINALIZE) {
                        failures.forEach((h, f) -> events.emit(new Event.Warning(h.name(), "cleanup failed (the deploy itself succeeded): " + f.getMessage())));
                        break;
                    }
                    return finish(ctx, hosts, abort(ctx, hosts, spec.phase(), failures));
                }
                if (spec.phase() == Phase.PREFLIGHT) started(ctx, hosts);
                if (spec.phase() == Phase.GATE) {
                    String stop = gate(ctx, hosts);
                    if (stop != null) {
                        undoPrepare(ctx, hosts, "gated", stop);
                        return finish(ctx, hosts, new RunResult(RunResult.Result.GATED, ctx.releaseId(), stop));
                    }
                }
            }
            for (HostRun h : hosts) {
                h.status("deployed");
                ledger(ctx, h, "deploy", "success", null, null);
                unlock(ctx, h);
            }
            return finish(ctx, hosts, new RunResult(RunResult.Result.SUCCESS, ctx.releaseId(),
                    "release " + ctx.releaseId() + " (" + ref + " " + shortSha(ctx.sha()) + ") is live on " + hosts.size() + " host(s)"));
        } catch (RuntimeException e) {
            abort(ctx, hosts, Phase.PREPARE, Map.of(hosts.get(0), new StepFailure("internal error: " + e)));
            throw e;
        }
    }

    /**
     * After the GATE analysis: shows the plan and applies the policy.
     * @return why the deploy stops here, or null to go on
     */
    private String gate(RunContext ctx, List<HostRun> hosts) {
        io.djdeploy.release.MigrationPlan plan = ctx.migrationPlan();
        if (plan == null) return null;
        String host = hosts.stream().filter(h -> h.config().hasRole(HostConfig.MIGRATE)).map(HostRun::name).findFirst().orElse(null);
        boolean gating = env.migrations().policy() == io.djdeploy.config.MigrationsConfig.Policy.GATE;
        List<String> unapproved = gating ? plan.unapproved(ctx.approvedMigrations()) : List.of();
        events.emit(new Event.MigrationPlanReady(host, plan, unapproved));
        if (plan.isEmpty()) {
            events.emit(new Event.Info(host, "no pending migrations"));
            return null;
        }
        if (!gating) {
            events.emit(new Event.Info(host, "migrations policy auto: applying " + plan.migrations().size() + " migration(s)"));
            return null;
        }
        if (unapproved.isEmpty()) {
            if (plan.needsReview()) events.emit(new Event.Info(host, "review-class migrations approved: " + String.join(", ", plan.reviewIds())));
            return null;
        }
        return "migrations need review before they run: " + String.join(", ", unapproved)
                + " (" + String.join(", ", plan.reasons()) + "); nothing changed. Approve all with --approve-migrations, or some with --approve-migrations "
                + String.join(",", unapproved);
    }

    /** Every host must build the same commit: a ref that moved between fetches is an error. */
    private StepFailure agreeOnCommit(RunContext ctx, List<HostRun> hosts) {
        Set<String> shas = new LinkedHashSet<>();
        Set<String> existing = new TreeSet<>();
        for (HostRun h : hosts) {
            shas.add(h.resolvedSha());
            existing.addAll(h.existing());
        }
        if (shas.size() != 1) {
            return new StepFailure("hosts resolved " + ctx.ref() + " to different commits " + shas + "; deploy a sha or a tag");
        }
        ctx.sha(shas.iterator().next());
        ctx.releaseId(ReleaseLayout.nextId(ctx.started(), existing));
        events.emit(new Event.Info(null, "new release " + ctx.releaseId() + " from " + ctx.ref() + " (" + shortSha(ctx.sha()) + ")"));
        return null;
    }

    // ---------------------------------------------------------------- rollback

    /** What a rollback does when the database holds migrations the target does not know. */
    public enum SchemaMode {
        /** stop and explain unless every newer migration is expand-only */
        CHECK,
        /** --migrate-back: unapply them with the newer code first (refused when one is irreversible) */
        MIGRATE_BACK,
        /** --ignore-schema: switch anyway; the ledger records it as forced */
        IGNORE
    }

    public RunResult rollback(String to) {
        return rollback(to, SchemaMode.CHECK);
    }

    public RunResult rollback(String to, SchemaMode schemaMode) {
        if (to != null) ReleaseLayout.requireId(to);
        RunContext ctx = new RunContext(env, "rollback", to, who, clock.instant(), helper, false, redactor);
        List<HostRun> hosts = hosts();
        events.emit(new Event.RunStarted("rollback", env.name(), null, to, names(hosts)));
        for (Pipelines.PhaseSpec spec : Pipelines.rollback()) {
            Map<HostRun, StepFailure> failures = run(spec, hosts, ctx);
            if (!failures.isEmpty()) return finish(ctx, hosts, abort(ctx, hosts, spec.phase(), failures));
            if (spec.phase() == Phase.PREFLIGHT) {
                RunResult chosen = chooseTarget(ctx, hosts, to);
                RunResult stop = chosen != null ? chosen : schemaCheck(ctx, hosts, schemaMode);
                if (stop != null) {
                    if (stop.result() == RunResult.Result.SCHEMA_BLOCKED) {
                        hosts.forEach(h -> ledger(ctx, h, "rollback", "refused", stop.message(), null));
                    }
                    hosts.forEach(h -> unlock(ctx, h));
                    return finish(ctx, hosts, stop);
                }
                for (HostRun h : hosts) {
                    try {
                        h.ops().ensureHelper(ctx.releaseId(), helper);
                    } catch (TransportException | InterruptedException e) {
                        events.emit(new Event.Warning(h.name(), "could not check the helper of release " + ctx.releaseId() + ": " + e.getMessage()));
                    }
                }
                started(ctx, hosts);
            }
        }
        for (HostRun h : hosts) {
            h.status("rolled back");
            ledger(ctx, h, "rollback", ctx.note() != null ? "forced" : "success", null, ctx.note());
            unlock(ctx, h);
        }
        return finish(ctx, hosts, new RunResult(RunResult.Result.SUCCESS, ctx.releaseId(),
                "rolled back to release " + ctx.releaseId() + " on " + hosts.size() + " host(s)"));
    }

    /** Default target: the newest complete release older than current that did not fail. */
    private RunResult chooseTarget(RunContext ctx, List<HostRun> hosts, String to) {
        Set<String> common = null;
        Set<String> bad = new LinkedHashSet<>();
        Set<String> currents = new LinkedHashSet<>();
        try {
            for (HostRun h : hosts) {
                Set<String> complete = new TreeSet<>(h.ops().completeReleases());
                common = common == null ? complete : intersect(common, complete);
                bad.addAll(BadReleases.of(h.ops().ledger()));
                currents.add(String.valueOf(h.previous()));
            }
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
        String current = currents.size() == 1 ? currents.iterator().next() : null;
        String target;
        if (to != null) {
            if (!common.contains(to)) {
                return new RunResult(RunResult.Result.NO_TARGET, null, "release " + to + " is not a complete release on every host (see djdeploy releases " + env.name() + ")");
            }
            target = to;
        } else {
            if (current == null || "null".equals(current)) {
                return new RunResult(RunResult.Result.NO_TARGET, null, currents.size() > 1
                        ? "hosts are on different releases " + currents + "; name one with --to" : "nothing is deployed yet");
            }
            target = null;
            for (String id : common) {
                if (id.compareTo(current) < 0 && !bad.contains(id)) target = id;
            }
            if (target == null) return new RunResult(RunResult.Result.NO_TARGET, null, "no earlier good release is kept on every host");
        }
        if (currents.size() == 1 && target.equals(current)) {
            return new RunResult(RunResult.Result.NOTHING_TO_DO, target, "release " + target + " is already current");
        }
        ctx.releaseId(target);
        try {
            io.djdeploy.release.Revision rev = hosts.get(0).ops().revision(target);
            if (rev != null) {
                ctx.ref(rev.ref());
                ctx.sha(rev.sha());
            }
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
        events.emit(new Event.Info(null, "rolling back from " + current + " to release " + target
                + (ctx.ref() != null ? " (" + ctx.ref() + " " + shortSha(ctx.sha()) + ")" : "")));
        return null;
    }

    /**
     * Compares the migrations applied in the database with the target release's manifest.
     * @return why the rollback stops, or null to go on
     */
    private RunResult schemaCheck(RunContext ctx, List<HostRun> hosts, SchemaMode mode) {
        if (!env.django().migrate() || env.migrations().policy() == io.djdeploy.config.MigrationsConfig.Policy.OFF) return null;
        HostRun m = hosts.stream().filter(h -> h.config().hasRole(HostConfig.MIGRATE)).findFirst().orElse(null);
        if (m == null || m.previous() == null) {
            events.emit(new Event.Warning(null, "no migrate host in this run: the schema check is skipped"));
            return null;
        }
        String target = ctx.releaseId();
        String current = m.previous();
        try {
            List<LedgerEntry.MigrationEntry> targetManifest = readManifest(m, target);
            List<LedgerEntry.MigrationEntry> currentManifest = readManifest(m, current);
            if (targetManifest == null || currentManifest == null) {
                String which = targetManifest == null ? "the target " + target : "the current release " + current;
                if (mode == SchemaMode.IGNORE) {
                    ctx.note("forced with --ignore-schema: " + which + " has no migration manifest");
                    events.emit(new Event.Warning(m.name(), ctx.note()));
                    return null;
                }
                return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, which + " has no migration manifest (deployed before djdeploy recorded them)"
                        + ", so the schema cannot be checked; switch anyway with --ignore-schema");
            }
            Map<String, LedgerEntry.MigrationEntry> newer = new LinkedHashMap<>();
            for (LedgerEntry.MigrationEntry e : currentManifest) newer.put(e.id(), e);
            io.djdeploy.django.MigrationFacts facts = io.djdeploy.django.MigrationSteps.parse(m.transport().run(
                    io.djdeploy.django.MigrationSteps.helperCommand(m.ops().layout(), current, env.django(), "migrations", "--no-sql")));
            List<String> applied = new ArrayList<>();
            for (List<String> a : facts.applied() == null ? List.<List<String>>of() : facts.applied()) applied.add(a.get(0) + "." + a.get(1));
            io.djdeploy.django.RollbackSchema.Verdict v = io.djdeploy.django.RollbackSchema.compare(applied, targetManifest, newer);
            if (v.extra().isEmpty()) {
                events.emit(new Event.Info(m.name(), "schema: the database holds no migration that release " + target + " does not know"));
                return null;
            }
            if (v.ok()) {
                events.emit(new Event.Info(m.name(), "schema: " + v.extra().size() + " newer migration(s) are expand-only ("
                        + String.join(", ", v.expandOnly()) + "): release " + target + "'s code runs on this schema"));
                return null;
            }
            List<String> lines = new ArrayList<>();
            for (io.djdeploy.django.RollbackSchema.Blocker b : v.blockers()) lines.add(b.id() + " (" + b.why() + ")");
            if (mode == SchemaMode.IGNORE) {
                ctx.note("forced with --ignore-schema over " + String.join(", ", lines));
                events.emit(new Event.Warning(m.name(), ctx.note()));
                return null;
            }
            if (mode == SchemaMode.MIGRATE_BACK) return migrateBack(ctx, m, current, v, targetManifest, newer);
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, "release " + target + "'s code does not know migrations applied since: "
                    + String.join("; ", lines) + ". Nothing changed. Choose: --migrate-back (unapply them with release " + current
                    + "'s code first) or --ignore-schema (switch anyway; recorded as forced)");
        } catch (IllegalArgumentException e) {
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, target, "cannot check the schema: " + e.getMessage()
                    + "; switch anyway with --ignore-schema");
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
    }

    /** --migrate-back: `migrate APP LEAF` with the newer (current) code, which still has the files to unapply. */
    private RunResult migrateBack(RunContext ctx, HostRun m, String current, io.djdeploy.django.RollbackSchema.Verdict v,
                                  List<LedgerEntry.MigrationEntry> target, Map<String, LedgerEntry.MigrationEntry> newer)
            throws TransportException, InterruptedException {
        String irreversible = io.djdeploy.django.RollbackSchema.irreversible(v.extra(), newer);
        if (irreversible != null) {
            return new RunResult(RunResult.Result.SCHEMA_BLOCKED, ctx.releaseId(), "cannot migrate back: " + irreversible
                    + " cannot be unapplied. Nothing changed; --ignore-schema switches anyway (recorded as forced)");
        }
        for (Map.Entry<String, String> e : io.djdeploy.django.RollbackSchema.backTo(v.extra(), target).entrySet()) {
            Command c = io.djdeploy.django.Manage.command(m.ops().layout(), current, env.django(), "migrate", e.getKey(), e.getValue(), "--noinput");
            events.emit(new Event.Info(m.name(), "migrating back: " + e.getKey() + " to " + e.getValue() + " with release " + current + "'s code"));
            io.djdeploy.remote.CommandResult r = m.transport().run(c, (s, l) -> events.emit(new Event.Output(m.name(), s.name().toLowerCase(java.util.Locale.ROOT), l)));
            if (!r.ok()) {
                events.emit(new Event.Failure(m.name(), Phase.PREFLIGHT, "migrate back", "migrating back failed", c.script(), r.exitCode(), r.tail()));
                return new RunResult(RunResult.Result.SCHEMA_BLOCKED, ctx.releaseId(), "migrating " + e.getKey() + " back to " + e.getValue()
                        + " failed (exit " + r.exitCode() + "); the site still runs release " + current);
            }
        }
        ctx.note("migrated back " + String.join(", ", v.extra()) + " before switching");
        return null;
    }

    private List<LedgerEntry.MigrationEntry> readManifest(HostRun h, String id) throws TransportException, InterruptedException {
        io.djdeploy.remote.CommandResult r = h.transport().run(Command.sh("cat " + io.djdeploy.remote.Shell.quote(
                io.djdeploy.django.MigrationSteps.manifestPath(h.ops().layout(), id)) + " 2>/dev/null"));
        if (!r.ok() || r.out().isEmpty()) return null;
        try {
            return io.djdeploy.release.Json.read(r.out(), io.djdeploy.django.ReleaseManifest.class).migrations();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.retainAll(b);
        return s;
    }

    // ---------------------------------------------------------------- plan

    /** One line of a plan: on this host, in this phase, this step runs these commands. */
    public record PlannedStep(Phase phase, String host, String step, List<String> commands) {}

    /** Every phase and the exact commands per host. Connects to nothing and changes nothing. */
    public List<PlannedStep> plan(String ref) {
        RunContext ctx = new RunContext(env, "deploy", ref, who, clock.instant(), helper, true, redactor);
        ctx.releaseId(ReleaseLayout.newId(ctx.started()));
        List<PlannedStep> out = new ArrayList<>();
        List<HostRun> hosts = new ArrayList<>();
        for (HostConfig hc : env.hosts()) hosts.add(new HostRun(hc, null, new HostOps(null, new ReleaseLayout(env.deployTo()))));
        for (Pipelines.PhaseSpec spec : Pipelines.deploy()) {
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

    // ---------------------------------------------------------------- the runner

    private List<HostRun> hosts() {
        List<HostRun> hosts = new ArrayList<>();
        for (HostConfig hc : env.hosts()) {
            Transport t = transports.apply(hc);
            hosts.add(new HostRun(hc, t, new HostOps(t, new ReleaseLayout(env.deployTo()))));
        }
        return hosts;
    }

    private Map<HostRun, StepFailure> run(Pipelines.PhaseSpec spec, List<HostRun> hosts, RunContext ctx) {
        if (spec.phase() == Phase.SWITCH) return runSwitch(spec, hosts, ctx);
        Map<HostRun, StepFailure> failures = runPhase(spec, hosts, ctx);
        // a PREFLIGHT that fetched the ref ends with every host agreeing on the commit and the new id
        if (spec.phase() == Phase.PREFLIGHT && failures.isEmpty() && hosts.stream().anyMatch(h -> h.resolvedSha() != null)) {
            StepFailure f = agreeOnCommit(ctx, hosts);
            if (f != null) failures.put(hosts.get(0), f);
        }
        return failures;
    }

    /** The deploy pipeline through {@code last}: null when every phase passed, else the cleaned-up outcome. */
    private RunResult runThrough(RunContext ctx, List<HostRun> hosts, Phase last) {
        for (Pipelines.PhaseSpec spec : Pipelines.deploy()) {
            if (spec.phase().ordinal() > last.ordinal()) break;
            Map<HostRun, StepFailure> failures = run(spec, hosts, ctx);
            if (!failures.isEmpty()) return abort(ctx, hosts, spec.phase(), failures);
        }
        return null;
    }

    /**
     * SWITCH in batches of web hosts, each health-verified before the next starts; hosts
     * without the web role switch last. The first failing batch stops the phase: the caller
     * puts every switched host back, and later batches never switch.
     */
    private Map<HostRun, StepFailure> runSwitch(Pipelines.PhaseSpec spec, List<HostRun> hosts, RunContext ctx) {
        List<HostRun> web = hosts.stream().filter(h -> h.config().hasRole(HostConfig.WEB)).toList();
        List<HostRun> others = hosts.stream().filter(h -> !h.config().hasRole(HostConfig.WEB)).toList();
        List<List<HostRun>> batches = new ArrayList<>();
        int per = env.switching().perBatch(web.size());
        for (int i = 0; i < web.size(); i += per) batches.add(web.subList(i, Math.min(web.size(), i + per)));
        if (!others.isEmpty()) batches.add(others);
        for (int i = 0; i < batches.size(); i++) {
            if (i > 0 && !env.switching().pause().isZero() && batches.get(i).stream().anyMatch(h -> h.config().hasRole(HostConfig.WEB))) {
                try {
                    Thread.sleep(env.switching().pause().toMillis());
                } catch (InterruptedException e) {
                    cancel();
                }
            }
            if (batches.size() > 1) {
                events.emit(new Event.Info(null, "switch batch " + (i + 1) + "/" + batches.size() + ": " + String.join(", ", names(batches.get(i)))));
            }
            Map<HostRun, StepFailure> failures = runPhase(spec, batches.get(i), ctx);
            if (!failures.isEmpty()) {
                for (int j = i + 1; j < batches.size(); j++) batches.get(j).forEach(h -> h.detail("never switched: an earlier batch failed"));
                return failures;
            }
        }
        return new LinkedHashMap<>();
    }

    /** Runs one phase on every host in parallel and waits for all: the barrier. */
    private Map<HostRun, StepFailure> runPhase(Pipelines.PhaseSpec spec, List<HostRun> hosts, RunContext ctx) {
        Map<HostRun, StepFailure> failures = new LinkedHashMap<>();
        List<HostRun> active = new ArrayList<>();
        for (HostRun h : hosts) {
            if (spec.steps().stream().anyMatch(s -> s.appliesTo(h, ctx))) active.add(h);
        }
        if (active.isEmpty()) return failures;
        if (cancelled.get()) {
            failures.put(active.get(0), new StepFailure("interrupted"));
            return failures;
        }
        long t0 = System.nanoTime();
        events.emit(new Event.PhaseStarted(spec.phase(), names(active)));
        Map<HostRun, Future<?>> futures = new LinkedHashMap<>();
        // cancel() returns at once; the barrier must also wait for cancelled hosts to stop
        CountDownLatch stopped = new CountDownLatch(active.size());
        for (HostRun h : active) {
            Future<?> f = pool.submit(() -> {
                try {
                    runSteps(spec, h, ctx);
                } finally {
                    stopped.countDown();
                }
                return null;
            });
            futures.put(h, f);
            running.add(f);
        }
        for (Map.Entry<HostRun, Future<?>> e : futures.entrySet()) {
            try {
                e.getValue().get();
            } catch (CancellationException ce) {
                failures.put(e.getKey(), new StepFailure("interrupted"));
            } catch (ExecutionException ee) {
                Throwable c = ee.getCause();
                failures.put(e.getKey(), c instanceof StepFailure sf ? sf : new StepFailure(String.valueOf(c)));
                // fail fast before SWITCH: the others' work would be thrown away anyway
                if (spec.phase().beforeSwitch()) futures.values().forEach(f -> f.cancel(true));
            } catch (InterruptedException ie) {
                cancel();
                failures.put(e.getKey(), new StepFailure("interrupted"));
            } finally {
                running.remove(e.getValue());
            }
        }
        awaitStopped(stopped, spec.phase());
        if (cancelled.get() && failures.isEmpty()) failures.put(active.get(0), new StepFailure("interrupted"));
        events.emit(new Event.PhaseFinished(spec.phase(), failures.isEmpty(), ms(t0)));
        return failures;
    }

    private void awaitStopped(CountDownLatch stopped, Phase phase) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!stopped.await(60, TimeUnit.SECONDS)) {
                        events.emit(new Event.Warning(null, phase.label() + ": a host did not stop within 60s of being cancelled"));
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancel();
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void runSteps(Pipelines.PhaseSpec spec, HostRun h, RunContext ctx) throws StepFailure {
        for (Step s : spec.steps()) {
            if (!s.appliesTo(h, ctx)) continue;
            long t0 = System.nanoTime();
            long startMs = Math.max(0, Duration.between(ctx.started(), clock.instant()).toMillis());
            events.emit(new Event.StepStarted(h.name(), spec.phase(), s.name()));
            try {
                if (cancelled.get()) throw new StepFailure("interrupted");
                s.run(new StepExec(h, ctx, events));
                record(h, spec.phase(), s, "ok", t0, startMs, null);
            } catch (StepFailure f) {
                f.step(s.name());
                record(h, spec.phase(), s, "failed", t0, startMs, f);
                throw f;
            } catch (TransportException e) {
                StepFailure f = new StepFailure("connection to " + e.host() + " failed: " + e.getMessage());
                f.step(s.name());
                record(h, spec.phase(), s, "failed", t0, startMs, f);
                throw f;
            } catch (InterruptedException e) {
                StepFailure f = new StepFailure("interrupted");
                record(h, spec.phase(), s, "interrupted", t0, startMs, f);
                throw f;
            }
        }
    }

    private void record(HostRun h, Phase p, Step s, String status, long t0, long startMs, StepFailure f) {
        long ms = ms(t0);
        h.record(new LedgerEntry.StepEntry(p.label(), s.name(), status, ms, startMs));
        events.emit(new Event.StepFinished(h.name(), p, s.name(), status, ms, f == null ? null : f.getMessage()));
        if (f != null && !"interrupted".equals(f.getMessage())) {
            events.emit(new Event.Failure(h.name(), p, s.name(), f.getMessage(), f.command(), f.exitCode(), f.tail()));
        }
    }

    // ---------------------------------------------------------------- failure handling

    private RunResult abort(RunContext ctx, List<HostRun> hosts, Phase phase, Map<HostRun, StepFailure> failures) {
        boolean interrupted = cancelled.get() || failures.values().stream().allMatch(f -> "interrupted".equals(f.getMessage()));
        Map.Entry<HostRun, StepFailure> first = failures.entrySet().stream()
                .filter(e -> !"interrupted".equals(e.getValue().getMessage())).findFirst()
                .orElse(failures.entrySet().iterator().next());
        StepFailure ff = first.getValue();
        String error = first.getKey().name() + ": " + (ff.step() != null ? ff.step() : phase.label()) + ": " + ff.getMessage();
        for (HostRun h : hosts) {
            StepFailure f = failures.get(h);
            if (f != null) h.detail(f.getMessage());
        }

        if (first.getValue() instanceof CoreSteps.LockHeldFailure) {
            hosts.forEach(h -> unlock(ctx, h));
            hosts.forEach(h -> h.status(h.locked() ? "unlocked" : failures.containsKey(h) ? "locked" : "skipped"));
            return new RunResult(RunResult.Result.LOCKED, null, error);
        }
        if (phase == Phase.CONNECT) {
            hosts.forEach(h -> h.status(failures.containsKey(h) ? "unreachable" : "not changed"));
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, error);
        }
        // from here on we hold locks: clean up without letting a second Ctrl-C cut it short
        boolean wasInterrupted = Thread.interrupted();
        RunResult result;
        if (phase.beforeSwitch() || hosts.stream().noneMatch(h -> h.switched())) {
            undoPrepare(ctx, hosts, interrupted ? "interrupted" : "failed", error);
            result = new RunResult(interrupted ? RunResult.Result.INTERRUPTED : RunResult.Result.FAILED, ctx.releaseId(),
                    error + (ctx.command().equals("deploy") ? " (nothing changed: every host still serves its previous release)" : ""));
        } else if (!env.safety().autoRollback() || migratedForward(ctx, hosts) != null) {
            // stop loudly: the new release stays up on the hosts that switched
            String why = !env.safety().autoRollback() ? "rollback.auto is off"
                    : "the migrations this deploy applied are not expand-only (" + migratedForward(ctx, hosts)
                      + "), so the previous release's code cannot run on the schema";
            for (HostRun h : hosts) {
                if (h.switched()) {
                    h.status("LEFT ON NEW");
                    h.detail(why);
                    events.emit(new Event.Warning(h.name(), "staying on release " + ctx.releaseId() + ": " + why));
                } else {
                    h.status("not changed");
                }
            }
            for (HostRun h : hosts) {
                if (h.locked()) ledger(ctx, h, ctx.command(), "failed", error, "not switched back: " + why);
                unlock(ctx, h);
            }
            result = new RunResult(RunResult.Result.ROLLBACK_FAILED, ctx.releaseId(), error + " (NOT switched back: " + why
                    + "; the switched hosts serve release " + ctx.releaseId() + ", fix forward or run djdeploy rollback "
                    + env.name() + " deliberately)");
        } else {
            boolean allBack = true;
            for (HostRun h : hosts) {
                if (!h.switched()) {
                    h.status("not changed");
                    continue;
                }
                if (h.previous() == null) {
                    allBack = false;
                    h.status("failed (no previous release)");
                    events.emit(new Event.Warning(h.name(), "no previous release to go back to: release " + ctx.releaseId() + " stays current"));
                    continue;
                }
                String back = switchBack(ctx, h);
                if (back == null) {
                    h.status("back on " + h.previous());
                } else {
                    allBack = false;
                    h.status("FAILED");
                    h.detail(back);
                }
            }
            for (HostRun h : hosts) {
                if (h.locked()) ledger(ctx, h, ctx.command(), allBack ? "rolled_back" : "failed", error, allBack ? null : "switching back failed on some hosts");
                unlock(ctx, h);
            }
            result = allBack
                    ? new RunResult(RunResult.Result.ROLLED_BACK, ctx.releaseId(), error + " (switched hosts went back to their previous release)")
                    : new RunResult(RunResult.Result.ROLLBACK_FAILED, ctx.releaseId(), error + " (going back failed: see above)");
        }
        if (wasInterrupted) Thread.currentThread().interrupt();
        return result;
    }

    /** Before SWITCH: remove the new release everywhere, record the outcome, release the locks. */
    private void undoPrepare(RunContext ctx, List<HostRun> hosts, String outcome, String error) {
        boolean wasInterrupted = Thread.interrupted();
        for (HostRun h : hosts) {
            if (h.releaseCreated() && ctx.releaseId() != null) {
                try {
                    h.transport().run(h.ops().removeReleaseCommand(ctx.releaseId()));
                    events.emit(new Event.Info(h.name(), "removed the unfinished release " + ctx.releaseId()));
                } catch (TransportException | InterruptedException e) {
                    events.emit(new Event.Warning(h.name(), "could not remove the unfinished release " + ctx.releaseId() + ": " + e.getMessage()));
                }
            }
            h.status("not changed");
        }
        for (HostRun h : hosts) {
            if (h.locked() && !"analysis".equals(outcome)) ledger(ctx, h, ctx.command(), outcome, error, null);
            unlock(ctx, h);
        }
        if (wasInterrupted) Thread.currentThread().interrupt();
    }

    // ---------------------------------------------------------------- migrations ENV: analyse only

    /**
     * `djdeploy migrations ENV --ref REF`: builds the release like a deploy up to the GATE
     * analysis, reports the plan, then removes the release. Nothing user-visible changes and
     * the ledger is not written (nothing was deployed).
     */
    public RunResult analyze(String ref) {
        RunContext ctx = new RunContext(env, "migrations", ref, who, clock.instant(), helper, false, redactor);
        List<HostRun> hosts = hosts();
        events.emit(new Event.RunStarted("migrations", env.name(), ref, null, names(hosts)));
        RunResult stopped = runThrough(ctx, hosts, Phase.GATE);
        if (stopped != null) return finish(ctx, hosts, stopped);
        io.djdeploy.release.MigrationPlan plan = ctx.migrationPlan();
        String host = hosts.stream().filter(h -> h.config().hasRole(HostConfig.MIGRATE)).map(HostRun::name).findFirst().orElse(null);
        if (plan != null) events.emit(new Event.MigrationPlanReady(host, plan, plan.reviewIds()));
        undoPrepare(ctx, hosts, "analysis", null);
        lastPlan = plan;
        if (plan == null) return finish(ctx, hosts, new RunResult(RunResult.Result.NO_TARGET, null, "migrations are off for this environment"));
        return finish(ctx, hosts, new RunResult(plan.needsReview() ? RunResult.Result.GATED : RunResult.Result.SUCCESS, null,
                plan.isEmpty() ? "no pending migrations" : plan.migrations().size() + " pending migration(s), verdict " + plan.verdict()));
    }

    private volatile io.djdeploy.release.MigrationPlan lastPlan;

    /**
     * `djdeploy check ENV [--ref REF]`: every check a deploy runs (host checks at PREFLIGHT,
     * the release's settings at PREPARE), then the release is removed; nothing else changes.
     */
    public RunResult check(String ref) {
        RunContext ctx = new RunContext(env, "check", ref, who, clock.instant(), helper, false, redactor);
        List<HostRun> hosts = hosts();
        events.emit(new Event.RunStarted("check", env.name(), ref, null, names(hosts)));
        RunResult r = runThrough(ctx, hosts, Phase.PREPARE);
        if (r != null) {
            return finish(ctx, hosts, r.result() == RunResult.Result.FAILED
                    ? new RunResult(RunResult.Result.CHECKS_FAILED, null, r.message().replace(" (nothing changed: every host still serves its previous release)", ""))
                    : r);
        }
        undoPrepare(ctx, hosts, "analysis", null);
        return finish(ctx, hosts, new RunResult(RunResult.Result.SUCCESS, null, "every check passed on " + hosts.size() + " host(s)"));
    }

    /** The plan of the last {@link #analyze} run. */
    public io.djdeploy.release.MigrationPlan lastPlan() {
        return lastPlan;
    }

    /**
     * Migrations this deploy applied that are not expand-only (by the new release's
     * manifest), or null when switching back leaves the old code on a schema it understands.
     */
    private String migratedForward(RunContext ctx, List<HostRun> hosts) {
        boolean migrated = hosts.stream().anyMatch(h -> h.steps().stream()
                .anyMatch(s -> MigrationSteps.MIGRATE.equals(s.step()) && "ok".equals(s.status())));
        if (!migrated || ctx.migrationPlan() == null || ctx.manifest() == null) return null;
        Map<String, LedgerEntry.MigrationEntry> byId = new LinkedHashMap<>();
        for (LedgerEntry.MigrationEntry e : ctx.manifest()) byId.put(e.id(), e);
        List<String> blocking = new ArrayList<>();
        for (io.djdeploy.release.MigrationPlan.Migration m : ctx.migrationPlan().migrations()) {
            LedgerEntry.MigrationEntry e = byId.get(m.id());
            if (e == null || !Boolean.TRUE.equals(e.expandOnly())) blocking.add(m.id());
        }
        return blocking.isEmpty() ? null : String.join(", ", blocking);
    }

    /** @return null when the host serves its previous release again, else what went wrong */
    private String switchBack(RunContext ctx, HostRun h) {
        try {
            events.emit(new Event.Info(h.name(), "switching back to release " + h.previous()));
            h.ops().ensureHelper(h.previous(), helper);
            RunContext back = new RunContext(env, ctx.command(), ctx.ref(), ctx.who(), ctx.started(), helper, false, redactor);
            back.releaseId(h.previous());
            StepExec x = new StepExec(h, back, events);
            // blue-green: the old color usually still runs the previous release (checked), else it boots
            io.djdeploy.web.BlueGreen.Serving serving = h.config().hasRole(HostConfig.WEB) && env.web().blueGreen()
                    ? io.djdeploy.web.BlueGreen.serving(x, h.previous()) : null;
            // the same one command as the forward switch (just `current` when that color is still live);
            // a failing reload hook is judged by the health check below
            h.transport().run(serving != null && serving.live() ? h.ops().switchCommand(h.previous())
                    : WebSteps.switchCommand(h, back, serving == null ? null : serving.color()));
            String now = h.ops().currentRelease();
            if (!h.previous().equals(now)) return "switching back failed: current is " + now + ", not " + h.previous();
            if (serving != null) io.djdeploy.web.BlueGreen.stopAllBut(x, serving.color());
            // workers that already restarted on the new release must run the old code again
            for (Step s : Pipelines.WORKERS.steps()) {
                if (s.appliesTo(h, back)) for (Command c : s.plan(h, back)) h.transport().run(c);
            }
            if (h.config().hasRole(HostConfig.WEB) && env.health() != null) {
                HealthCheck.Result r = HealthCheck.parse(h.transport().run(
                        HealthCheck.command(h.name(), h.ops().layout(), h.previous(), env.health(), h.previous(), env.health().retries())));
                if (!r.ok()) return "previous release " + h.previous() + " is not healthy either: " + r.describe(env.health(), h.previous());
                events.emit(new Event.Info(h.name(), "back on release " + h.previous() + ": " + r.describe(env.health(), h.previous())));
            }
            h.markSwitchedBack();
            return null;
        } catch (Exception e) {
            return "switching back failed: " + e.getMessage();
        }
    }

    // ---------------------------------------------------------------- ledger, lock, summary

    private void ledger(RunContext ctx, HostRun h, String event, String outcome, String error, String note) {
        Instant now = clock.instant();
        LedgerEntry e = new LedgerEntry(event, outcome, ctx.releaseId(), h.previous(), ctx.ref(), ctx.sha(),
                ctx.who().user(), ctx.who().origin(), h.name(), CoreSteps.iso(ctx.started()), CoreSteps.iso(now),
                Duration.between(ctx.started(), now).toMillis(), redactor.apply(error), h.steps(), redactor.apply(note),
                ctx.migrationPlan() == null ? null : io.djdeploy.django.ReleaseManifest.entries(ctx.migrationPlan()),
                ctx.approvedMigrations().isEmpty() ? null : List.copyOf(new java.util.TreeSet<>(ctx.approvedMigrations())),
                ctx.manifest());
        try {
            h.ops().appendLedger(e);
        } catch (Exception ex) {
            events.emit(new Event.Warning(h.name(), "could not write the ledger: " + ex.getMessage()));
        }
    }

    /** The "started" ledger line: what this run is about to do, in case it is killed before it can say how it ended. */
    private void started(RunContext ctx, List<HostRun> hosts) {
        for (HostRun h : hosts) {
            if (h.locked()) ledger(ctx, h, ctx.command(), LedgerEntry.STARTED, null, "run " + ctx.runId() + " by pid " + who.pid());
        }
    }

    private void unlock(RunContext ctx, HostRun h) {
        if (!h.locked()) return;
        try {
            h.ops().release(ctx.runId());
            h.markUnlocked();
        } catch (Exception e) {
            events.emit(new Event.Warning(h.name(), "could not release the lock " + h.ops().layout().lock() + ": " + e.getMessage()
                    + " (remove it with: djdeploy unlock " + env.name() + " --force)"));
        }
    }

    private RunResult finish(RunContext ctx, List<HostRun> hosts, RunResult result) {
        long total = Duration.between(ctx.started(), clock.instant()).toMillis();
        List<Event.HostSummary> rows = new ArrayList<>();
        for (HostRun h : hosts) {
            long hostMs = h.steps().stream().mapToLong(LedgerEntry.StepEntry::durationMs).sum();
            String after = null;
            if (result.ok()) after = ctx.releaseId();
            else if (h.switched()) after = ctx.releaseId();
            else after = h.previous();
            rows.add(new Event.HostSummary(h.name(), String.join(",", h.config().roles()), h.previous(), after, h.status(), hostMs, h.detail(),
                    h.transport() == null ? 0 : h.transport().connectionsOpened()));
        }
        events.emit(new Event.RunFinished(ctx.command(), result.result().name().toLowerCase(java.util.Locale.ROOT), total,
                result.release(), rows, redactor.apply(result.message())));
        // every host's connection closes at once: a graceful SSH close is a round trip each
        hosts.parallelStream().filter(h -> h.transport() != null).forEach(h -> h.transport().close());
        finished.countDown();
        return result;
    }

    /** Ctrl-C / SIGTERM: stop the running steps; the main thread then cleans up as for a failure. */
    public void cancel() {
        cancelled.set(true);
        synchronized (running) {
            running.forEach(f -> f.cancel(true));
        }
    }

    /** Waits for the run to finish its cleanup (for a shutdown hook). */
    public boolean awaitFinish(Duration max) throws InterruptedException {
        return finished.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static List<String> names(List<HostRun> hosts) {
        return hosts.stream().map(HostRun::name).toList();
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
