package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOpException;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.MaintenancePage;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.StepFailure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Maintenance mode on the web hosts (docs/maintenance.md): `djdeploy maintenance on|off`, and
 * `deploy --maintenance`, which turns it on once GATE passed (right before MIGRATE) and puts
 * every host back to what it was once SWITCH passed, or when the deploy fails or stops.
 * Each change is a ledger line ("maintenance" on|off) on the host it changed.
 */
public final class Maintenance {
    public static final String EVENT = "maintenance";
    private final String page;
    /** Per host: was maintenance on before this deploy turned it on? Only hosts this deploy changed. */
    private final Map<String, Boolean> before = new ConcurrentHashMap<>();

    /** @param page the rendered HTML page (template maintenance/page.html) */
    public Maintenance(String page) {
        this.page = page;
    }

    /** The deploy pipeline with maintenance on around MIGRATE. */
    List<Pipelines.PhaseSpec> around(List<Pipelines.PhaseSpec> deploy) {
        List<Pipelines.PhaseSpec> out = new ArrayList<>();
        for (Pipelines.PhaseSpec s : deploy) {
            switch (s.phase()) {
                case GATE -> out.add(s.then(this::on));
                case SWITCH -> out.add(s.then(this::restore));
                default -> out.add(s);
            }
        }
        return out;
    }

    /** Checkpoint after GATE: on for every web host, before any migration runs. */
    RunResult on(Run run) throws StepFailure {
        for (HostRun h : run.hosts()) {
            if (!h.config().hasRole(HostConfig.WEB)) continue;
            ReleaseLayout l = h.ops().layout();
            try {
                boolean was = MaintenancePage.isOn(h.transport().run(MaintenancePage.state(l)).out());
                Command c = MaintenancePage.on(l, page);
                CommandResult r = h.transport().run(c);
                if (!r.ok()) throw new StepFailure(h.name() + ": cannot turn maintenance on (" + l.maintenancePage() + ")", c.script(), r.exitCode(), r.tail());
                before.put(h.name(), was);
                record(run, h, "on", "deploy --maintenance: on before MIGRATE");
                run.info(h.name(), "maintenance on: nginx answers 503 except the health URL");
            } catch (TransportException e) {
                throw new StepFailure(h.name() + ": cannot turn maintenance on: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("interrupted while turning maintenance on");
            }
        }
        return null;
    }

    /**
     * After SWITCH, and again when the run ends on any path: every host this deploy turned on goes
     * back to what it was (off, unless it was on before). Idempotent; a host that cannot be
     * reached gets a warning naming the command that ends maintenance.
     */
    RunResult restore(Run run) {
        for (HostRun h : run.hosts()) {
            Boolean was = before.remove(h.name());
            if (was == null) continue;
            if (was) {
                run.info(h.name(), "maintenance stays on, as it was before this deploy");
                continue;
            }
            try {
                CommandResult r = h.transport().run(MaintenancePage.off(h.ops().layout()));
                if (!r.ok()) throw new TransportException(h.name(), "rm exited " + r.exitCode());
                record(run, h, "off", "deploy --maintenance: " + (run.ctx().releaseId() != null && h.switched() ? "after SWITCH" : "back to off"));
                run.info(h.name(), "maintenance off");
            } catch (Exception e) {
                run.warn(h.name(), "could not turn maintenance off (" + e.getMessage() + "): run `djdeploy maintenance off "
                        + run.env().name() + "`");
            }
        }
        return null;
    }

    private static void record(Run run, HostRun h, String outcome, String note) {
        String now = CoreSteps.iso(java.time.Instant.now());
        LedgerEntry e = new LedgerEntry(EVENT, outcome, run.ctx().releaseId(), null, run.ctx().ref(), null, run.ctx().who().user(),
                run.ctx().who().origin(), h.name(), now, now, 0L, null, null, note, null, null, null);
        try {
            h.ops().appendLedger(e);
        } catch (Exception ex) {
            run.warn(h.name(), "could not write the ledger: " + ex.getMessage());
        }
    }

    /** One web host's maintenance state, for `status`. */
    static boolean isOn(Transport t, ReleaseLayout l) throws TransportException, InterruptedException {
        return MaintenancePage.isOn(t.run(MaintenancePage.state(l)).out());
    }

    /** What `djdeploy maintenance on|off` did on one host. */
    public record HostResult(String host, boolean wasOn, boolean on) {}

    /**
     * `djdeploy maintenance on|off`: every web host, one after the other; stops at the first host
     * that fails (a TransportException or HostOpException names it).
     * @param page the page for on, null for off
     */
    public static List<HostResult> set(EnvironmentConfig env, Function<HostConfig, Transport> transports, Identity who, Clock clock,
                                       boolean on, String page, String message)
            throws TransportException, InterruptedException, HostOpException {
        List<HostResult> out = new ArrayList<>();
        for (HostConfig hc : env.hosts()) {
            if (!hc.hasRole(HostConfig.WEB)) continue;
            try (Transport t = transports.apply(hc)) {
                t.connect();
                HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
                boolean was = isOn(t, ops.layout());
                Command c = on ? MaintenancePage.on(ops.layout(), page) : MaintenancePage.off(ops.layout());
                CommandResult r = t.run(c);
                if (!r.ok()) throw new HostOpException(hc.host() + ": maintenance " + (on ? "on" : "off") + " failed (exit " + r.exitCode() + ")", r);
                String now = CoreSteps.iso(clock.instant());
                ops.appendLedger(new LedgerEntry(EVENT, on ? "on" : "off", null, null, null, null, who.user(), who.origin(), hc.host(),
                        now, now, 0L, null, null, message, null, null, null));
                out.add(new HostResult(hc.host(), was, on));
            }
        }
        return out;
    }
}
