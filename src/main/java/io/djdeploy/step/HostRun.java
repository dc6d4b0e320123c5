package io.djdeploy.step;

import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.remote.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * One host's state during a run. Steps record what they found or changed (the release it
 * served, that it holds the lock, that `current` moved); the runner reads that to clean up.
 * Touched by one thread at a time (its own inside a phase, the runner's between phases);
 * volatile so the runner sees what a host thread wrote.
 */
public final class HostRun {
    private final HostConfig config;
    private final Transport transport;
    private final HostOps ops;
    private final List<LedgerEntry.StepEntry> steps = new ArrayList<>();
    private volatile String previous;          // release current pointed to before this run
    private volatile List<String> existing = List.of();
    private volatile String resolvedSha;
    private volatile boolean locked;
    private volatile boolean releaseCreated;
    private volatile boolean switched;
    private volatile String status = "pending";
    private volatile String detail;
    // blue-green: the color that served before this run's switch, and the one that serves the new release
    private volatile String liveColor;
    private volatile String newColor;
    private volatile io.djdeploy.release.HostFacts facts;

    public HostRun(HostConfig config, Transport transport, HostOps ops) {
        this.config = config;
        this.transport = transport;
        this.ops = ops;
    }

    public String name() { return config.host(); }
    public HostConfig config() { return config; }
    public HostOps ops() { return ops; }
    public Transport transport() { return transport; }

    /** What inspect found: the release `current` points to (null on a first deploy) and every release dir. */
    public void inspected(String previous, List<String> existing) {
        this.previous = previous;
        this.existing = List.copyOf(existing);
    }
    public String previous() { return previous; }
    public List<String> existing() { return existing; }

    /** The commit this host resolved the ref to (every host must agree). */
    public void resolved(String sha) { this.resolvedSha = sha; }
    public String resolvedSha() { return resolvedSha; }

    /** This run holds the host's lock: it must release it on every path. */
    public void markLocked() { this.locked = true; }
    public void markUnlocked() { this.locked = false; }
    public boolean locked() { return locked; }

    /** The new release dir exists (maybe half-made): a failure before SWITCH removes it. */
    public void markReleaseCreated() { this.releaseCreated = true; }
    public boolean releaseCreated() { return releaseCreated; }

    /** `current` points at this run's release now (set by the switch, also when what followed it failed). */
    public void markSwitched() { this.switched = true; }
    /** The host serves its previous release again. */
    public void markSwitchedBack() { this.switched = false; }
    public boolean switched() { return switched; }

    /** One step's line for the ledger; in the order the host ran them. */
    public synchronized void record(LedgerEntry.StepEntry step) { steps.add(step); }
    public synchronized List<LedgerEntry.StepEntry> steps() { return List.copyOf(steps); }

    /** For the end-of-run table: a short status ("deployed", "back on X") and why, when it matters. */
    public void status(String status) { this.status = status; }
    public String status() { return status; }
    public void detail(String detail) { this.detail = detail; }
    public String detail() { return detail; }

    /** What the run's first command read on this host, under the lock (null: nothing read that way). */
    public io.djdeploy.release.HostFacts facts() { return facts; }
    public void facts(io.djdeploy.release.HostFacts facts) { this.facts = facts; }

    public String liveColor() { return liveColor; }
    public String newColor() { return newColor; }
    public void colors(String live, String fresh) {
        this.liveColor = live;
        this.newColor = fresh;
    }
}
