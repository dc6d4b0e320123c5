package io.djdeploy.web;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HealthConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.WebConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;

import java.util.ArrayList;
import java.util.List;

/** Making the web tier serve a release, and proving it does. */
public final class WebSteps {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String SWITCH = "switch";
    public static final String HEALTH = "health";
    private WebSteps() {}

    /** The configured web reload (e.g. `supervisorctl restart app-web`), placeholders quoted. */
    public static Command reloadCommand(EnvironmentConfig env, ReleaseLayout layout, String id) {
        String tpl = env.web().reload();
        if (tpl == null) return null;
        // {host} is not offered here: reload runs on the host itself
        return Command.sh(Templates.render(tpl, Templates.placeholders(env, layout, id)));
    }

    /** Just `nginx -t` (or the configured test), for the nginx.config check. */
    public static List<Command> nginxTestCommand(EnvironmentConfig env) {
        if (env.web().nginx() == null) return List.of();
        return List.of(Command.sh(env.web().nginx().test()));
    }

    public static List<Command> nginxCommands(EnvironmentConfig env) {
        if (env.web().nginx() == null) return List.of();
        // `nginx -t` first: a reload with a bad config would keep the old one and hide the error
        return List.of(Command.sh(env.web().nginx().test()), Command.sh(env.web().nginx().reload()));
    }

    /**
     * Restart/reload strategies: reload web + nginx on a web host, so it serves the release
     * {@code id} current points to. (Blue-green activates a color instead: {@link BlueGreen}.)
     */
    public static List<Command> activateCommands(EnvironmentConfig env, ReleaseLayout layout, String id) {
        List<Command> cmds = new ArrayList<>();
        Command reload = reloadCommand(env, layout, id);
        if (reload != null) cmds.add(reload);
        cmds.addAll(nginxCommands(env));
        return cmds;
    }

    /**
     * The switch: `current` moves to the release and, on a web host, the web tier follows it in
     * the SAME remote command (blue-green: web.sock swaps to the new color; restart/reload: the
     * reload hook and nginx). A djdeploy killed at any moment therefore never leaves `current`
     * naming one release while nginx serves another: the host's shell finishes the command.
     */
    public static Step switchAndActivate() {
        return new Step() {
            public String name() { return SWITCH; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(switchCommand(h, ctx, h.newColor()));
            }
            public String waitsFor(HostRun h, RunContext ctx) {
                WebConfig w = ctx.env().web();
                if (!h.config().hasRole(HostConfig.WEB) || w.blueGreen()) return null;
                return w.strategy() == WebConfig.Strategy.RESTART
                        ? "the web restart (" + w.reload() + "): it waits for gunicorn's graceful stop of the old workers"
                          + " (their running requests, up to gunicorn's graceful_timeout, 30s by default) and the process manager's start check"
                        : "the web reload (" + w.reload() + ") and nginx";
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // blue-green: the color is known once the boot step ran; until then the switch runs alone
                if (h.newColor() == null && BlueGreen.applies(h, ctx)) return null;
                return checked(h, ctx);
            }
            private Scripted checked(HostRun h, RunContext ctx) {
                return Scripted.checked(plan(h, ctx)).withJudge((x, r) -> switched(x, r.get(0)));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                checked(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** Part of a failed switch may have run: if current moved, this host must be switched back. */
    private static void switched(StepExec x, CommandResult r) throws TransportException, InterruptedException {
        HostRun h = x.host();
        if (!r.ok()) {
            if (x.ctx().releaseId().equals(h.ops().currentRelease())) h.markSwitched();
            return;
        }
        h.markSwitched();
        if (h.newColor() != null && BlueGreen.applies(h, x.ctx())) {
            x.info(h.newColor() + " is live (release " + x.ctx().releaseId() + ")"
                    + (h.liveColor() != null ? "; " + h.liveColor() + " is out of traffic" : ""));
        }
    }

    /**
     * `current` to the run's release and, on a web host, the web tier with it, as ONE command:
     * blue-green makes {@code color} live (null: the color that is not live now, chosen on the
     * host, as the boot step chose it); the other strategies run the reload hook and nginx.
     */
    public static Command switchCommand(HostRun h, RunContext ctx, String color) {
        EnvironmentConfig env = ctx.env();
        Command c = h.ops().switchCommand(ctx.releaseId());
        if (h.config().hasRole(HostConfig.WEB)) {
            List<Command> web = !env.web().blueGreen() ? activateCommands(env, h.ops().layout(), ctx.releaseId())
                    : color == null ? BlueGreenCommands.swapEither(env) : List.of(BlueGreenCommands.swap(env, color));
            for (Command w : web) c = c.then(w);
        }
        return c;
    }

    public static Step health() {
        return new Step() {
            public String name() { return HEALTH; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return h.config().hasRole(HostConfig.WEB) && ctx.env().health() != null;
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return verifyCommands(h, ctx, ctx.releaseId());
            }
            public String waitsFor(HostRun h, RunContext ctx) {
                HealthConfig hc = ctx.env().health();
                return hc.url() + " to answer with release " + ctx.releaseId()
                        + " (up to " + hc.retries() + " tries, " + hc.interval().toMillis() + "ms apart): the new workers are still booting";
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // the helper exits 0 exactly when the URL answered as configured with the release id
                return Scripted.queries(plan(h, ctx), Scripted.Gate.EXIT_OK, (x, r) -> {
                    try {
                        verified(x, x.ctx().releaseId(), r);
                    } catch (StepFailure f) {
                        throw withLogs(x, f);
                    }
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** The health URL, then verify.urls, then verify.status: what the health step runs, in order. */
    static List<Command> verifyCommands(HostRun h, RunContext ctx, String release) {
        HealthConfig hc = ctx.env().health();
        List<Command> c = new ArrayList<>();
        c.add(HealthCheck.command(h.name(), h.ops().layout(), release, hc, release, hc.retries(), HealthCheck.secret(ctx.env(), hc.url())));
        for (io.djdeploy.config.VerifyConfig.Url u : ctx.env().verify().urls()) {
            c.add(HealthCheck.extraCommand(h.name(), h.ops().layout(), release, hc, u, HealthCheck.secret(ctx.env(), u.url())));
        }
        if (ctx.env().verify().status() != null) c.add(Command.sh(ctx.env().verify().status()));
        return c;
    }

    /** What {@link #verifyCommands} found: the health URL, then verify.urls, then verify.status, as {@link #verify} and {@link #verifyMore}. */
    static void verified(StepExec x, String release, List<CommandResult> r) throws StepFailure {
        HealthConfig hc = x.ctx().env().health();
        List<Command> c = verifyCommands(x.host(), x.ctx(), release);
        HealthCheck.Result res = HealthCheck.parse(r.get(0));
        if (!res.ok()) throw new StepFailure("health check failed: " + res.describe(hc, release), c.get(0).script(), r.get(0).exitCode(), r.get(0).tail());
        x.info("healthy: " + res.describe(hc, release));
        io.djdeploy.config.VerifyConfig v = x.ctx().env().verify();
        int i = 1;
        for (io.djdeploy.config.VerifyConfig.Url u : v.urls()) {
            CommandResult one = r.get(i);
            HealthCheck.Result ur = HealthCheck.parse(one);
            String what = u.url().replace("{host}", x.host().name());
            if (!ur.ok()) {
                String why = ur.error() != null ? ur.error() : "HTTP " + ur.status() + (u.text() != null && ur.status() != null
                        && ur.status() == u.status() ? " without the text '" + u.text() + "'" : ", expected " + u.status());
                throw new StepFailure("verification of " + what + " failed: " + why, c.get(i).script(), one.exitCode(), one.tail());
            }
            x.info("verified " + what + ": HTTP " + ur.status() + (u.text() != null ? " with '" + u.text() + "'" : ""));
            i++;
        }
        if (v.status() != null) {
            CommandResult one = r.get(i);
            if (!one.ok()) throw new StepFailure("the web service's status command failed (exit " + one.exitCode() + ")", c.get(i).script(), one.exitCode(), one.tail());
            x.info("web service: " + one.lastLine().orElse("ok"));
        }
    }

    /** verify.urls and verify.status, after the health URL passed. */
    static void verifyMore(StepExec x, String release) throws StepFailure, TransportException, InterruptedException {
        io.djdeploy.config.VerifyConfig v = x.ctx().env().verify();
        for (io.djdeploy.config.VerifyConfig.Url u : v.urls()) {
            Command c = HealthCheck.extraCommand(x.host().name(), x.host().ops().layout(), release, x.ctx().env().health(), u,
                    HealthCheck.secret(x.ctx().env(), u.url()));
            CommandResult r = x.query(c);
            HealthCheck.Result res = HealthCheck.parse(r);
            String what = u.url().replace("{host}", x.host().name());
            if (!res.ok()) {
                String why = res.error() != null ? res.error() : "HTTP " + res.status() + (u.text() != null && res.status() != null
                        && res.status() == u.status() ? " without the text '" + u.text() + "'" : ", expected " + u.status());
                throw new StepFailure("verification of " + what + " failed: " + why, c.script(), r.exitCode(), r.tail());
            }
            x.info("verified " + what + ": HTTP " + res.status() + (u.text() != null ? " with '" + u.text() + "'" : ""));
        }
        if (v.status() != null) {
            Command c = Command.sh(v.status());
            CommandResult r = x.query(c);
            if (!r.ok()) throw new StepFailure("the web service's status command failed (exit " + r.exitCode() + ")", c.script(), r.exitCode(), r.tail());
            x.info("web service: " + r.lastLine().orElse("ok"));
        }
    }

    /** A verification failure carries the last lines of the service's own log (verify.logs). */
    static StepFailure withLogs(StepExec x, StepFailure f) throws InterruptedException {
        String logs = x.ctx().env().verify().logs();
        if (logs == null) return f;
        try {
            CommandResult r = x.query(Command.sh(logs));
            // the report shows the last 15 lines: the marker and the log's last 12 stay in view
            List<String> tail = new ArrayList<>(f.tail());
            tail.add("--- " + logs + " ---");
            List<String> log = r.tail();
            tail.addAll(log.size() > 12 ? log.subList(log.size() - 12, log.size()) : log);
            return new StepFailure(f.getMessage(), f.command(), f.exitCode(), tail);
        } catch (TransportException e) {
            return f;
        }
    }

    /** Fails unless the host's health URL answers as configured and reports {@code expect}. */
    public static HealthCheck.Result verify(StepExec x, String helperRelease, String expect)
            throws StepFailure, TransportException, InterruptedException {
        HealthConfig hc = x.ctx().env().health();
        Command c = HealthCheck.command(x.host().name(), x.host().ops().layout(), helperRelease, hc, expect, hc.retries(),
                HealthCheck.secret(x.ctx().env(), hc.url()));
        CommandResult r = x.query(c);
        HealthCheck.Result res = HealthCheck.parse(r);
        if (!res.ok()) {
            throw new StepFailure("health check failed: " + res.describe(hc, expect), c.script(), r.exitCode(), r.tail());
        }
        x.info("healthy: " + res.describe(hc, expect));
        return res;
    }
}
