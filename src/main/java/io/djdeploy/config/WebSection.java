package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code web}: the strategy, its commands (given, or implied by {@code manager}), blue-green's sockets or ports, nginx. */
final class WebSection implements Section<WebConfig> {
    static final Key<WebConfig.Strategy> STRATEGY = Key.oneOf("strategy", WebConfig.Strategy.class, WebConfig.Strategy.RESTART);
    static final Key<WebConfig.Manager> MANAGER = Key.oneOf("manager", WebConfig.Manager.class, null);
    static final Key<String> RELOAD = Key.text("reload", null, Rules::command);
    static final Key<String> START = Key.text("start", null, Rules::colorCommand).documented("from `web.manager`, or the color's container (`runtime: container`)");
    static final Key<String> STOP = Key.text("stop", null, Rules::colorCommand).documented("from `web.manager`, or `docker stop` of the color's container");
    static final Key<String> LOG = Key.text("log", null, Rules::colorCommand).documented("from `web.manager`, or `docker logs`, else none");
    static final Key<String> SOCKET_DIR = Key.text("socket_dir", null, Rules::absolutePath).documented("`/run/<app>`");
    static final Key<WebConfig.Ports> PORTS = Key.section("ports", new PortsSection());
    static final Key<String> UPSTREAM_FILE = Key.text("upstream_file", null, Rules::absolutePath);
    static final Key<Duration> DRAIN = Key.duration("drain", WebConfig.DEFAULT_DRAIN);
    static final Key<Duration> STANDBY = Key.of("standby", Types.durationOrOff(), WebConfig.DEFAULT_STANDBY);
    static final Key<Duration> BOOT_TIMEOUT = Key.duration("boot_timeout", WebConfig.DEFAULT_BOOT_TIMEOUT);
    static final Key<WebConfig.NginxConfig> NGINX = Key.section("nginx", new NginxSection());
    static final String START_MISSING = "is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl start {app}-web@{color}";
    static final String STOP_MISSING = "is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl stop {app}-web@{color}";
    /** Keys that mean nothing outside blue-green. */
    private static final List<Key<?>> BLUE_GREEN_ONLY = List.of(START, STOP, LOG, SOCKET_DIR, PORTS, UPSTREAM_FILE, STANDBY);

    @Override
    public List<Key<?>> keys() {
        return List.of(STRATEGY, MANAGER, RELOAD, START, STOP, LOG, SOCKET_DIR, PORTS, UPSTREAM_FILE, DRAIN, STANDBY, BOOT_TIMEOUT, NGINX);
    }

    @Override
    public WebConfig read(Values v) {
        WebConfig.NginxConfig nginx = v.get(NGINX);
        WebConfig.Strategy strategy = v.get(STRATEGY);
        WebConfig.Manager manager = v.get(MANAGER);
        String reload = v.get(RELOAD);
        String start = v.get(START);
        String stop = v.get(STOP);
        String log = v.get(LOG);
        String socketDir = v.get(SOCKET_DIR);
        String upstreamFile = v.get(UPSTREAM_FILE);
        WebConfig.Ports ports = v.get(PORTS);
        Duration drain = v.get(DRAIN);
        Duration bootTimeout = v.get(BOOT_TIMEOUT);
        Duration standby = v.get(STANDBY);

        if (strategy == WebConfig.Strategy.BLUE_GREEN) {
            if (reload != null) v.error(RELOAD, "is not used with strategy blue-green (colors are started and stopped with web.start and web.stop)");
            if (manager != null) {
                if (start == null) start = manager.start();
                if (stop == null) stop = manager.stop();
                if (log == null) log = manager.log();
            }
            // without start/stop: an error unless runtime: container implies them (ConfigLoader#requireColorCommands)
            if (ports != null && upstreamFile == null) v.errorAt(PORTS, v.path() + ".upstream_file",
                    "is required with web.ports: blue-green over TCP rewrites this nginx upstream include and reloads nginx");
            if (ports != null && nginx == null) v.errorAt(PORTS, v.path() + ".nginx",
                    "is required with web.ports: the upstream include takes effect by nginx -t and a reload");
            if (ports == null && upstreamFile != null) v.error(UPSTREAM_FILE,
                    "is only used with web.ports (blue-green over TCP); over Unix sockets nginx follows the web.sock link");
        } else {
            standby = Duration.ZERO;
            for (Key<?> k : BLUE_GREEN_ONLY) {
                if (v.has(k)) v.error(k, "is only used with web.strategy: blue-green");
            }
            if (reload == null && manager != null) reload = strategy == WebConfig.Strategy.RELOAD ? manager.hup() : manager.restart();
            if (strategy == WebConfig.Strategy.RELOAD && reload == null) v.missing(RELOAD,
                    "is required with strategy reload (the command that sends gunicorn HUP, e.g. systemctl reload {app}-web), or set web.manager");
        }
        return new WebConfig(strategy, reload, start, stop, log, socketDir, ports, upstreamFile, drain, standby, bootTimeout, nginx);
    }

    /** {@code web.nginx}: validated, then reloaded after the switch; absent, there is no nginx step. */
    static final class NginxSection implements Section<WebConfig.NginxConfig> {
        static final Key<String> TEST = Key.text("test", "nginx -t", Rules::command);
        static final Key<String> RELOAD = Key.text("reload", "nginx -s reload", Rules::command);

        @Override
        public List<Key<?>> keys() {
            return List.of(TEST, RELOAD);
        }

        @Override
        public WebConfig.NginxConfig read(Values v) {
            return new WebConfig.NginxConfig(v.get(TEST), v.get(RELOAD));
        }

        @Override
        public WebConfig.NginxConfig absent(Values v) {
            return null;
        }
    }

    /** {@code web.ports}: blue-green over TCP, one port per color; absent, colors use Unix sockets. */
    static final class PortsSection implements Section<WebConfig.Ports> {
        static final Key<Integer> BLUE = Key.integer(WebConfig.BLUE, 0, 1, 65535).required();
        static final Key<Integer> GREEN = Key.integer(WebConfig.GREEN, 0, 1, 65535).required();

        @Override
        public List<Key<?>> keys() {
            return List.of(BLUE, GREEN);
        }

        @Override
        public WebConfig.Ports read(Values v) {
            for (Key<Integer> k : List.of(BLUE, GREEN)) {
                if (!v.has(k)) v.missing(k, "is required: the TCP port of the " + k.name() + " instance");
            }
            WebConfig.Ports ports = new WebConfig.Ports(v.get(BLUE), v.get(GREEN));
            if (ports.blue() == ports.green() && ports.blue() != 0) v.error(GREEN, "must differ from web.ports.blue (each color has its own port)");
            return ports;
        }

        @Override
        public WebConfig.Ports absent(Values v) {
            return null;
        }
    }
}
