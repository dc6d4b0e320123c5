package io.djdeploy.step;

import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.remote.Transport;

import java.util.ArrayList;
import java.util.List;

/** One host's state during a run. Touched by one thread at a time (its own, inside a phase). */
public final class HostRun {
    public final HostConfig config;
    public final Transport transport;
    public final HostOps ops;
    public final List<LedgerEntry.StepEntry> steps = new ArrayList<>();
    public volatile String previous;          // release current pointed to before this run
    public volatile List<String> existing = List.of();
    public volatile String resolvedSha;
    public volatile boolean connected;
    public volatile boolean locked;
    public volatile boolean releaseCreated;
    public volatile boolean switched;
    public volatile String status = "pending";
    public volatile String detail;
    public volatile long durationMs;
    // blue-green: the color that served before this run's switch, and the one that serves the new release
    private volatile String liveColor;
    private volatile String newColor;

    public HostRun(HostConfig config, Transport transport, HostOps ops) {
        this.config = config;
        this.transport = transport;
        this.ops = ops;
    }

    public String name() { return config.host(); }
    public HostConfig config() { return config; }
    public HostOps ops() { return ops; }
    public Transport transport() { return transport; }
    public String previous() { return previous; }
    public String resolvedSha() { return resolvedSha; }
    public boolean switched() { return switched; }
    /** `current` points at this run's release now (set by the switch, also when what followed it failed). */
    public void markSwitched() { this.switched = true; }
    public String liveColor() { return liveColor; }
    public String newColor() { return newColor; }
    public void colors(String live, String fresh) {
        this.liveColor = live;
        this.newColor = fresh;
    }
}
