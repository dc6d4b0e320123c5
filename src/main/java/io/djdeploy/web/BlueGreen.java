package io.djdeploy.web;

import io.djdeploy.config.EnvironmentConfig;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blue-green web strategy (docs/web.md). Two instances of the web service, colors blue
 * and green, each pinned to a release by the symlink {@code <deploy_to>/<color>} and bound
 * to its own socket {@code <socket_dir>/<color>.sock}. nginx proxies to one stable path,
 * {@code <socket_dir>/web.sock}, a symlink to the live color's socket; nginx resolves it at
 * every connect, so swapping it (temp link + rename(2)) moves new requests to the other color
 * while in-flight ones finish on the old one. No nginx reload per switch: a reload closes
 * clients' keep-alive connections (measured: 3–15 read errors per 5 switches under load; the
 * swap: 0). Over TCP ports the live color is an nginx upstream include instead, rewritten,
 * tested and reloaded.
 *
 * <p>SWITCH on a web host: {@link #boot} starts the idle color on the new release and
 * checks it on its own socket (status and release id) — a release that cannot boot never
 * gets traffic, and the old color keeps serving; then {@code current} switches and web.sock
 * moves in one remote command (WebSteps#switchAndActivate), the health URL is verified through nginx, and {@link #retire} leaves the old
 * color running out of traffic for the standby window (a rollback inside it is a health check
 * plus a swap) or stops it after the drain.
 */
public final class BlueGreen {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String BOOT_IDLE = "boot idle color";
    public static final String RETIRE_OLD = "retire old color";
    private BlueGreen() {}

    /** What a host looks like now: the live color and the release each color is pinned to. */
    public record State(String live, Map<String, String> pinned, String standby) {
        String pinnedTo(String color) {
            return pinned.get(color);
        }
    }

    // ---------------------------------------------------------------- paths

    public static String socketDir(EnvironmentConfig env) {
        return env.web().socketDir() != null ? env.web().socketDir() : BlueGreenNames.defaultSocketDir(env.app());
    }

    public static String socket(EnvironmentConfig env, String color) {
        return BlueGreenNames.colorSocket(socketDir(env), color);
    }

    public static String liveLink(EnvironmentConfig env) {
        return BlueGreenNames.liveSocket(socketDir(env));
    }

    public static String colorLink(ReleaseLayout layout, String color) {
        return BlueGreenNames.colorLink(layout.deployTo(), color);
    }

    public static String standbyFile(ReleaseLayout layout) {
        return layout.meta() + "/standby";
    }

    /** The nginx upstream name the include defines (TCP mode). */
    public static String upstreamName(EnvironmentConfig env) {
        return BlueGreenNames.upstreamName(env.app());
    }

    // ---------------------------------------------------------------- state (commands: BlueGreenCommands)

    /** Prints "live COLOR", "blue TARGET", "green TARGET", "standby LINE" (empty values when unset). */
    public static Command stateCommand(EnvironmentConfig env, ReleaseLayout layout) {
        return BlueGreenCommands.state(env, layout);
    }

    static State parseState(String out) {
        String live = null;
        String standby = null;
        Map<String, String> pinned = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            String k = sp < 0 ? line.trim() : line.substring(0, sp);
            String v = sp < 0 ? "" : line.substring(sp + 1).trim();
            switch (k) {
                case "live" -> {
                    // web.sock -> green.sock (or a color name in TCP mode); anything else (a real
                    // socket of a single-instance setup, nothing yet) means no color is live
                    String f = v.replaceAll(".*/", "");
                    live = WebConfig.COLORS.stream().filter(c -> f.equals(c) || f.equals(BlueGreenNames.colorSocketFile(c))).findFirst().orElse(null);
                }
                case "blue", "green" -> {
                    if (!v.isEmpty()) pinned.put(k, ReleaseLayout.idFromTarget(v));
                }
                case "standby" -> standby = v.isEmpty() ? null : v;
                default -> { }
            }
        }
        return new State(live, pinned, standby);
    }

    // ---------------------------------------------------------------- steps

    static boolean applies(HostRun h, RunContext ctx) {
        return ctx.env().web().blueGreen() && h.config().hasRole(HostConfig.WEB);
    }

    /**
     * Starts the idle color on the release and proves it serves it, before any traffic moves.
     * The state is read first (which color is live, for the switch and the retire steps); the
     * boot command makes the same choice on the host, so it holds both outcomes.
     */
    public static Step boot() {
        return new Step() {
            public String name() { return BOOT_IDLE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                ReleaseLayout layout = h.ops().layout();
                return List.of(BlueGreenCommands.state(ctx.env(), layout),
                        BlueGreenCommands.bootIdle(ctx.env(), h.name(), layout, ctx.releaseId()));
            }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "the idle color's gunicorn to boot release " + ctx.releaseId() + " and answer on its socket"
                        + " (the app's own import and boot time; up to web.boot_timeout, " + ctx.env().web().bootTimeout().toSeconds() + "s)";
            }
            /**
             * With the state the connect step read, the colors are known before anything runs: the
             * boot shares a script with the switch, health and retire steps (issue 18: two round
             * trips fewer). The script goes on only when the idle color booted and answered.
             */
            public Scripted scripted(HostRun h, RunContext ctx) {
                String read = h.facts() == null ? null : h.facts().get("bluegreen");
                if (read == null) return null;
                choose(h, parseState(read));
                Command boot = plan(h, ctx).get(1);
                String idle = h.newColor();
                return Scripted.queries(List.of(boot), Scripted.Gate.EXIT_OK, (x, r) -> booted(x, idle, x.ctx().releaseId(), boot, r.get(0)));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                List<Command> c = plan(x.host(), x.ctx());
                // the connect step's command read the state under this run's lock (only a run holding it changes the live color)
                String read = x.host().facts() == null ? null : x.host().facts().get("bluegreen");
                choose(x.host(), parseState(read != null ? read : x.check(c.get(0)).out()));
                booted(x, x.host().newColor(), x.ctx().releaseId(), c.get(1), x.query(c.get(1)));
            }
        };
    }

    /** The idle color boots the release: the one that is not live (blue when none is); the switch and retire steps follow it. */
    private static void choose(HostRun h, State st) {
        h.colors(st.live(), st.live() == null ? WebConfig.BLUE : WebConfig.other(st.live()));
    }

    /**
     * After verification: the old color stays up for the standby window, or stops after the
     * drain. Without a known old color (a plan) the command picks the color that is not live.
     */
    public static Step retire() {
        return new Step() {
            public String name() { return RETIRE_OLD; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                ReleaseLayout layout = h.ops().layout();
                if (h.newColor() == null) return List.of(BlueGreenCommands.retireOld(ctx.env(), layout, delay(ctx), h.previous()));
                String old = h.liveColor();
                if (old == null || old.equals(h.newColor())) return List.of();
                return List.of(BlueGreenCommands.stopLater(ctx.env(), layout, old, delay(ctx), h.previous()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // after boot's form chose the colors: in the same script, once the health step passed
                if (h.newColor() == null) return null;
                List<Command> c = plan(h, ctx);
                return c.isEmpty() ? null : Scripted.checked(c).withJudge((x, r) -> {
                    if (r.size() == c.size() && r.stream().allMatch(CommandResult::ok)) retired(x);
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                List<Command> c = plan(x.host(), x.ctx());
                if (c.isEmpty()) return;
                for (Command cmd : c) x.check(cmd);
                retired(x);
            }
        };
    }

    /** What the retire step says once the old color's stop is scheduled (or the standby started). */
    private static void retired(StepExec x) {
        String old = x.host().liveColor();
        Duration d = delay(x.ctx());
        Instant until = Instant.now().plus(d);
        x.info(standby(x.ctx())
                ? old + " stays up on release " + x.host().previous() + ", out of traffic, until " + until.toString().substring(11, 19)
                  + " UTC (standby " + human(d) + "): a rollback until then needs no boot"
                : old + " stops in " + human(d) + " (drain)");
    }

    /** A rollback retires the release it rolled away from: no standby for it, only the drain. */
    static boolean standby(RunContext ctx) {
        return !ctx.env().web().standby().isZero() && !"rollback".equals(ctx.command());
    }

    static Duration delay(RunContext ctx) {
        return standby(ctx) ? ctx.env().web().standby() : ctx.env().web().drain();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? (s / 60) + "m" : s + "s";
    }

    static State state(StepExec x) throws StepFailure, TransportException, InterruptedException {
        return parseState(x.check(stateCommand(x.ctx().env(), x.host().ops().layout())).out());
    }

    /**
     * Reads what {@link BlueGreenCommands#boot} did with {@code color}: warm standby, booted and
     * healthy, or failed; on failure the color's log tail is added and the color is stopped
     * again (it never got traffic and must not keep running a release that failed).
     */
    static void booted(StepExec x, String color, String release, Command c, CommandResult r)
            throws StepFailure, TransportException, InterruptedException {
        EnvironmentConfig env = x.ctx().env();
        HealthCheck.Result res = HealthCheck.parseLastJson(r.stdout());
        if (r.ok() && r.stdout().contains(BlueGreenCommands.WARM)) {
            x.info("warm standby: " + color + " already serves release " + release + " (no boot)");
            return;
        }
        if (r.ok()) {
            x.info(color + " serves release " + release + " on its own " + (env.web().tcp() ? "port" : "socket") + " ("
                    + res.describe(env.health(), release) + ")");
            return;
        }
        String message = switch (r.exitCode()) {
            case BlueGreenCommands.START_FAILED -> "starting " + color + " on release " + release + " failed";
            // "on release X failed" whichever part failed: a start that returned before the app died is no different
            case BlueGreenCommands.UNHEALTHY -> color + " on release " + release + " failed: it did not become healthy: "
                    + res.describe(env.health(), release) + " (checked on " + (env.web().tcp() ? "127.0.0.1:" + env.web().ports().of(color)
                    : socket(env, color)) + ")";
            default -> "booting " + color + " on release " + release + " failed (exit " + r.exitCode() + ")";
        };
        throw failed(x, color, message, c, r);
    }

    private static StepFailure failed(StepExec x, String color, String message, Command c, CommandResult r)
            throws TransportException, InterruptedException {
        EnvironmentConfig env = x.ctx().env();
        ReleaseLayout layout = x.host().ops().layout();
        List<String> tail = new ArrayList<>(r.tail());
        Command log = BlueGreenCommands.log(env, layout, color);
        if (log != null) {
            CommandResult lr = x.query(log);
            tail.add("--- " + log.script() + " ---");
            List<String> lines = lr.tail();
            tail.addAll(lines.size() > 12 ? lines.subList(lines.size() - 12, lines.size()) : lines);
        }
        x.query(BlueGreenCommands.stop(env, layout, color));
        String live = x.host().liveColor();
        return new StepFailure(message + "; nginx untouched" + (live != null ? ", " + live + " still serving" : ""),
                c.script(), r.exitCode(), tail);
    }

    /**
     * For switching back after a failed verification: the color that serves {@code release} on
     * its own listener. Usually the old live one, still up and still live when the swap never
     * happened ({@code live}: nothing to swap); otherwise the idle color, booted on it. The
     * caller makes it live with the switch command (WebSteps#switchCommand), then stops the
     * other one with {@link #stopAllBut}.
     */
    public record Serving(String color, boolean live) {}

    public static Serving serving(StepExec x, String release) throws StepFailure, TransportException, InterruptedException {
        State st = state(x);
        EnvironmentConfig env = x.ctx().env();
        ReleaseLayout layout = x.host().ops().layout();
        if (st.live() != null && release.equals(st.pinnedTo(st.live()))
                && HealthCheck.parse(x.query(BlueGreenCommands.probe(env, x.host().name(), layout, release, st.live(), 1))).ok()) {
            return new Serving(st.live(), true);
        }
        String idle = st.live() == null ? WebConfig.BLUE : WebConfig.other(st.live());
        Command c = BlueGreenCommands.boot(env, x.host().name(), layout, release, idle);
        booted(x, idle, release, c, x.query(c));
        return new Serving(idle, false);
    }

    /** Stops the color other than {@code live}: the release that failed (a stop of a stopped color is harmless). */
    public static void stopAllBut(StepExec x, String live) throws TransportException, InterruptedException {
        String other = WebConfig.other(live);
        x.query(BlueGreenCommands.stop(x.ctx().env(), x.host().ops().layout(), other));
        x.info(live + " is live; " + other + " stopped");
    }

    /** For `status`: the colors, from {@link #stateCommand}'s output, e.g. "green live (20261124…), blue in standby (…) until 03:40:12 UTC". */
    public static String describe(String stateOutput) {
        State st = parseState(stateOutput);
        if (st.live() == null) return "blue-green: no color live yet";
        String other = WebConfig.other(st.live());
        String s = "blue-green: " + st.live() + " live (release " + st.pinnedTo(st.live()) + ")";
        if (st.standby() != null && st.standby().startsWith(other + " ")) {
            String[] f = st.standby().split(" ");
            String until = f.length > 2 && f[2].matches("\\d+") ? " until " + Instant.ofEpochSecond(Long.parseLong(f[2])).toString().substring(11, 19) + " UTC" : "";
            s += ", " + other + " in standby (release " + st.pinnedTo(other) + ")" + until;
        }
        return s;
    }
}
