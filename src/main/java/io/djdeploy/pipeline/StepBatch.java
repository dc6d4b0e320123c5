package io.djdeploy.pipeline;

import io.djdeploy.remote.Batch;
import io.djdeploy.remote.BatchOutput;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Consecutive steps of one host sent as ONE remote script (issue 18: a round trip per step was
 * most of a deploy's cost), then told as if each had run alone: step_started when the step's
 * first command starts on the host, its output lines as they stream in, its judge (checks, info,
 * host state) and step_finished with its own time, the failure of the step that failed with its
 * command, exit status and last lines, and nothing for the steps the script never reached.
 *
 * <p>The script runs on a thread of its own; this (the host's) thread reads what it reports in
 * order, so events, judges and the ledger happen on the host thread as before, and a slow step
 * inside the script still says what it waits for. Ctrl-C interrupts the host thread, which
 * stops the script (the transport kills it) and reports the running step as interrupted.
 */
final class StepBatch {
    /** What the script's thread reports, in order. */
    private sealed interface Signal {}
    private record Line(int index, OutputSink.Stream stream, String line) implements Signal {}
    private record Done(int index, CommandResult result, boolean last) implements Signal {}
    private record End(CommandResult result, Exception error) implements Signal {}

    private final PhaseRunner runner;
    private final Pipelines.PhaseSpec spec;
    private final HostRun host;
    private final Run run;
    private final List<Step> steps;
    private final List<Scripted> forms;
    private final Batch batch;
    private final int[] stepOf;

    StepBatch(PhaseRunner runner, Pipelines.PhaseSpec spec, HostRun host, Run run, List<Step> steps, List<Scripted> forms) {
        this.runner = runner;
        this.spec = spec;
        this.host = host;
        this.run = run;
        this.steps = steps;
        this.forms = forms;
        List<Batch.Entry> entries = new ArrayList<>();
        List<Boolean> mustPass = new ArrayList<>();
        for (int k = 0; k < forms.size(); k++) {
            Scripted f = forms.get(k);
            for (int i = 0; i < f.commands().size(); i++) {
                boolean lastOfStep = i == f.commands().size() - 1;
                entries.add(new Batch.Entry(f.commands().get(i), k, f.gate() == Scripted.Gate.CHECKED, lastOfStep ? f.outputGate() : null));
            }
            mustPass.add(f.gate() == Scripted.Gate.EXIT_OK);
        }
        this.batch = new Batch(entries, mustPass);
        this.stepOf = entries.stream().mapToInt(Batch.Entry::group).toArray();
    }

    /** A step may share a script: it has a scripted form, and commands (an empty step runs alone, as before). */
    static Scripted form(Step s, HostRun h, Run run) {
        Scripted f = s.scripted(h, run.ctx());
        return f == null || f.commands().isEmpty() ? null : f;
    }

    /**
     * @return how many of the steps ran (all of them, unless a gate stopped the script at a step
     *         that then passed in Java: the caller runs the rest)
     * @throws StepFailure for the step that failed, after reporting it
     */
    int run() throws StepFailure {
        BlockingQueue<Signal> q = new LinkedBlockingQueue<>();
        BatchOutput out = new BatchOutput(batch, new BatchOutput.Listener() {
            public void line(int index, OutputSink.Stream stream, String line) { q.add(new Line(index, stream, line)); }
            public void finished(int index, CommandResult result, Long hostMillis, boolean last) { q.add(new Done(index, result, last)); }
        });
        Thread script = new Thread(() -> {
            CommandResult r = null;
            Exception error = null;
            try {
                r = host.transport().run(batch, out);
                out.end(r.exitCode());
            } catch (TransportException | InterruptedException | RuntimeException e) {
                error = e;
            }
            q.add(new End(r, error));
        }, "djdeploy-batch-" + host.name());
        script.setDaemon(true);

        int k = 0;                               // the step running
        long sent = System.currentTimeMillis();
        StepExec x = new StepExec(host, run.ctx(), runner.events(), sent);
        List<CommandResult> results = new ArrayList<>();
        long t0 = System.nanoTime();
        long startMs = runner.sinceStart(run);
        long hostMs = 0;
        Future<?> slow = start(k);
        script.start();
        boolean interrupted = false;
        while (true) {
            Signal sig;
            if (!interrupted) {
                try {
                    sig = q.take();
                } catch (InterruptedException ie) {
                    // Ctrl-C: stop the script, then still tell what the host already did (a release
                    // directory made, say, is the clean-up's to remove) before the step it was in
                    interrupted = true;
                    script.interrupt();
                    try {
                        script.join(10_000);
                    } catch (InterruptedException again) {
                        Thread.currentThread().interrupt();
                    }
                    continue;
                }
            } else {
                sig = q.poll();
            }
            {
                if (sig == null || interrupted && sig instanceof End) {
                    slow.cancel(false);
                    partial(x, k, results);
                    StepFailure f = new StepFailure("interrupted");
                    runner.finished(host, spec.phase(), steps.get(k), "interrupted", (System.nanoTime() - t0) / 1_000_000, startMs, f);
                    throw f;
                }
                if (sig instanceof Line l) {
                    if (!forms.get(stepOf[l.index()]).quiet().get(l.index() - first(stepOf[l.index()]))) {
                        x.line(l.stream(), l.line(), forms.get(stepOf[l.index()]).info());
                    }
                } else if (sig instanceof Done d) {
                    results.add(d.result());
                    hostMs += d.result().duration().toMillis();
                    int i = d.index();
                    boolean last = i + 1 == batch.entries().size() || stepOf[i + 1] != k;
                    boolean stops = d.last();
                    if (!last && !stops) continue;
                    slow.cancel(false);
                    long ms = hostMs > 0 ? hostMs : (System.nanoTime() - t0) / 1_000_000;
                    Step s = steps.get(k);
                    try {
                        forms.get(k).verdict(x, results);
                    } catch (StepFailure f) {
                        f.step(s.name());
                        runner.finished(host, spec.phase(), s, "failed", ms, startMs, f);
                        awaitEnd(q, script);
                        throw f;
                    } catch (TransportException e) {
                        StepFailure f = new StepFailure("connection to " + e.host() + " failed: " + e.getMessage());
                        f.step(s.name());
                        runner.finished(host, spec.phase(), s, "failed", ms, startMs, f);
                        awaitEnd(q, script);
                        throw f;
                    } catch (InterruptedException e) {
                        // a judge's own command (a failure's log lines) was interrupted
                        StepFailure f = new StepFailure("interrupted");
                        runner.finished(host, spec.phase(), s, "interrupted", ms, startMs, f);
                        script.interrupt();
                        throw f;
                    }
                    runner.finished(host, spec.phase(), s, "ok", ms, startMs, null);
                    if (stops || k + 1 == steps.size()) {
                        awaitEnd(q, script);
                        return k + 1;
                    }
                    k++;
                    x = new StepExec(host, run.ctx(), runner.events(), sent);   // its own checks
                    results = new ArrayList<>();
                    t0 = System.nanoTime();
                    startMs = runner.sinceStart(run);
                    hostMs = 0;
                    slow = start(k);
                } else if (sig instanceof End e) {
                    slow.cancel(false);
                    partial(x, k, results);
                    Step s = steps.get(k);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    StepFailure f;
                    String status = "failed";
                    if (e.error() instanceof TransportException te) {
                        f = new StepFailure("connection to " + te.host() + " failed: " + te.getMessage());
                        f.step(s.name());
                    } else if (e.error() instanceof InterruptedException) {
                        f = new StepFailure("interrupted");
                        status = "interrupted";
                    } else {
                        f = new StepFailure("the script of steps ended early (exit " + (e.result() == null ? "?" : e.result().exitCode()) + ")"
                                + (e.error() == null ? "" : ": " + e.error()));
                        f.step(s.name());
                    }
                    runner.finished(host, spec.phase(), s, status, ms, startMs, f);
                    throw f;
                }
            }
        }
    }

    /**
     * The script stopped inside step {@code k}: a checked step's judge still reads what its
     * finished commands did, as it does when run alone stops at a failed command (code marks its
     * release directory as created once mkdir ran, so the clean-up removes it).
     */
    private void partial(StepExec x, int k, List<CommandResult> results) {
        Scripted f = forms.get(k);
        if (f.gate() != Scripted.Gate.CHECKED || f.judge() == null || results.isEmpty()) return;
        try {
            f.judge().judge(x, results);
        } catch (StepFailure | TransportException | InterruptedException | RuntimeException e) {
            // the step is reported as interrupted or failed all the same
        }
    }

    private int first(int step) {
        for (int i = 0; i < stepOf.length; i++) if (stepOf[i] == step) return i;
        return 0;
    }

    private Future<?> start(int k) {
        runner.events().emit(new Event.StepStarted(host.name(), spec.phase(), steps.get(k).name()));
        return runner.slowNote(host, steps.get(k), run);
    }

    /** The script stops by itself after a failed step (its gates say so); wait for it to end. */
    private static void awaitEnd(BlockingQueue<Signal> q, Thread script) {
        try {
            while (!(q.take() instanceof End)) {
                // lines after the verdict belong to nothing (the script has stopped)
            }
        } catch (InterruptedException e) {
            script.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
