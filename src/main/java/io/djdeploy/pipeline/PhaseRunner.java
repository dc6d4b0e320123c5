package io.djdeploy.pipeline;

import io.djdeploy.config.HostConfig;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one phase across hosts by its {@link Pipelines.Policy}: hosts in parallel (at most
 * --parallel at a time), each running its steps in order, with timing, events and the
 * steps' ledger entries. Returns the hosts that failed; what a failure means is
 * {@link Recovery}'s business. Ctrl-C ({@link #cancel}) interrupts the running steps.
 */
final class PhaseRunner implements AutoCloseable {
    private final EventSink events;
    private final Clock clock;
    private final ExecutorService pool;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Future<?>> running = Collections.synchronizedList(new ArrayList<>());

    /** How long a step runs before it says what it waits for (issue 18: "say what is slow"). */
    static final Duration SLOW_AFTER = Duration.ofSeconds(5);

    private volatile Duration slowAfter;
    private final ScheduledExecutorService slowNotes = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "djdeploy-slow-steps");
        t.setDaemon(true);
        return t;
    });

    PhaseRunner(EventSink events, Clock clock, int threads) {
        this(events, clock, threads, SLOW_AFTER);
    }

    PhaseRunner(EventSink events, Clock clock, int threads, Duration slowAfter) {
        this.events = events;
        this.clock = clock;
        this.slowAfter = slowAfter;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "djdeploy-host");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the failed hosts with why, empty when the phase passed on every host */
    Map<HostRun, StepFailure> run(Pipelines.PhaseSpec spec, Run run) {
        return spec.policy() == Pipelines.Policy.BATCHED ? batched(spec, run) : barrier(spec, run, run.hosts());
    }

    /** How long a step runs before it says what it waits for (tests shorten it). */
    void slowAfter(Duration after) {
        this.slowAfter = after;
    }

    boolean cancelled() {
        return cancelled.get();
    }

    /** Ctrl-C / SIGTERM: stop the running steps; the caller then cleans up as for a failure. */
    void cancel() {
        cancelled.set(true);
        synchronized (running) {
            running.forEach(f -> f.cancel(true));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        slowNotes.shutdownNow();
    }

    /**
     * Web hosts in batches, each health-verified (by the phase's own steps) before the next
     * starts; hosts without the web role go last. The first failing batch stops the phase.
     */
    private Map<HostRun, StepFailure> batched(Pipelines.PhaseSpec spec, Run run) {
        List<HostRun> web = run.hosts().stream().filter(h -> h.config().hasRole(HostConfig.WEB)).toList();
        List<HostRun> others = run.hosts().stream().filter(h -> !h.config().hasRole(HostConfig.WEB)).toList();
        List<List<HostRun>> batches = new ArrayList<>();
        int per = run.env().switching().perBatch(web.size());
        for (int i = 0; i < web.size(); i += per) batches.add(web.subList(i, Math.min(web.size(), i + per)));
        if (!others.isEmpty()) batches.add(others);
        Duration pause = run.env().switching().pause();
        for (int i = 0; i < batches.size(); i++) {
            if (i > 0 && !pause.isZero() && batches.get(i).stream().anyMatch(h -> h.config().hasRole(HostConfig.WEB))) {
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    cancel();
                }
            }
            if (batches.size() > 1) {
                run.info(null, "switch batch " + (i + 1) + "/" + batches.size() + ": " + String.join(", ", Run.names(batches.get(i))));
            }
            Map<HostRun, StepFailure> failures = barrier(spec, run, batches.get(i));
            if (!failures.isEmpty()) {
                for (int j = i + 1; j < batches.size(); j++) batches.get(j).forEach(h -> h.detail("never switched: an earlier batch failed"));
                return failures;
            }
        }
        return new LinkedHashMap<>();
    }

    /** Runs the phase on every host in parallel and waits for all: the barrier. */
    private Map<HostRun, StepFailure> barrier(Pipelines.PhaseSpec spec, Run run, List<HostRun> hosts) {
        Map<HostRun, StepFailure> failures = new LinkedHashMap<>();
        List<HostRun> active = new ArrayList<>();
        for (HostRun h : hosts) {
            if (spec.steps().stream().anyMatch(s -> s.appliesTo(h, run.ctx()))) active.add(h);
        }
        if (active.isEmpty()) return failures;
        if (cancelled.get()) {
            failures.put(active.get(0), new StepFailure("interrupted"));
            return failures;
        }
        long t0 = System.nanoTime();
        events.emit(new Event.PhaseStarted(spec.phase(), Run.names(active)));
        Map<HostRun, Future<?>> futures = new LinkedHashMap<>();
        // cancel() returns at once; the barrier must also wait for cancelled hosts to stop. A task
        // cancelled before it started never runs: whoever claims it first (the task, or the
        // barrier after cancelling) counts it down, so the wait never hangs on it
        CountDownLatch stopped = new CountDownLatch(active.size());
        Map<HostRun, AtomicBoolean> claimed = new LinkedHashMap<>();
        for (HostRun h : active) {
            AtomicBoolean claim = new AtomicBoolean();
            claimed.put(h, claim);
            Future<?> f = pool.submit(() -> {
                if (!claim.compareAndSet(false, true)) return null;
                try {
                    runSteps(spec, h, run);
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
        claimed.values().forEach(c -> {
            if (c.compareAndSet(false, true)) stopped.countDown();
        });
        awaitStopped(stopped, spec.phase());
        if (cancelled.get() && failures.isEmpty()) failures.put(active.get(0), new StepFailure("interrupted"));
        events.emit(new Event.PhaseFinished(spec.phase(), failures.isEmpty(), (System.nanoTime() - t0) / 1_000_000));
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

    /**
     * The host's steps in order. Consecutive steps that can share a remote script (each has a
     * {@link Step#scripted} form) go as one ({@link StepBatch}): one round trip instead of one
     * per command; a step that needs its own run() runs alone, as does a single command.
     */
    private void runSteps(Pipelines.PhaseSpec spec, HostRun h, Run run) throws StepFailure {
        List<Step> todo = spec.steps().stream().filter(s -> s.appliesTo(h, run.ctx())).toList();
        int i = 0;
        while (i < todo.size()) {
            List<Step> group = new ArrayList<>();
            List<io.djdeploy.step.Scripted> forms = new ArrayList<>();
            for (int j = i; j < todo.size() && !cancelled.get(); j++) {
                io.djdeploy.step.Scripted f = StepBatch.form(todo.get(j), h, run);
                if (f == null) break;
                group.add(todo.get(j));
                forms.add(f);
                if (f.gate() == io.djdeploy.step.Scripted.Gate.LAST) break;
            }
            // one script as soon as it saves a round trip: two steps, or one step of several commands
            if (forms.stream().mapToInt(f -> f.commands().size()).sum() > 1) {
                i += new StepBatch(this, spec, h, run, group, forms).run();
            } else {
                runStep(spec, h, run, todo.get(i));
                i++;
            }
        }
    }

    private void runStep(Pipelines.PhaseSpec spec, HostRun h, Run run, Step s) throws StepFailure {
        long t0 = System.nanoTime();
        long startMs = sinceStart(run);
        events.emit(new Event.StepStarted(h.name(), spec.phase(), s.name()));
        Future<?> slow = slowNote(h, s, run);
        try {
            if (cancelled.get()) throw new StepFailure("interrupted");
            s.run(new StepExec(h, run.ctx(), events));
            slow.cancel(false);
            record(h, spec.phase(), s, "ok", t0, startMs, null);
        } catch (StepFailure f) {
            slow.cancel(false);
            f.step(s.name());
            record(h, spec.phase(), s, "failed", t0, startMs, f);
            throw f;
        } catch (TransportException e) {
            slow.cancel(false);
            StepFailure f = new StepFailure("connection to " + e.host() + " failed: " + e.getMessage());
            f.step(s.name());
            record(h, spec.phase(), s, "failed", t0, startMs, f);
            throw f;
        } catch (InterruptedException e) {
            slow.cancel(false);
            StepFailure f = new StepFailure("interrupted");
            record(h, spec.phase(), s, "interrupted", t0, startMs, f);
            throw f;
        }
    }

    EventSink events() {
        return events;
    }

    /** Milliseconds since the run started, for a step's ledger line. */
    long sinceStart(Run run) {
        return Math.max(0, Duration.between(run.ctx().started(), clock.instant()).toMillis());
    }

    /**
     * Once a step has run {@link #slowAfter}, says what it waits for (when the step knows): a
     * switch that spends 31 s in gunicorn's graceful stop then says so while it waits, not only
     * "switch 31.5s" at the end. Said once per step, as an info line on its host.
     */
    Future<?> slowNote(HostRun h, Step s, Run run) {
        String what;
        try {
            what = s.waitsFor(h, run.ctx());
        } catch (RuntimeException e) {
            what = null;   // a description must never fail a step
        }
        if (what == null || what.isBlank()) return CompletableFuture.completedFuture(null);
        String note = s.name() + ": still running after " + slowAfter.toSeconds() + "s, waiting for " + run.ctx().redactor().apply(what);
        try {
            return slowNotes.schedule(() -> events.emit(new Event.Info(h.name(), note)), slowAfter.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);   // the runner is closing
        }
    }

    private void record(HostRun h, Phase p, Step s, String status, long t0, long startMs, StepFailure f) {
        finished(h, p, s, status, (System.nanoTime() - t0) / 1_000_000, startMs, f);
    }

    /** A step's ledger line and events; {@code ms}: its own time (in a shared script, the host's clock). */
    void finished(HostRun h, Phase p, Step s, String status, long ms, long startMs, StepFailure f) {
        h.record(new LedgerEntry.StepEntry(p.label(), s.name(), status, ms, startMs));
        events.emit(new Event.StepFinished(h.name(), p, s.name(), status, ms, f == null ? null : f.getMessage()));
        if (f != null && !"interrupted".equals(f.getMessage())) {
            events.emit(new Event.Failure(h.name(), p, s.name(), f.getMessage(), f.command(), f.exitCode(), f.tail()));
        }
    }
}
