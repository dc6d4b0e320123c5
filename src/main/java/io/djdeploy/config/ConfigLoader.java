package io.djdeploy.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads deploy.yml into records. Every problem is collected with file, line and key path
 * (e.g. {@code environments.production.hosts[1].roles}) and reported at once; unknown keys
 * are errors because a typo must never be silently ignored.
 *
 * <p>Settings sections ({@code python}, {@code django}, {@code shared}, {@code web},
 * {@code health}, {@code ref}, {@code keep_releases}) may stand at the top level and in an
 * environment; the environment's value wins key by key.
 */
public final class ConfigLoader {
    static final Pattern APP = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
    static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+]");
    static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    /** Git ref names: what `git check-ref-format` allows, minus anything a shell or git option could misread. */
    public static final Pattern REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./+-]{0,199}");
    /** {@link #REF} (and no "..") in words, for error messages. */
    public static final String REF_RULE = "(letters, digits, '_', '.', '/', '+', '-'; not starting with '-', '.', '/' or '+'; no '..')";
    private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Duration MAX_DURATION = Duration.ofHours(24);

    private static final Set<String> SECTION_KEYS = Set.of("ref", "keep_releases", "python", "django", "shared", "web", "health",
            "ssh", "switch", "workers", "migrations", "rollback", "lock", "checks", "verify", "notify");
    private static final Set<String> ROOT_KEYS = union(Set.of("app", "repo", "environments"), SECTION_KEYS);
    private static final Set<String> ENV_KEYS = union(Set.of("deploy_to", "hosts"), SECTION_KEYS);

    private final Map<String, String> env;

    public ConfigLoader() {
        this(System.getenv());
    }

    /** @param env the variables {@code ${VAR}} interpolation reads (tests pass their own) */
    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public DeployConfig load(Path file) throws ConfigException {
        return parse(file, ConfigSource.read(file));
    }

    public DeployConfig parse(Path file, String text) throws ConfigException {
        Ctx ctx = new Ctx(file.toString());
        Node root = ConfigSource.compose(ctx.file, text, ctx.errors);
        if (root == null) throw new ConfigException(ctx.errors);
        DeployConfig config = bind(ctx, file, root);
        // checks run section by section, environment by environment; report in file order
        ctx.errors.sort(Comparator.comparingInt(ConfigError::line));
        if (!ctx.errors.isEmpty()) throw new ConfigException(ctx.errors);
        return config;
    }

    private DeployConfig bind(Ctx ctx, Path file, Node rootNode) {
        if (!(rootNode instanceof MappingNode root)) {
            ctx.error(rootNode, "", "the top level must be a mapping (app:, repo:, environments: lines), got " + kind(rootNode));
            return null;
        }
        Map<String, Located> top = ctx.entries(root, "", ROOT_KEYS);
        String app = ctx.requiredString(top, "app", "", v -> APP.matcher(v).matches() ? null
                : "must be a short lower-case name (letters, digits, - and _), it names services and paths");
        String repo = ctx.requiredString(top, "repo", "", v -> v.startsWith("-") ? "must be a git URL or path, got '" + v + "' (git would read a leading '-' as an option)" : null);
        if (!top.containsKey("app")) ctx.error(root, "app", "is required: a short lower-case name such as shop, it names services and paths");
        if (!top.containsKey("repo")) ctx.error(root, "repo", "is required: the git URL or path releases are cloned from");

        Map<String, EnvironmentConfig> environments = new LinkedHashMap<>();
        Located envs = top.get("environments");
        if (envs == null) {
            ctx.error(root, "environments", "is required: at least one environment (e.g. production) with deploy_to and hosts");
        } else {
            MappingNode envsMap = ctx.mapping(envs.node, "environments");
            if (envsMap != null) {
                if (envsMap.getValue().isEmpty()) ctx.error(envsMap, "environments", "must name at least one environment");
                for (NodeTuple t : envsMap.getValue()) {
                    String name = ctx.keyName(t);
                    if (name == null) continue;
                    String path = "environments." + name;
                    if (!ENV_NAME.matcher(name).matches()) {
                        ctx.error(t.getKeyNode(), path, "environment names use letters, digits, '.', '_' and '-'");
                        continue;
                    }
                    if (environments.containsKey(name)) {
                        ctx.error(t.getKeyNode(), path, "duplicate environment");
                        continue;
                    }
                    MappingNode envNode = ctx.mapping(t.getValueNode(), path);
                    if (envNode == null) continue;
                    Map<String, Located> own = ctx.entries(envNode, path, ENV_KEYS);
                    environments.put(name, environment(ctx, name, app, repo, own, top, envNode));
                }
            }
        }
        return new DeployConfig(file, app, repo, environments);
    }

    private EnvironmentConfig environment(Ctx ctx, String name, String app, String repo,
                                          Map<String, Located> own, Map<String, Located> top, MappingNode envNode) {
        String path = "environments." + name;
        Layers l = new Layers(List.of(own, top));
        String deployTo = ctx.requiredString(own, "deploy_to", path, ConfigLoader::checkDeployTo);
        if (deployTo == null && !own.containsKey("deploy_to")) ctx.error(envNode, path + ".deploy_to", "is required: the directory that holds current, releases and shared");
        if (deployTo != null && deployTo.length() > 1 && deployTo.endsWith("/")) deployTo = deployTo.substring(0, deployTo.length() - 1);
        List<HostConfig> hosts = hosts(ctx, own.get("hosts"), path, envNode);

        String ref = ctx.string(l.get("ref"), "main", v -> REF.matcher(v).matches() && !v.contains("..") ? null
                : "is not a valid git ref " + REF_RULE);
        int keep = ctx.integer(l.get("keep_releases"), 5, 2, 1000);

        Layers py = l.section(ctx, "python", Set.of("interpreter", "system_site_packages", "requirements"));
        PythonConfig python = new PythonConfig(
                ctx.string(py.get("interpreter"), "python3", v -> v.isBlank() ? "must not be empty" : null),
                ctx.bool(py.get("system_site_packages"), false),
                ctx.stringList(py.get("requirements"), List.of("requirements.txt"), ConfigLoader::checkRelativePath));

        Layers dj = l.section(ctx, "django", Set.of("manage", "settings", "env_file", "check_deploy", "collectstatic", "migrate"));
        DjangoConfig django = new DjangoConfig(
                ctx.string(dj.get("manage"), "manage.py", ConfigLoader::checkRelativePath),
                ctx.string(dj.get("settings"), null, v -> v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*") ? null
                        : "must be a Python module path such as mysite.settings"),
                ctx.string(dj.get("env_file"), null, ConfigLoader::checkAbsolutePath),
                ctx.bool(dj.get("check_deploy"), true),
                ctx.bool(dj.get("collectstatic"), true),
                ctx.bool(dj.get("migrate"), true));

        Layers sh = l.section(ctx, "shared", Set.of("dirs", "files"));
        SharedConfig shared = new SharedConfig(
                ctx.stringList(sh.get("dirs"), List.of(), ConfigLoader::checkRelativePath),
                ctx.stringList(sh.get("files"), List.of(), ConfigLoader::checkRelativePath));

        WebConfig webConfig = web(ctx, l);

        HealthConfig health = null;
        if (l.get("health") != null) {
            Layers h = l.section(ctx, "health", Set.of("url", "status", "timeout", "retries", "interval", "release", "header"));
            String url = ctx.string(h.get("url"), null, ConfigLoader::checkUrl);
            if (h.get("url") == null) ctx.error(l.get("health").node, l.get("health").path + ".url", "is required: the URL that proves the release serves");
            health = new HealthConfig(url,
                    ctx.integer(h.get("status"), 200, 100, 599),
                    ctx.duration(h.get("timeout"), Duration.ofSeconds(5)),
                    ctx.integer(h.get("retries"), 30, 1, 10_000),
                    ctx.duration(h.get("interval"), Duration.ofSeconds(1)),
                    ctx.enumValue(h.get("release"), HealthConfig.ReleaseCheck.HEADER, HealthConfig.ReleaseCheck.class),
                    ctx.string(h.get("header"), "X-Release", v -> v.matches("[A-Za-z0-9-]+") ? null : "must be an HTTP header name"));
        }
        SshConfig ssh = SshConfig.DEFAULTS;
        if (l.get("ssh") != null) {
            Layers s = l.section(ctx, "ssh", Set.of("user", "port", "identity_file", "known_hosts", "connect_timeout", "keepalive"));
            ssh = new SshConfig(
                    ctx.string(s.get("user"), null, ConfigLoader::checkUser),
                    s.get("port") == null ? null : ctx.integer(s.get("port"), 22, 1, 65535),
                    ctx.string(s.get("identity_file"), null, ConfigLoader::checkLocalPath),
                    ctx.string(s.get("known_hosts"), null, ConfigLoader::checkLocalPath),
                    ctx.duration(s.get("connect_timeout"), SshConfig.DEFAULTS.connectTimeout()),
                    ctx.duration(s.get("keepalive"), SshConfig.DEFAULTS.keepalive()));
        }

        SwitchConfig switching = SwitchConfig.ALL_AT_ONCE;
        if (l.get("switch") != null) {
            Layers sw = l.section(ctx, "switch", Set.of("batch_size", "pause"));
            Located bs = sw.get("batch_size");
            int size = 100;
            boolean percent = true;
            if (bs != null) {
                String v = ctx.string(bs, "100%", x -> x.matches("[1-9][0-9]{0,5}%?") && (!x.endsWith("%")
                        || Integer.parseInt(x.substring(0, x.length() - 1)) <= 100) ? null
                        : "must be a number of hosts (e.g. 2) or a percentage of the web hosts from 1% to 100% (e.g. 25%), got '" + x + "'");
                percent = v.endsWith("%");
                size = Integer.parseInt(percent ? v.substring(0, v.length() - 1) : v);
            }
            Duration pause = sw.get("pause") == null ? Duration.ZERO : ctx.duration(sw.get("pause"), Duration.ZERO);
            switching = new SwitchConfig(size, percent, pause);
        }

        WorkersConfig workers = WorkersConfig.NONE;
        if (l.get("workers") != null) {
            Layers w = l.section(ctx, "workers", Set.of("restart", "beat_restart"));
            workers = new WorkersConfig(ctx.string(w.get("restart"), null, ConfigLoader::checkCommand),
                    ctx.string(w.get("beat_restart"), null, ConfigLoader::checkCommand));
        }
        MigrationsConfig migrations = MigrationsConfig.DEFAULTS;
        if (l.get("migrations") != null) {
            Layers m = l.section(ctx, "migrations", Set.of("policy", "backup", "lock_timeout", "statement_timeout"));
            MigrationsConfig.Backup backup = null;
            Located b = m.get("backup");
            if (b != null) {
                Layers bl = m.section(ctx, "backup", Set.of("preset", "command"));
                String preset = ctx.string(bl.get("preset"), null, v -> v.equals("postgresql") || v.equals("sqlite") ? null
                        : "must be postgresql or sqlite (or use command: for your own)");
                String command = ctx.string(bl.get("command"), null, ConfigLoader::checkCommand);
                if (bl.get("preset") != null && bl.get("command") != null) {
                    ctx.error(b.node, b.path, "sets both preset and command: keep one (a preset, or your own command)");
                } else if (bl.get("preset") == null && bl.get("command") == null) {
                    ctx.error(b.node, b.path, "needs exactly one of preset (postgresql, sqlite) or command");
                }
                backup = new MigrationsConfig.Backup(preset, command);
            }
            migrations = new MigrationsConfig(
                    ctx.enumValue(m.get("policy"), MigrationsConfig.Policy.GATE, MigrationsConfig.Policy.class),
                    backup,
                    m.get("lock_timeout") == null ? null : ctx.duration(m.get("lock_timeout"), null),
                    m.get("statement_timeout") == null ? null : ctx.duration(m.get("statement_timeout"), null));
        }
        boolean autoRollback = SafetyConfig.DEFAULTS.autoRollback();
        if (l.get("rollback") != null) {
            Layers rb = l.section(ctx, "rollback", Set.of("auto"));
            autoRollback = ctx.bool(rb.get("auto"), autoRollback);
        }
        Duration staleAfter = SafetyConfig.DEFAULTS.staleLockAfter();
        if (l.get("lock") != null) {
            Layers lk = l.section(ctx, "lock", Set.of("stale_after"));
            staleAfter = ctx.duration(lk.get("stale_after"), staleAfter);
        }
        return new EnvironmentConfig(name, app, repo, ref, deployTo, hosts, keep, python, django, shared, webConfig, health,
                ssh, switching, workers, migrations, new SafetyConfig(autoRollback, staleAfter), checks(ctx, l), verify(ctx, l),
                notify(ctx, l), List.copyOf(ctx.secrets));
    }

    /** The web section: strategy, its commands (given, or implied by the manager), nginx. */
    private WebConfig web(Ctx ctx, Layers l) {
        Layers web = l.section(ctx, "web", Set.of("strategy", "manager", "reload", "start", "stop", "log", "socket_dir", "ports",
                "upstream_file", "drain", "standby", "boot_timeout", "nginx"));
        WebConfig.NginxConfig nginx = null;
        if (web.get("nginx") != null) {
            Layers ng = web.section(ctx, "nginx", Set.of("test", "reload"));
            nginx = new WebConfig.NginxConfig(
                    ctx.string(ng.get("test"), "nginx -t", ConfigLoader::checkCommand),
                    ctx.string(ng.get("reload"), "nginx -s reload", ConfigLoader::checkCommand));
        }
        WebConfig.Strategy strategy = ctx.enumValue(web.get("strategy"), WebConfig.Strategy.RESTART, WebConfig.Strategy.class);
        WebConfig.Manager manager = ctx.enumValue(web.get("manager"), null, WebConfig.Manager.class);
        String reload = ctx.string(web.get("reload"), null, ConfigLoader::checkCommand);
        String start = ctx.string(web.get("start"), null, ConfigLoader::checkColorCommand);
        String stop = ctx.string(web.get("stop"), null, ConfigLoader::checkColorCommand);
        String log = ctx.string(web.get("log"), null, ConfigLoader::checkColorCommand);
        String socketDir = ctx.string(web.get("socket_dir"), null, ConfigLoader::checkAbsolutePath);
        String upstreamFile = ctx.string(web.get("upstream_file"), null, ConfigLoader::checkAbsolutePath);
        WebConfig.Ports ports = null;
        if (web.get("ports") != null) {
            Layers p = web.section(ctx, "ports", Set.of("blue", "green"));
            for (String c : WebConfig.COLORS) {
                if (p.get(c) == null) ctx.error(web.get("ports").node, web.get("ports").path + "." + c, "is required: the TCP port of the " + c + " instance");
            }
            ports = new WebConfig.Ports(ctx.integer(p.get("blue"), 0, 1, 65535), ctx.integer(p.get("green"), 0, 1, 65535));
            if (ports.blue() == ports.green() && ports.blue() != 0) {
                ctx.error(p.get("green").node, p.get("green").path, "must differ from web.ports.blue (each color has its own port)");
            }
        }
        Duration drain = ctx.duration(web.get("drain"), WebConfig.DEFAULT_DRAIN);
        Duration bootTimeout = ctx.duration(web.get("boot_timeout"), WebConfig.DEFAULT_BOOT_TIMEOUT);
        Duration standby = strategy == WebConfig.Strategy.BLUE_GREEN ? WebConfig.DEFAULT_STANDBY : Duration.ZERO;
        if (web.get("standby") != null) {
            standby = web.get("standby").node instanceof ScalarNode sn && ("0".equals(sn.getValue()) || "off".equals(sn.getValue()))
                    ? Duration.ZERO : ctx.duration(web.get("standby"), standby);
        }

        Located webNode = l.get("web");
        String wp = webNode == null ? "web" : webNode.path;
        if (strategy == WebConfig.Strategy.BLUE_GREEN) {
            if (reload != null) ctx.error(web.get("reload").node, web.get("reload").path,
                    "is not used with strategy blue-green (colors are started and stopped with web.start and web.stop)");
            if (manager != null) {
                if (start == null) start = manager.start();
                if (stop == null) stop = manager.stop();
                if (log == null) log = manager.log();
            }
            if (l.get("health") == null) ctx.error(web.get("strategy").node, "health.url",
                    "is required with web.strategy blue-green: the new color is checked on its own socket at this URL's path before it gets traffic");
            if (start == null) ctx.error(webNode.node, wp + ".start", "is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl start {app}-web@{color}");
            if (stop == null) ctx.error(webNode.node, wp + ".stop", "is required with strategy blue-green (or set web.manager: systemd or supervisor), e.g. systemctl stop {app}-web@{color}");
            if (ports != null && upstreamFile == null) ctx.error(web.get("ports").node, wp + ".upstream_file",
                    "is required with web.ports: blue-green over TCP rewrites this nginx upstream include and reloads nginx");
            if (ports != null && nginx == null) ctx.error(web.get("ports").node, wp + ".nginx",
                    "is required with web.ports: the upstream include takes effect by nginx -t and a reload");
            if (ports == null && upstreamFile != null) ctx.error(web.get("upstream_file").node, web.get("upstream_file").path,
                    "is only used with web.ports (blue-green over TCP); over Unix sockets nginx follows the web.sock link");
        } else {
            for (String k : List.of("start", "stop", "log", "socket_dir", "ports", "upstream_file", "standby")) {
                if (web.get(k) != null) ctx.error(web.get(k).node, web.get(k).path, "is only used with web.strategy: blue-green");
            }
            if (reload == null && manager != null) reload = strategy == WebConfig.Strategy.RELOAD ? manager.hup() : manager.restart();
            if (strategy == WebConfig.Strategy.RELOAD && reload == null) ctx.error(webNode.node, wp + ".reload",
                    "is required with strategy reload (the command that sends gunicorn HUP, e.g. systemctl reload {app}-web), or set web.manager");
        }
        return new WebConfig(strategy, reload, start, stop, log, socketDir, ports, upstreamFile, drain, standby, bootTimeout, nginx);
    }

    /** A command template for one color; it must name the color somewhere. */
    static String checkColorCommand(String v) {
        String e = checkCommand(v);
        if (e != null) return e;
        return v.contains("{color}") ? null : "must contain {color} (blue or green), e.g. systemctl start {app}-web@{color}";
    }

    private List<NotifyConfig> notify(Ctx ctx, Layers l) {
        Located n = l.get("notify");
        if (n == null) return List.of();
        if (!(n.node instanceof SequenceNode seq)) {
            ctx.error(n.node, n.path, "expected a list of {url, format, events, timeout, retries}, got " + kind(n.node));
            return List.of();
        }
        List<NotifyConfig> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = n.path + "[" + i + "]";
            MappingNode m = ctx.mapping(seq.getValue().get(i), p);
            if (m == null) continue;
            Map<String, Located> e = ctx.entries(m, p, Set.of("url", "format", "events", "timeout", "retries"));
            if (!e.containsKey("url")) ctx.error(m, p + ".url", "is required");
            out.add(new NotifyConfig(ctx.string(e.get("url"), null, ConfigLoader::checkUrl),
                    ctx.enumValue(e.get("format"), NotifyConfig.Format.JSON, NotifyConfig.Format.class),
                    ctx.stringList(e.get("events"), NotifyConfig.EVENTS, v -> NotifyConfig.EVENTS.contains(v) ? null
                            : "'" + v + "' is not an event (" + String.join(", ", NotifyConfig.EVENTS) + ")"),
                    ctx.duration(e.get("timeout"), java.time.Duration.ofSeconds(5)),
                    ctx.integer(e.get("retries"), 3, 0, 10)));
        }
        return List.copyOf(out);
    }

    private VerifyConfig verify(Ctx ctx, Layers l) {
        if (l.get("verify") == null) return VerifyConfig.NONE;
        Layers v = l.section(ctx, "verify", Set.of("urls", "status", "logs"));
        List<VerifyConfig.Url> urls = new ArrayList<>();
        Located list = v.get("urls");
        if (list != null) {
            if (!(list.node instanceof SequenceNode seq)) {
                ctx.error(list.node, list.path, "expected a list of {url, status, text}, got " + kind(list.node));
            } else {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String p = list.path + "[" + i + "]";
                    MappingNode m = ctx.mapping(seq.getValue().get(i), p);
                    if (m == null) continue;
                    Map<String, Located> e = ctx.entries(m, p, Set.of("url", "status", "text"));
                    if (!e.containsKey("url")) ctx.error(m, p + ".url", "is required");
                    urls.add(new VerifyConfig.Url(ctx.string(e.get("url"), null, ConfigLoader::checkUrl),
                            ctx.integer(e.get("status"), 200, 100, 599), ctx.string(e.get("text"), null, null)));
                }
            }
        }
        return new VerifyConfig(List.copyOf(urls), ctx.string(v.get("status"), null, ConfigLoader::checkCommand),
                ctx.string(v.get("logs"), null, ConfigLoader::checkCommand));
    }

    private ChecksConfig checks(Ctx ctx, Layers l) {
        ChecksConfig d = ChecksConfig.DEFAULTS;
        if (l.get("checks") == null) return d;
        Layers c = l.section(ctx, "checks", Set.of("required_env", "fail_on_warnings", "public_url", "nginx_site",
                "min_free_mb", "min_free_inodes", "max_clock_skew", "env_file_owner"));
        return new ChecksConfig(
                ctx.stringList(c.get("required_env"), d.requiredEnv(), v -> v.matches("[A-Za-z_][A-Za-z0-9_]*") ? null
                        : "'" + v + "' is not an environment variable name"),
                ctx.stringList(c.get("fail_on_warnings"), d.failOnWarnings(), v -> v.matches("[a-z_.]+\\.[WE]\\d{3}") ? null
                        : "'" + v + "' is not a Django check id (e.g. security.W018)"),
                ctx.string(c.get("public_url"), null, ConfigLoader::checkUrl),
                ctx.string(c.get("nginx_site"), null, ConfigLoader::checkAbsolutePath),
                ctx.integer(c.get("min_free_mb"), d.minFreeMb(), 0, 10_000_000),
                ctx.integer(c.get("min_free_inodes"), d.minFreeInodes(), 0, 1_000_000_000),
                ctx.duration(c.get("max_clock_skew"), d.maxClockSkew()),
                ctx.string(c.get("env_file_owner"), d.envFileOwner(), v -> USER.matcher(v).matches() ? null : "'" + v + "' is not a user name"));
    }

    private List<HostConfig> hosts(Ctx ctx, Located hostsNode, String envPath, MappingNode envNode) {
        String path = envPath + ".hosts";
        if (hostsNode == null) {
            ctx.error(envNode, path, "is required: a list of hosts, e.g. [{host: web1.example.com, roles: [web, migrate]}]");
            return List.of();
        }
        if (!(hostsNode.node instanceof SequenceNode seq)) {
            ctx.error(hostsNode.node, path, "expected a list of hosts, got " + kind(hostsNode.node));
            return List.of();
        }
        if (seq.getValue().isEmpty()) {
            ctx.error(seq, path, "must list at least one host");
            return List.of();
        }
        List<HostConfig> hosts = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, String> written = new LinkedHashMap<>();
        boolean single = seq.getValue().size() == 1;
        int migrate = 0;
        int beat = 0;
        int errorsBefore = ctx.errors.size();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            String hp = path + "[" + i + "]";
            MappingNode m = ctx.mapping(n, hp);
            if (m == null) continue;
            Map<String, Located> e = ctx.entries(m, hp, Set.of("host", "roles", "transport", "user", "port"));
            String host = ctx.requiredString(e, "host", hp, v -> HOSTNAME.matcher(v).matches() ? null
                    : "'" + v + "' is not a valid host name or address (letters, digits, '.' and '-', starting with a letter or digit; or [IPv6])");
            if (!e.containsKey("host")) ctx.error(m, hp + ".host", "is required");
            String transport = ctx.string(e.get("transport"), "ssh", v -> v.equals("ssh") || v.equals("local") ? null
                    : "must be ssh or local, got '" + v + "'");
            String user = ctx.string(e.get("user"), null, ConfigLoader::checkUser);
            Integer port = e.containsKey("port") ? ctx.integer(e.get("port"), 22, 1, 65535) : null;
            List<String> roles;
            if (e.containsKey("roles")) {
                roles = ctx.stringList(e.get("roles"), List.of(), v -> ROLE.matcher(v).matches() ? null
                        : "'" + v + "' is not a valid role name (lower-case letters, digits, - and _, starting with a letter)");
                if (roles.isEmpty() && e.get("roles").node instanceof SequenceNode) ctx.error(e.get("roles").node, hp + ".roles", "must name at least one role");
                if (new LinkedHashSet<>(roles).size() != roles.size()) ctx.error(e.get("roles").node, hp + ".roles", "lists a role twice");
            } else if (single) {
                roles = List.of(HostConfig.WEB, HostConfig.MIGRATE);
            } else {
                ctx.error(m, hp + ".roles", "is required when an environment has several hosts (e.g. [web, migrate])");
                roles = List.of();
            }
            if (roles.contains(HostConfig.MIGRATE)) migrate++;
            if (roles.contains(HostConfig.BEAT)) beat++;
            if (host != null) {
                // DNS names ignore case: Web1 and web1 are one machine, and two runs on it would race for one lock
                String id = host.toLowerCase(Locale.ROOT) + ":" + (port == null ? 22 : port);
                Integer prev = seen.putIfAbsent(id, i);
                String prevHost = written.putIfAbsent(id, host);
                if (prev != null) ctx.error(n, hp + ".host", "duplicate host " + host + " (also " + path + "[" + prev + "]"
                        + (host.equals(prevHost) ? "" : ", written " + prevHost + "; host names ignore case") + ")");
            }
            hosts.add(new HostConfig(host, transport, user, port, List.copyOf(roles)));
        }
        if (ctx.errors.size() == errorsBefore) {
            if (migrate == 0) ctx.error(seq, path, "no host has the role migrate: exactly one host must run migrations");
            if (migrate > 1) ctx.error(seq, path, migrate + " hosts have the role migrate: exactly one host may run migrations");
            if (beat > 1) ctx.error(seq, path, beat + " hosts have the role beat: Celery beat may run on one host only");
        }
        return List.copyOf(hosts);
    }

    // ---- value checks (return an error message or null) ----

    static String checkAbsolutePath(String v) {
        if (!v.startsWith("/")) return "must be an absolute path";
        return checkPathChars(v);
    }

    /**
     * Directories a deploy must never own: cleanup, the repo mirror and the lock live right under
     * deploy_to, so deploy_to: /usr would put djdeploy's rm -rf and mv -T among the system's files.
     */
    static final Set<String> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
            "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
            "/usr/bin", "/usr/include", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/local", "/usr/sbin", "/usr/share", "/usr/src",
            "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin", "/usr/local/share",
            "/var/backups", "/var/cache", "/var/lib", "/var/local", "/var/lock", "/var/log", "/var/mail", "/var/opt", "/var/run",
            "/var/spool", "/var/tmp", "/var/www");

    static String checkDeployTo(String v) {
        String problem = checkAbsolutePath(v);
        if (problem != null) return problem;
        String normal = java.nio.file.Path.of(v).normalize().toString();
        if (SYSTEM_DIRS.contains(normal)) {
            return "'" + v + "' is " + (normal.equals("/") ? "the root directory" : "the system directory " + normal)
                    + ": deploy into a directory of its own, e.g. /srv/<app>";
        }
        return null;
    }

    static String checkRelativePath(String v) {
        if (v.isEmpty()) return "must not be empty";
        if (v.startsWith("/")) return "must be relative to the release directory";
        return checkPathChars(v);
    }

    private static String checkPathChars(String v) {
        for (char c : v.toCharArray()) {
            if (c < 0x20 || c == 0x7f) return "must not contain control characters";
        }
        for (String part : v.split("/")) {
            if (part.equals("..")) return "must not contain '..'";
        }
        return null;
    }

    static String checkUser(String v) {
        return USER.matcher(v).matches() ? null
                : "'" + v + "' is not a valid user name (lower-case letters, digits, '_', '.' and '-', at most 32 characters)";
    }

    static String checkCommand(String v) {
        if (v.isBlank()) return "must not be empty";
        if (v.contains("\n")) return "must be one line (chain commands with &&)";
        return null;
    }

    /** A path on the machine running djdeploy: absolute, or ~/ for the home directory. */
    static String checkLocalPath(String v) {
        if (!v.startsWith("/") && !v.startsWith("~/")) return "must be an absolute path or start with ~/";
        return checkPathChars(v);
    }

    static String checkUrl(String v) {
        try {
            // {host} is replaced by each host's address when the check runs
            URI u = new URI(v.replace("{host}", "host.invalid"));
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) return "must be an http:// or https:// URL";
            if (u.getHost() == null) return "must name a host, e.g. http://127.0.0.1:8000/healthz/";
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) return "a mapping";
        if (n instanceof SequenceNode) return "a list";
        if (n instanceof ScalarNode s) {
            Tag t = s.getTag();
            if (t.equals(Tag.NULL)) return "nothing";
            if (t.equals(Tag.INT)) return "a number";
            if (t.equals(Tag.FLOAT)) return "a number";
            if (t.equals(Tag.BOOL)) return "a boolean";
            if (t.equals(Tag.ENV_TAG)) return "a ${VAR} reference (only text values are interpolated)";
            if (t.equals(Tag.STR)) return "a string";
            return "a value tagged " + t.getValue();
        }
        return "something else";
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> s = new LinkedHashSet<>();
        for (Set<String> x : sets) s.addAll(x);
        return Set.copyOf(s);
    }

    /** A value node and the key path it was found at. */
    record Located(Node node, String path, int keyLine) {
        Located(Node node, String path) {
            this(node, path, 0);
        }
    }

    private record Read(Node node, String path) {}

    /** The same section at several levels (environment first, then top level). */
    private static final class Layers {
        final List<Map<String, Located>> levels;

        Layers(List<Map<String, Located>> levels) {
            this.levels = levels;
        }

        Located get(String key) {
            for (Map<String, Located> m : levels) {
                Located l = m.get(key);
                if (l != null) return l;
            }
            return null;
        }

        Layers section(Ctx ctx, String key, Set<String> allowed) {
            List<Map<String, Located>> sub = new ArrayList<>();
            for (Map<String, Located> m : levels) {
                Located l = m.get(key);
                if (l == null) continue;
                MappingNode mn = ctx.mapping(l.node, l.path);
                if (mn != null) sub.add(ctx.entriesOnce(mn, l.path, allowed));
            }
            return new Layers(sub);
        }
    }

    /** Error collection and typed reads. */
    private final class Ctx {
        final String file;
        final List<ConfigError> errors = new ArrayList<>();
        /** Top-level sections are read once per environment: report their problems once. */
        private final Set<String> reported = new LinkedHashSet<>();
        /** By node AND path: an anchor reused as another section must be checked against that section's keys too. */
        private final Map<Read, Map<String, Located>> entryCache = new LinkedHashMap<>();

        Ctx(String file) {
            this.file = file;
        }

        void error(Node n, String path, String message) {
            int line = n == null ? 0 : n.getStartMark().map(Mark::getLine).orElse(-1) + 1;
            ConfigError e = new ConfigError(file, line, path, message);
            if (reported.add(e.toString())) errors.add(e);
        }

        MappingNode mapping(Node n, String path) {
            if (n instanceof MappingNode m) return m;
            error(n, path, "expected a mapping (key: value lines), got " + kind(n));
            return null;
        }

        String keyName(NodeTuple t) {
            if (t.getKeyNode() instanceof ScalarNode s) return s.getValue();
            error(t.getKeyNode(), "", "keys must be plain strings");
            return null;
        }

        Map<String, Located> entriesOnce(MappingNode m, String path, Set<String> allowed) {
            Read key = new Read(m, path);
            Map<String, Located> cached = entryCache.get(key);
            if (cached != null) return cached;
            Map<String, Located> e = entries(m, path, allowed);
            entryCache.put(key, e);
            return e;
        }

        Map<String, Located> entries(MappingNode m, String path, Set<String> allowed) {
            Map<String, Located> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = keyName(t);
                if (k == null) continue;
                String kp = path.isEmpty() ? k : path + "." + k;
                if (!allowed.contains(k)) {
                    error(t.getKeyNode(), kp, "unknown key" + suggestion(k, allowed));
                    continue;
                }
                if (out.containsKey(k)) {
                    error(t.getKeyNode(), kp, "duplicate key (first set at line " + out.get(k).keyLine + ")");
                    continue;
                }
                out.put(k, new Located(t.getValueNode(), kp, t.getKeyNode().getStartMark().map(mk -> mk.getLine() + 1).orElse(0)));
            }
            return out;
        }

        private String suggestion(String k, Set<String> allowed) {
            String best = null;
            int bestD = Integer.MAX_VALUE;
            for (String a : allowed) {
                int d = distance(k, a);
                if (d < bestD) {
                    bestD = d;
                    best = a;
                }
            }
            if (best != null && bestD <= Math.max(2, k.length() / 3)) return " (did you mean " + best + "?)";
            return " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")";
        }

        /** Values written as {value: ..., secret: true}: never shown in output, events or the ledger. */
        final List<String> secrets = new ArrayList<>();

        /** The scalar as a string with ${VAR} interpolated, or null (error recorded). */
        String scalar(Located l) {
            if (l.node instanceof MappingNode m && isSecretForm(m)) return secretValue(m, l.path);
            if (!(l.node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                error(l.node, l.path, "expected a value, got " + kind(l.node));
                return null;
            }
            return interpolate(s, l.path);
        }

        private boolean isSecretForm(MappingNode m) {
            return m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("secret"));
        }

        /** {value: TEXT, secret: true|false}: any text setting may be written so. */
        private String secretValue(MappingNode m, String path) {
            Map<String, Located> e = entries(m, path, Set.of("value", "secret"));
            if (!e.containsKey("value")) {
                error(m, path, "expected a value, got a mapping (a secret is written as {value: ..., secret: true})");
                return null;
            }
            Located v = e.get("value");
            if (!(v.node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                error(v.node, v.path, "expected a value, got " + kind(v.node));
                return null;
            }
            String value = interpolate(s, v.path);
            if (value != null && bool(e.get("secret"), false)) secrets.add(value);
            return value;
        }

        private String interpolate(ScalarNode s, String path) {
            String v = s.getValue();
            if (v.indexOf('$') < 0) return v;
            Matcher m = VAR.matcher(v);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String rep;
                if (m.group().equals("$$")) {
                    rep = "$";
                } else {
                    String val = env.get(m.group(1));
                    if (val == null || (val.isEmpty() && m.group(2) != null)) val = m.group(2);
                    if (val == null) {
                        error(s, path, "environment variable " + m.group(1) + " is not set (use ${" + m.group(1) + ":-default} for a default)");
                        return null;
                    }
                    rep = val;
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(rep));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        String requiredString(Map<String, Located> m, String key, String path, Function<String, String> check) {
            Located l = m.get(key);
            if (l == null) return null; // the caller reports it where the key belongs
            return string(l, null, check);
        }

        String string(Located l, String dflt, Function<String, String> check) {
            if (l == null) return dflt;
            if (l.node instanceof MappingNode m && isSecretForm(m)) {
                String v = secretValue(m, l.path);
                String problem = v == null || check == null ? null : check.apply(v);
                if (problem != null) {
                    error(l.node, l.path, problem);
                    return dflt;
                }
                return v == null ? dflt : v;
            }
            if (!(l.node instanceof ScalarNode)) {
                error(l.node, l.path, "expected a string, got " + kind(l.node));
                return dflt;
            }
            // a plain scalar that is exactly ${VAR} is tagged ENV_TAG by snakeyaml-engine: still a string here
            if (l.node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) && !s.getTag().equals(Tag.STR)
                    && !s.getTag().equals(Tag.ENV_TAG) && !s.getTag().equals(Tag.INT) && !s.getTag().equals(Tag.FLOAT)) {
                error(l.node, l.path, "expected a string, got " + kind(l.node));
                return dflt;
            }
            String v = scalar(l);
            if (v == null) return dflt;
            String problem = check == null ? null : check.apply(v);
            if (problem != null) {
                error(l.node, l.path, problem);
                return dflt;
            }
            return v;
        }

        boolean bool(Located l, boolean dflt) {
            if (l == null) return dflt;
            if (l.node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
            if (l.node instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                    && s.getValue().toLowerCase(Locale.ROOT).matches("yes|no|on|off|y|n|true|false")) {
                error(l.node, l.path, "expected true or false, got the string '" + s.getValue() + "' (write true or false, unquoted)");
                return dflt;
            }
            error(l.node, l.path, "expected true or false, got " + kind(l.node));
            return dflt;
        }

        int integer(Located l, int dflt, int min, int max) {
            if (l == null) return dflt;
            if (l.node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
                try {
                    int v = Integer.parseInt(s.getValue());
                    if (v < min || v > max) {
                        error(l.node, l.path, "must be between " + min + " and " + max + ", got " + v);
                        return dflt;
                    }
                    return v;
                } catch (NumberFormatException e) {
                    error(l.node, l.path, "must be between " + min + " and " + max + ", got " + s.getValue());
                    return dflt;
                }
            }
            if (l.node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && s.getValue().matches("-?[0-9]+")) {
                error(l.node, l.path, "expected a whole number, got the string '" + s.getValue() + "' (write numbers without quotes)");
                return dflt;
            }
            error(l.node, l.path, "expected a whole number, got " + kind(l.node));
            return dflt;
        }

        Duration duration(Located l, Duration dflt) {
            if (l == null) return dflt;
            String v = l.node instanceof ScalarNode ? scalar(l) : null;
            if (v == null) {
                if (!(l.node instanceof ScalarNode)) error(l.node, l.path, "expected a duration such as 5s, 500ms or 2m, got " + kind(l.node));
                return dflt;
            }
            Matcher m = DURATION.matcher(v.trim());
            if (!m.matches()) {
                error(l.node, l.path, "expected a duration such as 5s, 500ms or 2m, got '" + v + "'");
                return dflt;
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d;
            try {
                long n = Long.parseLong(m.group(1));
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                d = null; // more digits than a long holds: too long by any measure
            }
            if (d != null && d.isZero()) {
                error(l.node, l.path, "must be more than zero");
                return dflt;
            }
            // a cap keeps timeout x retries arithmetic far from overflow
            if (d == null || d.compareTo(MAX_DURATION) > 0) {
                error(l.node, l.path, "must be at most 24h, got '" + v + "'");
                return dflt;
            }
            return d;
        }

        <E extends Enum<E>> E enumValue(Located l, E dflt, Class<E> type) {
            if (l == null) return dflt;
            String v = scalar(l);
            if (v == null) return dflt;
            for (E e : type.getEnumConstants()) {
                if (e.name().replace('_', '-').equalsIgnoreCase(v)) return e;
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            error(l.node, l.path, "must be one of " + String.join(", ", names) + ", got '" + v + "'");
            return dflt;
        }

        List<String> stringList(Located l, List<String> dflt, Function<String, String> check) {
            if (l == null) return dflt;
            if (!(l.node instanceof SequenceNode seq)) {
                error(l.node, l.path, "expected a list, got " + kind(l.node));
                return dflt;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                String v = string(new Located(seq.getValue().get(i), l.path + "[" + i + "]"), null, check);
                if (v != null) out.add(v);
            }
            return List.copyOf(out);
        }
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
