package io.djdeploy.pipeline;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** The run's lines in each host's ledger, and the lock it holds: both written on every path. */
public final class RunLedger {
    private final Clock clock;
    private final Redactor redactor;

    RunLedger(Clock clock, Redactor redactor) {
        this.clock = clock;
        this.redactor = redactor;
    }

    /** One line on one host; a host that cannot be written to gets a warning, never a failed run. */
    void write(Run run, HostRun h, String outcome, String error, String note) {
        try {
            h.ops().appendLedger(entry(run, h, outcome, error, note));
        } catch (Exception ex) {
            run.warn(h.name(), "could not write the ledger: " + ex.getMessage());
        }
    }

    private LedgerEntry entry(Run run, HostRun h, String outcome, String error, String note) {
        RunContext ctx = run.ctx();
        Instant now = clock.instant();
        LedgerEntry e = new LedgerEntry(ctx.command(), outcome, ctx.releaseId(), h.previous(), ctx.ref(), ctx.sha(),
                ctx.who().user(), ctx.who().origin(), h.name(), CoreSteps.iso(ctx.started()), CoreSteps.iso(now),
                Duration.between(ctx.started(), now).toMillis(), redactor.apply(error), h.steps(), redactor.apply(note),
                ctx.migrationPlan() == null ? null : io.djdeploy.django.ReleaseManifest.entries(ctx.migrationPlan()),
                ctx.approvedMigrations().isEmpty() ? null : List.copyOf(new TreeSet<>(ctx.approvedMigrations())),
                ctx.manifest());
        return e;
    }

    /** The same line on every host this run locked (the hosts it may have changed). */
    void writeLocked(Run run, String outcome, String error, String note) {
        for (HostRun h : run.hosts()) {
            if (h.locked()) write(run, h, outcome, error, note);
        }
    }

    /**
     * Checkpoint: the "started" line, what this run is about to do, in case it is killed before
     * it can say how it ended.
     */
    static RunResult started(Run run) {
        String note = "run " + run.ctx().runId() + " by pid " + run.ctx().who().pid();
        RunLedger ledger = run.ledger();
        for (HostRun h : run.hosts()) {
            if (!h.locked()) continue;
            // no round trip of its own: it rides at the front of the host's next command, which it still precedes
            io.djdeploy.remote.Command line = h.ops().appendLedgerCommand(ledger.entry(run, h, LedgerEntry.STARTED, null, note));
            if (!io.djdeploy.step.Piggyback.before(h.transport(), line, why -> run.warn(h.name(), "could not write the ledger: " + why))) {
                ledger.write(run, h, LedgerEntry.STARTED, null, note);
            }
        }
        return null;
    }

    /** Releases this run's lock on the host, if it holds it; a failure is a warning naming the way out. */
    void unlock(Run run, HostRun h) {
        if (!h.locked()) return;
        try {
            h.ops().release(run.ctx().runId());
            h.markUnlocked();
        } catch (Exception e) {
            run.events().emit(new Event.Warning(h.name(), "could not release the lock " + h.ops().layout().lock() + ": " + e.getMessage()
                    + " (remove it with: djdeploy unlock " + run.env().name() + " --force)"));
        }
    }

    void unlockAll(Run run) {
        run.hosts().forEach(h -> unlock(run, h));
    }

    /** The end of a run on every host: its outcome line, then the lock released. */
    void close(Run run, String outcome, String error, String note) {
        for (HostRun h : run.hosts()) {
            if (h.locked()) closeOne(run, h, outcome, error, note);
        }
    }

    /** The outcome line and the unlock in one round trip: each reports its own failure, as when they were two. */
    private void closeOne(Run run, HostRun h, String outcome, String error, String note) {
        try {
            h.ops().appendLedgerAndRelease(entry(run, h, outcome, error, note), run.ctx().runId());
            h.markUnlocked();
        } catch (io.djdeploy.release.HostOpException ex) {
            h.markUnlocked();   // the script releases the lock whatever the write's status
            run.warn(h.name(), "could not write the ledger: " + ex.getMessage());
        } catch (Exception ex) {
            run.warn(h.name(), "could not write the ledger: " + ex.getMessage());
            unlock(run, h);     // the connection failed: try the unlock alone, which names the way out if it fails too
        }
    }
}
