package io.djdeploy.web;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.WebConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
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

import static io.djdeploy.remote.Shell.quote;

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

    // ---------------------------------------------------------------- commands

    /** Prints "live COLOR", "blue TARGET", "green TARGET", "standby LINE" (empty values when unset). */
    public static Command stateCommand(EnvironmentConfig env, ReleaseLayout layout) {
        return Command.sh("echo \"live $(" + liveQuery(env) + ")\"; "
                + "echo \"blue $(readlink " + quote(colorLink(layout, WebConfig.BLUE)) + " 2>/dev/null)\"; "
                + "echo \"green $(readlink " + quote(colorLink(layout, WebConfig.GREEN)) + " 2>/dev/null)\"; "
                + "echo \"standby $(cat " + quote(standbyFile(layout)) + " 2>/dev/null)\"");
    }

    /**
     * Shell that prints what makes a color live: web.sock's target ("green.sock"), or over TCP
     * the color named in the upstream include's first line ("green").
     */
    static String liveQuery(EnvironmentConfig env) {
        return env.web().tcp()
                ? "sed -n 's/^# djdeploy live color: //p' " + quote(env.web().upstreamFile()) + " 2>/dev/null | head -n1"
                : "readlink " + quote(liveLink(env)) + " 2>/dev/null";
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
                    String c = v.replaceAll(".*/", "").replace(".sock", "");
                    live = WebConfig.COLORS.contains(c) ? c : null;
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

    static Map<String, String> values(EnvironmentConfig env, ReleaseLayout layout, String release, String color) {
        Map<String, String> m = new LinkedHashMap<>();
        if (release != null) {
            m.putAll(Templates.placeholders(env, layout, release));
        } else {
            m.put("app", env.app());
            m.put("deploy_to", layout.deployTo());
            m.put("current", layout.current());
        }
        m.put("color", color);
        m.put("socket", socket(env, color));
        if (env.web().tcp() && WebConfig.COLORS.contains(color)) m.put("port", String.valueOf(env.web().ports().of(color)));
        return m;
    }

    static Command startCommand(EnvironmentConfig env, ReleaseLayout layout, String release, String color) {
        return Command.sh(Templates.render(env.web().start(), values(env, layout, release, color)));
    }

    static Command stopCommand(EnvironmentConfig env, ReleaseLayout layout, String color) {
        return Command.sh(Templates.render(env.web().stop(), values(env, layout, null, color)));
    }

    /** Points {@code <deploy_to>/<color>} at the release: temp link + rename, like current. */
    static Command pinCommand(ReleaseLayout layout, String color, String release) {
        return Command.sh("cd " + quote(layout.deployTo()) + " && rm -f " + quote(color + ".tmp") + " && ln -s "
                + quote(ReleaseLayout.currentTarget(release)) + " " + quote(color + ".tmp") + " && mv -T "
                + quote(color + ".tmp") + " " + quote(color));
    }

    /** Makes {@code color} live: web.sock swap, or (TCP) the upstream include rewritten, tested and reloaded. */
    static List<Command> swapCommands(EnvironmentConfig env, String color) {
        WebConfig w = env.web();
        if (!w.tcp()) {
            return List.of(Command.sh("cd " + quote(socketDir(env)) + " && rm -f web.sock.tmp && ln -s "
                    + quote(color + ".sock") + " web.sock.tmp && mv -T web.sock.tmp web.sock"));
        }
        String f = w.upstreamFile();
        String content = "# djdeploy live color: " + color + "\n"
                + "# written by djdeploy at every blue-green switch: do not edit\n"
                + "upstream " + upstreamName(env) + " {\n    server 127.0.0.1:" + w.ports().of(color) + ";\n}\n";
        // a failed nginx -t puts the previous include back (or removes the new one if there was
        // none); backup and temp are dot files next to the include: nginx's `include dir/*` skips them
        int slash = f.lastIndexOf('/');
        String bak = f.substring(0, slash + 1) + "." + f.substring(slash + 1) + ".djdeploy-bak";
        String tmp = f.substring(0, slash + 1) + "." + f.substring(slash + 1) + ".djdeploy-tmp";
        return List.of(Command.sh("cp -p " + quote(f) + " " + quote(bak) + " 2>/dev/null || rm -f " + quote(bak)
                + "; printf '%s' " + quote(content) + " > " + quote(tmp) + " && mv -f " + quote(tmp) + " " + quote(f)
                + " && if " + w.nginx().test() + "; then rm -f " + quote(bak) + "; " + w.nginx().reload()
                + "; else rc=$?; if [ -f " + quote(bak) + " ]; then mv -f " + quote(bak) + " " + quote(f) + "; else rm -f " + quote(f)
                + "; fi; exit $rc; fi"));
    }

    /** One health request straight to {@code color}'s listener; retried while it boots. */
    static Command probe(StepExec x, String release, String color, int retries) {
        EnvironmentConfig env = x.ctx().env();
        // booting (retries > 1): however slow each attempt is, give up after web.boot_timeout
        return HealthCheck.command(x.host().name(), x.host().ops().layout(), release, env.health(), release, retries, Duration.ofMillis(200),
                env.web().tcp() ? null : socket(env, color), env.web().tcp() ? "127.0.0.1:" + env.web().ports().of(color) : null,
                retries > 1 ? env.web().bootTimeout() : null, HealthCheck.secret(env, env.health().url()));
    }

    /**
     * Stops {@code color} after {@code delay} unless it is live again by then or the standby
     * record changed (a later run took over): a detached timer on the host, so neither a
     * deploy nor a rollback waits for the drain.
     */
    static Command stopLaterCommand(EnvironmentConfig env, ReleaseLayout layout, String color, Duration delay, String token) {
        String liveValue = env.web().tcp() ? color : color + ".sock";
        String inner = "sleep " + Math.max(0, delay.toSeconds()) + "; "
                + "[ \"$(cat " + quote(standbyFile(layout)) + " 2>/dev/null)\" = " + quote(token) + " ] || exit 0; "
                + "[ \"$(" + liveQuery(env) + ")\" = " + quote(liveValue) + " ] && exit 0; "
                + stopCommand(env, layout, color).script() + "; rm -f " + quote(standbyFile(layout));
        return Command.sh("mkdir -p " + quote(layout.meta()) + " && printf '%s\\n' " + quote(token) + " > " + quote(standbyFile(layout))
                + " && setsid -f sh -c " + quote(inner) + " >/dev/null 2>&1 </dev/null");
    }

    // ---------------------------------------------------------------- steps

    static boolean applies(HostRun h, RunContext ctx) {
        return ctx.env().web().blueGreen() && h.config().hasRole(HostConfig.WEB);
    }

    /** Starts the idle color on the release and proves it serves it, before any traffic moves. */
    public static Step boot() {
        return new Step() {
            public String name() { return BOOT_IDLE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                EnvironmentConfig env = ctx.env();
                ReleaseLayout layout = h.ops().layout();
                String idle = "<idle color>";
                return List.of(stateCommand(env, layout), stopCommand(env, layout, idle), pinCommand(layout, idle, ctx.releaseId()),
                        startCommand(env, layout, ctx.releaseId(), idle),
                        HealthCheck.command(h.name(), layout, ctx.releaseId(), env.health(), ctx.releaseId(), 1, Duration.ofMillis(200),
                                env.web().tcp() ? null : socket(env, idle), env.web().tcp() ? "127.0.0.1:<port of idle color>" : null, null,
                                HealthCheck.secret(env, env.health().url())));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                String release = x.ctx().releaseId();
                State st = state(x);
                String idle = st.live() == null ? WebConfig.BLUE : WebConfig.other(st.live());
                x.host().colors(st.live(), idle);
                bootColor(x, st, idle, release);
            }
        };
    }

    /** After verification: the old color stays up for the standby window, or stops after the drain. */
    public static Step retire() {
        return new Step() {
            public String name() { return RETIRE_OLD; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                EnvironmentConfig env = ctx.env();
                return List.of(stopLaterCommand(env, h.ops().layout(), "<old color>", delay(ctx), "<old color> <previous release> <until>"));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                String old = x.host().liveColor();
                if (old == null || old.equals(x.host().newColor())) return;
                EnvironmentConfig env = x.ctx().env();
                ReleaseLayout layout = x.host().ops().layout();
                Duration d = delay(x.ctx());
                Instant until = Instant.now().plus(d);
                String previous = x.host().previous();
                String token = old + " " + (previous == null ? "-" : previous) + " " + until.getEpochSecond();
                x.check(stopLaterCommand(env, layout, old, d, token));
                boolean standby = standby(x.ctx());
                x.info(standby
                        ? old + " stays up on release " + previous + ", out of traffic, until " + until.toString().substring(11, 19)
                          + " UTC (standby " + human(d) + "): a rollback until then needs no boot"
                        : old + " stops in " + human(d) + " (drain)");
            }
        };
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
     * Gets {@code color} serving {@code release} on its own listener: if it already does (warm
     * standby) nothing boots; otherwise it is stopped, re-pinned and started, then checked.
     * On failure it is stopped again and the failure carries the last lines of its log.
     */
    static void bootColor(StepExec x, State st, String color, String release)
            throws StepFailure, TransportException, InterruptedException {
        EnvironmentConfig env = x.ctx().env();
        ReleaseLayout layout = x.host().ops().layout();
        // a later timer must not stop the color this run is about to use
        if (st.standby() != null && st.standby().startsWith(color + " ")) {
            x.query(Command.sh("rm -f " + quote(standbyFile(layout))));
        }
        if (release.equals(st.pinnedTo(color))) {
            HealthCheck.Result warm = HealthCheck.parse(x.query(probe(x, release, color, 1)));
            if (warm.ok()) {
                x.info("warm standby: " + color + " already serves release " + release + " (no boot)");
                return;
            }
        }
        CommandResult stopped = x.run(stopCommand(env, layout, color));
        if (!stopped.ok()) x.info("stopping " + color + " first: exit " + stopped.exitCode() + " (it was not running)");
        x.check(pinCommand(layout, color, release));
        CommandResult started = x.run(startCommand(env, layout, release, color));
        if (!started.ok()) {
            throw failed(x, color, "starting " + color + " on release " + release + " failed (exit " + started.exitCode() + ")",
                    startCommand(env, layout, release, color), started);
        }
        int retries = (int) Math.max(1, env.web().bootTimeout().toMillis() / 200);
        Command c = probe(x, release, color, retries);
        CommandResult r = x.query(c);
        HealthCheck.Result res = HealthCheck.parse(r);
        if (!res.ok()) {
            throw failed(x, color, color + " did not become healthy on release " + release + ": "
                    + res.describe(env.health(), release) + " (checked on " + (env.web().tcp() ? "127.0.0.1:" + env.web().ports().of(color)
                    : socket(env, color)) + ")", c, r);
        }
        x.info(color + " serves release " + release + " on its own " + (env.web().tcp() ? "port" : "socket") + " ("
                + res.describe(env.health(), release) + ")");
    }

    private static StepFailure failed(StepExec x, String color, String message, Command c, CommandResult r)
            throws TransportException, InterruptedException {
        EnvironmentConfig env = x.ctx().env();
        ReleaseLayout layout = x.host().ops().layout();
        List<String> tail = new ArrayList<>(r.tail());
        if (env.web().log() != null) {
            Command log = Command.sh(Templates.render(env.web().log(), values(env, layout, null, color)));
            CommandResult lr = x.query(log);
            tail.add("--- " + log.script() + " ---");
            List<String> lines = lr.tail();
            tail.addAll(lines.size() > 12 ? lines.subList(lines.size() - 12, lines.size()) : lines);
        }
        // the new color never got traffic; it must not keep running a release that failed
        x.query(stopCommand(env, layout, color));
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
        if (st.live() != null && release.equals(st.pinnedTo(st.live()))
                && HealthCheck.parse(x.query(probe(x, release, st.live(), 1))).ok()) {
            return new Serving(st.live(), true);
        }
        String idle = st.live() == null ? WebConfig.BLUE : WebConfig.other(st.live());
        bootColor(x, st, idle, release);
        return new Serving(idle, false);
    }

    /** Stops the color other than {@code live}: the release that failed (a stop of a stopped color is harmless). */
    public static void stopAllBut(StepExec x, String live) throws TransportException, InterruptedException {
        String other = WebConfig.other(live);
        x.query(stopCommand(x.ctx().env(), x.host().ops().layout(), other));
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
