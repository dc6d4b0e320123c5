package io.djdeploy.pipeline;

import io.djdeploy.container.ReleaseImages;
import io.djdeploy.step.Identity;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOpException;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.release.Revision;
import io.djdeploy.release.Staleness;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import io.djdeploy.web.HealthCheck;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** The read-mostly commands: status, releases, lock and unlock. */
public final class Operations {
    private final EnvironmentConfig env;
    private final Function<HostConfig, Transport> transports;
    private final Identity who;
    private final Clock clock;
    private final List<String> warnings = new ArrayList<>();

    public Operations(EnvironmentConfig env, Function<HostConfig, Transport> transports, Identity who, Clock clock) {
        this.env = env;
        this.transports = transports;
        this.who = who;
        this.clock = clock;
    }

    /** What the reads skipped (torn ledger lines, junk in releases/), as "host: message". */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private void collect(String host, HostOps ops) {
        ops.warnings().forEach(w -> warnings.add(host + ": " + w));
    }

    /** @param image runtime container: the image of the current release (absent otherwise) */
    public record HostStatus(String host, List<String> roles, String current, Revision revision, LockInfo lock,
                             LedgerEntry last, HealthCheck.Result health, String error, String web, Boolean maintenance,
                             ReleaseImages.ReleaseImage image) {
        public HostStatus(String host, List<String> roles, String current, Revision revision, LockInfo lock,
                          LedgerEntry last, HealthCheck.Result health, String error, String web, Boolean maintenance) {
            this(host, roles, current, revision, lock, last, health, error, web, maintenance, null);
        }
    }

    public List<HostStatus> status() throws InterruptedException {
        List<HostStatus> out = new ArrayList<>();
        for (HostConfig hc : env.hosts()) {
            try (Transport t = transports.apply(hc)) {
                HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
                t.connect();
                String current = ops.currentRelease();
                Revision rev = null;
                ReleaseImages.ReleaseImage image = null;
                if (current != null && env.containers()) {
                    // the image's facts ride in the REVISION read: no extra round trip
                    String[] parts = split(t.run(Command.of("cat", ops.layout().revision(current)).quiet().orTrue()
                            .andAlso(Command.echo(IMAGES_MARK)).andAlso(ReleaseImages.listing(ops.layout(), List.of(current)))).stdout());
                    rev = Revision.parse(parts[0]);
                    image = ReleaseImages.parse(parts[1]).images().get(current);
                } else if (current != null) {
                    rev = ops.revision(current);
                }
                LockInfo lock = ops.readLock();
                List<LedgerEntry> ledger = ops.ledger();
                collect(hc.host(), ops);
                // an exec is someone's command in the release, not a change of it: status tells the last deploy, rollback, ...
                LedgerEntry last = ledger.stream().filter(e -> !HostCommands.EXEC_EVENT.equals(e.event())).reduce((a, b) -> b).orElse(null);
                HealthCheck.Result health = null;
                if (current != null && env.health() != null && hc.hasRole(HostConfig.WEB)) {
                    ops.ensureHelper(current, io.djdeploy.django.Helper.bytes());
                    health = HealthCheck.parse(t.run(HealthCheck.command(hc.host(), ops.layout(), current, env.health(), current, 1,
                            HealthCheck.secret(env, env.health().url()))));
                }
                String web = null;
                if (env.web().blueGreen() && hc.hasRole(HostConfig.WEB)) {
                    web = io.djdeploy.web.BlueGreen.describe(t.run(io.djdeploy.web.BlueGreen.stateCommand(env, ops.layout())).out());
                }
                // web hosts only: the maintenance page is nginx's
                Boolean maintenance = hc.hasRole(HostConfig.WEB) ? Maintenance.isOn(t, ops.layout()) : null;
                out.add(new HostStatus(hc.host(), List.copyOf(hc.roles()), current, rev, lock, last, health, null, web, maintenance, image));
            } catch (TransportException e) {
                out.add(new HostStatus(hc.host(), List.copyOf(hc.roles()), null, null, null, null, null, e.getMessage(), null, null));
            }
        }
        return out;
    }

    /** Separates a command's REVISION text from the image listing after it. */
    static final String IMAGES_MARK = "@@djdeploy-images";

    /** The text before and after the {@link #IMAGES_MARK} line. */
    static String[] split(String out) {
        int at = out.indexOf(IMAGES_MARK + "\n");
        if (at < 0) return new String[] {out, ""};
        return new String[] {out.substring(0, at), out.substring(at + IMAGES_MARK.length() + 1)};
    }

    /**
     * A release as the ledger and the host's directory know it.
     * @param image runtime container: the image its directory names (absent otherwise, or when the directory is gone)
     */
    public record ReleaseRow(String release, String event, String outcome, String ref, String sha, String user,
                             String finished, boolean present, boolean current, boolean bad, ReleaseImages.ReleaseImage image) {}

    /** The first host's ledger, newest first, with which releases are still on disk. */
    public List<ReleaseRow> releases() throws TransportException, InterruptedException {
        HostConfig hc = env.hosts().get(0);
        try (Transport t = transports.apply(hc)) {
            HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
            t.connect();
            List<String> present;
            java.util.Map<String, ReleaseImages.ReleaseImage> images = java.util.Map.of();
            if (env.containers()) {
                // the same one command lists the complete releases and, with them, their images
                ReleaseImages.Listing l = ReleaseImages.parse(t.run(ReleaseImages.listing(ops.layout(), null)).stdout());
                present = ops.releaseIds(l.complete());
                images = l.images();
            } else {
                present = ops.completeReleases();
            }
            String current = ops.currentRelease();
            List<LedgerEntry> ledger = ops.ledger();
            collect(hc.host(), ops);
            java.util.Set<String> bad = BadReleases.of(ledger);
            List<ReleaseRow> rows = new ArrayList<>();
            java.util.Set<String> finished = new java.util.HashSet<>();
            for (LedgerEntry e : ledger) {
                if (e.release() != null && !LedgerEntry.STARTED.equals(e.outcome())) finished.add(e.event() + " " + e.release());
            }
            for (int i = ledger.size() - 1; i >= 0; i--) {
                LedgerEntry e = ledger.get(i);
                if (e.release() == null || HostCommands.EXEC_EVENT.equals(e.event())) continue;
                // a run's "started" line shows only when the run never finished (it was killed)
                if (LedgerEntry.STARTED.equals(e.outcome()) && finished.contains(e.event() + " " + e.release())) continue;
                rows.add(new ReleaseRow(e.release(), e.event(), e.outcome(), e.ref(), e.sha(), e.user(), e.finished(),
                        present.contains(e.release()), e.release().equals(current), bad.contains(e.release()), images.get(e.release())));
            }
            return rows;
        }
    }

    /** Takes the lock on every host (for maintenance); all or none. @return null or the holder */
    public LockInfo lock() throws TransportException, InterruptedException, HostOpException {
        LockInfo info = new LockInfo(who.user(), who.origin(), who.pid(), null, CoreSteps.iso(clock.instant()), "lock",
                UUID.randomUUID().toString());
        List<HostOps> taken = new ArrayList<>();
        List<Transport> open = new ArrayList<>();
        try {
            for (HostConfig hc : env.hosts()) {
                Transport t = transports.apply(hc);
                open.add(t);
                t.connect();
                HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
                LockInfo held = ops.acquire(info);
                if (held != null) {
                    for (HostOps o : taken) o.release(info.runId());
                    return held;
                }
                taken.add(ops);
            }
            return null;
        } finally {
            open.forEach(Transport::close);
        }
    }

    /** {@code running}: refused because the lock's deploy still runs on this machine. */
    public record UnlockResult(String host, LockInfo removed, boolean refused, boolean running) {
        public UnlockResult(String host, LockInfo removed, boolean refused) {
            this(host, removed, refused, false);
        }
    }

    /**
     * Removes this user's lock from every host; someone else's only with {@code force}, and then
     * the ledger records who removed whose lock. A lock is never removed silently. My own lock
     * whose deploy still runs here (another terminal: same user and origin, its pid alive) is
     * not mine to remove either: two overlapping deploys would both run.
     */
    public List<UnlockResult> unlock(boolean force) throws TransportException, InterruptedException, HostOpException {
        List<UnlockResult> out = new ArrayList<>();
        for (HostConfig hc : env.hosts()) {
            try (Transport t = transports.apply(hc)) {
                t.connect();
                HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
                LockInfo held = ops.readLock();
                if (held == null) {
                    out.add(new UnlockResult(hc.host(), null, false));
                    continue;
                }
                boolean mine = who.user().equals(held.user()) && who.origin().equals(held.origin());
                boolean running = !held.maintenance() && Staleness.running(held, who.origin()) && held.pid() != who.pid();
                if ((!mine || running) && !force) {
                    out.add(new UnlockResult(hc.host(), held, true, running));
                    continue;
                }
                ops.forceUnlock();
                // a forced removal is always recorded: even "my" lock may be a dead run's (another pid)
                if (force || !mine || running) {
                    String now = CoreSteps.iso(clock.instant());
                    ops.appendLedger(new LedgerEntry("unlock", "forced", null, null, held.ref(), null, who.user(), who.origin(),
                            hc.host(), now, now, 0L, null, null, "removed the lock of " + held.describe(), null, null, null));
                }
                out.add(new UnlockResult(hc.host(), held, false));
            }
        }
        return out;
    }
}
