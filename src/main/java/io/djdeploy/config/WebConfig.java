package io.djdeploy.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How the web tier picks up a new release (docs/web.md).
 *
 * <ul>
 *   <li>{@code restart}: run {@code reload} (e.g. {@code supervisorctl restart app-web}) after the
 *       switch; drops requests while gunicorn restarts. What the manual checklist does.</li>
 *   <li>{@code reload}: the same hook, meant to send HUP to a gunicorn that runs with
 *       {@code --chdir <deploy_to>/current} (a HUP re-runs chdir(cfg.chdir); without it a HUP
 *       reloads the OLD release). Cheap, but a release that cannot import takes the site down.</li>
 *   <li>{@code blue-green}: two instances (colors), each pinned to a release by the symlink
 *       {@code <deploy_to>/<color>} and bound to {@code <socket_dir>/<color>.sock}; nginx proxies
 *       to {@code <socket_dir>/web.sock}, a symlink to the live color's socket. Or, with
 *       {@code ports}, over TCP through an nginx upstream include that is rewritten and reloaded.</li>
 * </ul>
 *
 * @param reload  restart/reload: the command run after the switch (null: none)
 * @param start   blue-green: starts the instance of {color}
 * @param stop    blue-green: stops the instance of {color} gracefully
 * @param log     blue-green: prints the last lines of {color}'s log (shown when it fails), or null
 * @param ports   blue-green over TCP: port per color (blue, green), or null for Unix sockets
 * @param drain   blue-green: how long the old color keeps running after the swap before it stops
 *                (when there is no standby window)
 * @param standby blue-green: how long the old color stays up, out of traffic, after a switch so
 *                that a rollback is a health check plus a socket swap (zero: stop after drain)
 */
public record WebConfig(Strategy strategy, String reload, String start, String stop, String log, String socketDir,
                        Ports ports, String upstreamFile, Duration drain, Duration standby, Duration bootTimeout,
                        NginxConfig nginx) {
    /** nginx is validated then reloaded after the switch when configured. */
    public record NginxConfig(String test, String reload) {}

    public record Ports(int blue, int green) {
        public int of(String color) {
            return BLUE.equals(color) ? blue : green;
        }
    }

    public enum Strategy {
        RESTART, RELOAD, BLUE_GREEN;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum Manager {
        SYSTEMD, SUPERVISOR;

        /** The commands a manager implies: restart, reload (HUP), start/stop/log of {color}. */
        String restart() { return this == SYSTEMD ? "systemctl restart {app}-web" : "supervisorctl restart {app}-web"; }
        String hup() { return this == SYSTEMD ? "systemctl reload {app}-web" : "supervisorctl signal HUP {app}-web"; }
        String start() { return this == SYSTEMD ? "systemctl start {app}-web@{color}" : "supervisorctl start {app}-web-{color}"; }
        String stop() { return this == SYSTEMD ? "systemctl stop {app}-web@{color}" : "supervisorctl stop {app}-web-{color}"; }
        String log() { return this == SYSTEMD ? "journalctl -u {app}-web@{color} -n 30 --no-pager" : "supervisorctl tail {app}-web-{color}"; }
    }

    public static final String BLUE = "blue";
    public static final String GREEN = "green";
    public static final List<String> COLORS = List.of(BLUE, GREEN);

    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);
    /** Default standby: one extra set of workers (each ~50–150 MB of RSS) for ten minutes. */
    public static final Duration DEFAULT_STANDBY = Duration.ofMinutes(10);
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(60);

    public boolean blueGreen() {
        return strategy == Strategy.BLUE_GREEN;
    }

    public boolean tcp() {
        return ports != null;
    }

    public static String other(String color) {
        return BLUE.equals(color) ? GREEN : BLUE;
    }

    /** A web section with only a restart/reload hook (tests, the local demo). */
    public static WebConfig restart(String reload, NginxConfig nginx) {
        return new WebConfig(Strategy.RESTART, reload, null, null, null, null, null, null, DEFAULT_DRAIN, Duration.ZERO,
                DEFAULT_BOOT_TIMEOUT, nginx);
    }
}
