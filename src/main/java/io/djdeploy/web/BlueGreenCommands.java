package io.djdeploy.web;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HealthConfig;
import io.djdeploy.config.WebConfig;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.djdeploy.web.BlueGreen.colorLink;
import static io.djdeploy.web.BlueGreen.socket;
import static io.djdeploy.web.BlueGreen.socketDir;
import static io.djdeploy.web.BlueGreen.standbyFile;
import static io.djdeploy.web.BlueGreen.upstreamName;

/**
 * The commands of the blue-green strategy (docs/web.md), built apart from the steps that run
 * them ({@link BlueGreen}). Where a step would otherwise decide at run time which color to
 * use, the command decides on the host from the live color, with both outcomes in it, so
 * `plan`, `checklist` and `export-script` show exactly what runs.
 */
public final class BlueGreenCommands {
    /** Exit status of {@link #boot} when the color's start command failed. */
    public static final int START_FAILED = 81;
    /** Exit status of {@link #boot} when the color did not answer its health check in time. */
    public static final int UNHEALTHY = 82;
    /** Printed by {@link #boot} when the color already served the release (warm standby). */
    public static final String WARM = "djdeploy: warm standby";

    private BlueGreenCommands() {}

    /** Prints "live COLOR", "blue TARGET", "green TARGET", "standby LINE" (empty values when unset). */
    public static Command state(EnvironmentConfig env, ReleaseLayout layout) {
        return Command.assign("live", liveQuery(env))
                .andAlso(Command.assign("blue", Command.of("readlink", colorLink(layout, WebConfig.BLUE)).quiet()))
                .andAlso(Command.assign("green", Command.of("readlink", colorLink(layout, WebConfig.GREEN)).quiet()))
                .andAlso(Command.assign("standby", Command.of("cat", standbyFile(layout)).quiet()))
                .andAlso(Command.of("printf", "live %s\\nblue %s\\ngreen %s\\nstandby %s\\n", Shell.var("live"), Shell.var("blue"),
                        Shell.var("green"), Shell.var("standby")));
    }

    /**
     * Prints what makes a color live: web.sock's target ("green.sock"), or over TCP the color
     * named in the upstream include's first line ("green").
     */
    static Command liveQuery(EnvironmentConfig env) {
        return env.web().tcp()
                ? Command.of("sed", "-n", "s/^# djdeploy live color: //p", env.web().upstreamFile()).quiet().pipe(Command.of("head", "-n1"))
                : Command.of("readlink", BlueGreen.liveLink(env)).quiet();
    }

    /** Succeeds when {@code color} is the live one now (as {@link BlueGreen#parseState} reads it). */
    static Command isLive(EnvironmentConfig env, String color) {
        return liveQuery(env).pipe(Command.of("sed", "s,.*/,,; s,\\.sock$,,")).outputIs(color);
    }

    /**
     * {@code per(color)} for the color that is not live now (blue when none is): the decision
     * a step would make after reading the state, made on the host instead.
     */
    static Command forIdle(EnvironmentConfig env, Function<String, Command> per) {
        return Command.ifElse(isLive(env, WebConfig.BLUE), per.apply(WebConfig.GREEN), per.apply(WebConfig.BLUE));
    }

    /** {@code per(color)} for the color that is live now (after a switch: the new one). */
    static Command forLive(EnvironmentConfig env, Function<String, Command> per) {
        return Command.ifElse(isLive(env, WebConfig.BLUE), per.apply(WebConfig.BLUE), per.apply(WebConfig.GREEN));
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

    static Command start(EnvironmentConfig env, ReleaseLayout layout, String release, String color) {
        return Command.sh(Templates.render(ContainerColors.start(env), values(env, layout, release, color)));
    }

    static Command stop(EnvironmentConfig env, ReleaseLayout layout, String color) {
        return Command.sh(Templates.render(ContainerColors.stop(env), values(env, layout, null, color)));
    }

    static Command log(EnvironmentConfig env, ReleaseLayout layout, String color) {
        String log = ContainerColors.log(env);
        return log == null ? null : Command.sh(Templates.render(log, values(env, layout, null, color)));
    }

    /** Points {@code <deploy_to>/<color>} at the release: temp link + rename, like current. */
    static Command pin(ReleaseLayout layout, String color, String release) {
        return Command.swapLink(layout.deployTo(), ReleaseLayout.currentTarget(release), color);
    }

    /** Makes {@code color} live: web.sock swap, or (TCP) the upstream include rewritten, tested and reloaded. */
    static Command swap(EnvironmentConfig env, String color) {
        WebConfig w = env.web();
        if (!w.tcp()) return Command.swapLink(socketDir(env), BlueGreenNames.colorSocketFile(color), BlueGreenNames.LIVE_SOCKET);
        String f = w.upstreamFile();
        String content = "# djdeploy live color: " + color + "\n"
                + "# written by djdeploy at every blue-green switch: do not edit\n"
                + "upstream " + upstreamName(env) + " {\n    server 127.0.0.1:" + w.ports().of(color) + ";\n}\n";
        // a failed nginx -t puts the previous include back (or removes the new one if there was
        // none); backup and temp are dot files next to the include: nginx's `include dir/*` skips them
        int slash = f.lastIndexOf('/');
        String bak = f.substring(0, slash + 1) + "." + f.substring(slash + 1) + ".djdeploy-bak";
        String tmp = f.substring(0, slash + 1) + "." + f.substring(slash + 1) + ".djdeploy-tmp";
        Command restore = Command.sh("rc=$?")
                .andAlso(Command.ifElse(Command.of("test", "-f", bak), Command.of("mv", "-f", bak, f), Command.of("rm", "-f", f)))
                .andAlso(Command.sh("exit $rc"));
        return Command.of("cp", "-p", f, bak).quiet().orElse(Command.of("rm", "-f", bak))
                .andAlso(Command.of("printf", "%s", content).writeTo(tmp).then(Command.of("mv", "-f", tmp, f))
                        .then(Command.ifElse(Command.sh(w.nginx().test()),
                                Command.of("rm", "-f", bak).andAlso(Command.sh(w.nginx().reload())), restore)));
    }

    /** One health request straight to {@code color}'s listener; retried while it boots (up to web.boot_timeout). */
    static Command probe(EnvironmentConfig env, String host, ReleaseLayout layout, String release, String color, int retries) {
        HealthConfig h = env.health();
        return HealthCheck.command(host, layout, release, h, release, retries, Duration.ofMillis(200),
                env.web().tcp() ? null : socket(env, color), env.web().tcp() ? "127.0.0.1:" + env.web().ports().of(color) : null,
                retries > 1 ? env.web().bootTimeout() : null, HealthCheck.secret(env, h.url()));
    }

    /**
     * A probe inside a command that holds several: a secret URL comes on the command's standard
     * input once ({@link #readUrl}) and is handed to each probe from {@code $health_url}.
     */
    private static Command probeIn(EnvironmentConfig env, String host, ReleaseLayout layout, String release, String color, int retries) {
        Command p = probe(env, host, layout, release, color, retries);
        if (p.stdin() == null) return p;
        return Command.of("printf", "%s\\n", Shell.var("health_url")).pipe(p.withStdin((byte[]) null));
    }

    /** For a secret health URL: the command reads it from its standard input first (see {@link #probeIn}). */
    private static Command readUrl(EnvironmentConfig env, String host, Command c) {
        if (!HealthCheck.secret(env, env.health().url())) return c;
        return Command.assign("health_url", Command.of("head", "-n", "1")).andAlso(c).withStdin(HealthCheck.url(env.health(), host) + "\n");
    }

    static int bootRetries(EnvironmentConfig env) {
        return (int) Math.max(1, env.web().bootTimeout().toMillis() / 200);
    }

    /**
     * Gets {@code color} serving {@code release} on its own listener: if it already does (warm
     * standby: pinned to it and healthy) nothing boots and {@link #WARM} is printed; otherwise
     * it is stopped, re-pinned, started ({@link #START_FAILED}) and checked ({@link #UNHEALTHY}).
     * The last line with a JSON object is the health verdict. A standby timer that would stop
     * this color is cancelled first.
     */
    static Command boot(EnvironmentConfig env, String host, ReleaseLayout layout, String release, String color) {
        return readUrl(env, host, bootBody(env, host, layout, release, color))
                .withTimeout(env.web().bootTimeout().plus(env.health().timeout()).plus(Duration.ofMinutes(2)));
    }

    private static Command bootBody(EnvironmentConfig env, String host, ReleaseLayout layout, String release, String color) {
        Command clearTimer = Command.ifThen(Command.of("grep", "-q", "^" + color + " ", standbyFile(layout)).quiet(),
                Command.of("rm", "-f", standbyFile(layout)));
        Command warm = Command.of("readlink", colorLink(layout, color)).quiet().outputIs(ReleaseLayout.currentTarget(release))
                .then(probeIn(env, host, layout, release, color, 1));
        Command fresh = stop(env, layout, color).orElse(Command.echo("stopping " + color + " first: it was not running"))
                .andAlso(pin(layout, color, release)
                        .then(start(env, layout, release, color).orElse(Command.exit(START_FAILED)))
                        .then(probeIn(env, host, layout, release, color, bootRetries(env)).orElse(Command.exit(UNHEALTHY))));
        return clearTimer.andAlso(Command.ifElse(warm, Command.echo(WARM), fresh));
    }

    /** Boots the color that is not live (see {@link #boot}), chosen on the host. */
    static Command bootIdle(EnvironmentConfig env, String host, ReleaseLayout layout, String release) {
        return readUrl(env, host, forIdle(env, c -> bootBody(env, host, layout, release, c)))
                .withTimeout(env.web().bootTimeout().plus(env.health().timeout()).plus(Duration.ofMinutes(2)));
    }

    /**
     * Stops {@code color} after {@code delay} unless it is live again by then or the standby
     * record changed (a later run took over): a detached timer on the host, so neither a
     * deploy nor a rollback waits for the drain. The record is "COLOR PREVIOUS UNTIL".
     */
    static Command stopLater(EnvironmentConfig env, ReleaseLayout layout, String color, Duration delay, String previous) {
        long s = Math.max(0, delay.toSeconds());
        String liveValue = env.web().tcp() ? color : BlueGreenNames.colorSocketFile(color);
        Command inner = Command.of("sleep", String.valueOf(s))
                .andAlso(Command.of("cat", standbyFile(layout)).quiet().outputIs(Shell.var("1")).orElse(Command.exit(0)))
                .andAlso(liveQuery(env).outputIs(liveValue).then(Command.exit(0)))
                .andAlso(stop(env, layout, color))
                .andAlso(Command.of("rm", "-f", standbyFile(layout)));
        return Command.of("mkdir", "-p", layout.meta())
                .then(Command.assign("until", Command.of("date", "-d", "+" + s + " seconds", "+%s")))
                .then(Command.assign("token", Command.of("printf", "%s %s %s", color, previous == null ? "-" : previous, Shell.var("until"))))
                .then(Command.of("printf", "%s\\n", Shell.var("token")).writeTo(standbyFile(layout)))
                .then(Command.of("setsid", "-f", "sh", "-c", inner.script(), "sh", Shell.var("token")).detached());
    }

    /** After a switch: the color that is not live any more gets {@link #stopLater} (when it is pinned at all). */
    static Command retireOld(EnvironmentConfig env, ReleaseLayout layout, Duration delay, String previous) {
        return forIdle(env, c -> Command.ifThen(Command.of("test", "-L", colorLink(layout, c)), stopLater(env, layout, c, delay, previous)));
    }

    static List<Command> swapEither(EnvironmentConfig env) {
        return List.of(forIdle(env, c -> swap(env, c)));
    }
}
