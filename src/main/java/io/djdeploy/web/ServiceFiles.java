package io.djdeploy.web;

import io.djdeploy.config.WebConfig;
import io.djdeploy.remote.Shell;
import io.djdeploy.template.TextTemplates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The service files `djdeploy init` writes: systemd units, a supervisor conf and the nginx
 * site, rendered from the templates {@code systemd/*}, {@code supervisor/programs.conf} and
 * {@code nginx/*} (docs/templates.md) with the values of a {@link Spec} or {@link Site}.
 * Nothing here touches a host. The names the runtime relies on come from {@link BlueGreenNames}.
 *
 * <p>Who may reach the sockets: gunicorn binds a Unix socket under its own {@code --umask}
 * (default 0, see gunicorn/sock.py {@code UnixSocket.bind}), so the socket itself is 0777 and
 * the process UMask= does not change that. Access is decided by the directory: {@code /run/<app>}
 * is 0750 {@code <app>:<app>}, and nginx's user (www-data) reaches it by being in group
 * {@code <app>} ({@code usermod -aG <app> www-data}). UMask=0027 keeps what the app writes
 * (e.g. uploaded media) readable by that group and by nobody else.
 */
public final class ServiceFiles {
    private ServiceFiles() {}

    /** Values written unquoted into units, supervisor and nginx files: keep them to safe characters. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /** gunicorn waits graceful_timeout (30 s by default) for workers on TERM; stop later than that. */
    static final int STOP_TIMEOUT_SECONDS = 40;
    /** gunicorn.conf.py's timeout and graceful_timeout (gunicorn's defaults). */
    static final int GUNICORN_TIMEOUT_SECONDS = 30;
    static final int GRACEFUL_TIMEOUT_SECONDS = 30;
    /** nginx's proxy_read_timeout: a little over gunicorn's, so that gunicorn's fires first and logs the request. */
    static final int PROXY_READ_TIMEOUT_SECONDS = GUNICORN_TIMEOUT_SECONDS + 5;

    /**
     * @param app            service and path name ({@code <app>-web}, {@code /run/<app>})
     * @param deployTo       the release root on the host
     * @param user           the user the app runs as (not the SSH deploy user)
     * @param group          its group; nginx's user joins it to reach the sockets
     * @param envFile        KEY=value file with the app's secrets
     * @param settingsModule DJANGO_SETTINGS_MODULE
     * @param wsgiApp        gunicorn's app spec, e.g. {@code shop.wsgi:application}
     * @param workers        gunicorn workers per instance
     * @param celeryApp      {@code celery -A} value, or null without Celery
     */
    public record Spec(String app, String deployTo, String user, String group, String envFile, String settingsModule,
                       String wsgiApp, int workers, String celeryApp) {
        public Spec {
            require(NAME.matcher(app).matches(), "app", app);
            require(SAFE_PATH.matcher(deployTo).matches() && !deployTo.equals("/"), "deploy_to", deployTo);
            require(NAME.matcher(user).matches(), "user", user);
            require(NAME.matcher(group).matches(), "group", group);
            require(SAFE_PATH.matcher(envFile).matches(), "env file", envFile);
            require(MODULE.matcher(settingsModule).matches(), "settings module", settingsModule);
            require(wsgiApp.matches("[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_]*)?"), "WSGI app", wsgiApp);
            require(workers >= 1 && workers <= 64, "workers", String.valueOf(workers));
            require(celeryApp == null || MODULE.matcher(celeryApp).matches(), "celery app", celeryApp);
            deployTo = deployTo.endsWith("/") ? deployTo.substring(0, deployTo.length() - 1) : deployTo;
        }

        public boolean celery() {
            return celeryApp != null;
        }
    }

    private static void require(boolean ok, String what, String value) {
        if (!ok) throw new IllegalArgumentException("unsafe " + what + " for a service file: '" + value + "'");
    }

    private static String socketDir(Spec s) {
        return BlueGreenNames.defaultSocketDir(s.app());
    }

    /** The values every service template may use (docs/templates.md). */
    static Map<String, Object> values(Spec s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("app", s.app());
        v.put("deploy_to", s.deployTo());
        v.put("user", s.user());
        v.put("group", s.group());
        v.put("env_file", s.envFile());
        v.put("settings", s.settingsModule());
        v.put("wsgi_app", s.wsgiApp());
        v.put("workers", String.valueOf(s.workers()));
        v.put("celery", s.celery());
        v.put("celery_app", s.celery() ? s.celeryApp() : "");
        // systemd's RuntimeDirectory= is relative to /run: the default socket dir /run/<app>
        v.put("runtime_directory", s.app());
        v.put("socket_dir", socketDir(s));
        v.put("live_socket", BlueGreenNames.liveSocket(socketDir(s)));
        v.put("stop_timeout", String.valueOf(STOP_TIMEOUT_SECONDS));
        v.put("gunicorn_conf", gunicornConfPath(s));
        v.put("gunicorn_timeout", String.valueOf(GUNICORN_TIMEOUT_SECONDS));
        v.put("graceful_timeout", String.valueOf(GRACEFUL_TIMEOUT_SECONDS));
        v.put("proxy_read_timeout", String.valueOf(PROXY_READ_TIMEOUT_SECONDS));
        // ProtectHome=yes hides /home: a release root there must stay readable (and shared/ writable)
        v.put("protect_home", s.deployTo().matches("/(home|root|run/user)(/.*)?") ? "read-only" : "yes");
        for (String color : WebConfig.COLORS) {
            v.put(color + "_link", BlueGreenNames.colorLink(s.deployTo(), color));
            v.put(color + "_socket", BlueGreenNames.colorSocket(socketDir(s), color));
            v.put(color + "_program", BlueGreenNames.supervisorProgram(s.app(), color));
        }
        return v;
    }

    /** Where gunicorn.conf.py is installed: next to the env file ({@code /etc/<app>/gunicorn.conf.py}). */
    public static String gunicornConfPath(Spec s) {
        return s.envFile().substring(0, s.envFile().lastIndexOf('/') + 1) + "gunicorn.conf.py";
    }

    /** {@code gunicorn.conf.py}: the tunables every web unit and supervisor program loads with --config. */
    public static String gunicornConf(TextTemplates t, Spec s) {
        return t.render("gunicorn/gunicorn.conf.py", values(s));
    }

    // ------------------------------------------------------------------ systemd

    /** {@code <app>-web@.service}: one gunicorn per color; djdeploy manages the color links. */
    public static String systemdColorTemplate(TextTemplates t, Spec s) {
        return t.render("systemd/web@.service", values(s));
    }

    /** {@code <app>-web.service}: one gunicorn on current, for strategies restart and reload. */
    public static String systemdPlain(TextTemplates t, Spec s) {
        return t.render("systemd/web.service", values(s));
    }

    /** {@code <app>-web.socket}: optional socket activation for the plain unit. */
    public static String systemdSocket(TextTemplates t, Spec s) {
        return t.render("systemd/web.socket", values(s));
    }

    public static String systemdCelery(TextTemplates t, Spec s) {
        requireCelery(s);
        return t.render("systemd/celery.service", values(s));
    }

    public static String systemdBeat(TextTemplates t, Spec s) {
        requireCelery(s);
        return t.render("systemd/beat.service", values(s));
    }

    private static void requireCelery(Spec s) {
        if (!s.celery()) throw new IllegalArgumentException("no Celery app in this spec");
    }

    // ------------------------------------------------------------------ supervisor

    /**
     * A supervisor include with {@code <app>-web} (on current), {@code <app>-web-blue},
     * {@code <app>-web-green} and, with Celery, {@code <app>-celery} and {@code <app>-beat}.
     *
     * @param blueGreen whether the site runs blue-green: then the plain program must not start
     *                  at boot (it would bind web.sock, where the live link belongs)
     */
    public static String supervisor(TextTemplates t, Spec s, boolean blueGreen) {
        Map<String, Object> v = values(s);
        v.put("web_autostart", String.valueOf(!blueGreen));
        String live = BlueGreenNames.liveSocket(socketDir(s));
        v.put("web_command", withEnvFile(s, gunicorn(s, s.deployTo() + "/current", live)));
        for (String color : WebConfig.COLORS) {
            String link = BlueGreenNames.colorLink(s.deployTo(), color);
            v.put(color + "_command", withEnvFile(s, gunicorn(s, link, BlueGreenNames.colorSocket(socketDir(s), color))));
        }
        String python = s.deployTo() + "/current/.venv/bin/python";
        v.put("celery_command", s.celery() ? withEnvFile(s, List.of(python, "-m", "celery", "-A", s.celeryApp(), "worker", "--loglevel", "INFO")) : "");
        v.put("beat_command", s.celery() ? withEnvFile(s, List.of(python, "-m", "celery", "-A", s.celeryApp(), "beat", "--loglevel", "INFO",
                "--schedule", "/var/lib/" + s.app() + "/celerybeat-schedule")) : "");
        return t.render("supervisor/programs.conf", v);
    }

    /** gunicorn on {@code dir} (the current or a color link: --chdir it, see the units) bound to {@code socket}. */
    private static List<String> gunicorn(Spec s, String dir, String socket) {
        return List.of(dir + "/.venv/bin/python", "-m", "gunicorn", "--chdir", dir, "--bind", "unix:" + socket,
                "--config", gunicornConfPath(s), s.wsgiApp());
    }

    /**
     * A supervisor command= that loads the env file itself, as systemd's EnvironmentFile= does:
     * supervisor cannot read one, and the app's settings then need no loader of their own.
     * {@code set -a} exports every assignment the file makes; exec leaves no shell in between,
     * so supervisor's signals reach the program. supervisor splits command= like a POSIX shell
     * (shlex), so the script is one quoted word.
     */
    static String withEnvFile(Spec s, List<String> argv) {
        String script = "set -a; . " + Shell.quote(s.envFile()) + "; set +a; exec " + Shell.join(argv);
        return "/bin/sh -c " + Shell.quote(script);
    }

    // ------------------------------------------------------------------ nginx

    /** {@code <app>-upstream.conf}: the one place that names the socket (http context). */
    public static String nginxUpstream(TextTemplates t, String app) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("app", app);
        v.put("upstream", BlueGreenNames.upstreamName(app));
        v.put("live_socket", BlueGreenNames.liveSocket(BlueGreenNames.defaultSocketDir(app)));
        return t.render("nginx/upstream.conf", v);
    }

    /**
     * @param domain          server_name
     * @param upstreamInclude absolute path where the upstream file is installed
     * @param listen          the listen directive's arguments, e.g. {@code 80}
     * @param staticUrl       location of the static files (e.g. {@code /static/}), or null when served elsewhere (CDN)
     * @param staticDir       STATIC_ROOT on the host
     * @param mediaUrl        location of the media files, or null
     * @param mediaDir        MEDIA_ROOT on the host
     * @param sslHeader       the header SECURE_PROXY_SSL_HEADER reads (e.g. {@code X-Forwarded-Proto}); null: not set in the settings
     * @param sslValue        the value it expects for https (e.g. {@code https})
     */
    public record Site(String app, String domain, String upstreamInclude, String listen, String staticUrl, String staticDir,
                       String mediaUrl, String mediaDir, String sslHeader, String sslValue, String deployTo, String healthPath) {
        /** Without deploy_to: no maintenance page and no archive of old static files. */
        public Site(String app, String domain, String upstreamInclude, String listen, String staticUrl, String staticDir,
                    String mediaUrl, String mediaDir, String sslHeader, String sslValue) {
            this(app, domain, upstreamInclude, listen, staticUrl, staticDir, mediaUrl, mediaDir, sslHeader, sslValue, null, null);
        }

        public Site {
            require(deployTo == null || SAFE_PATH.matcher(deployTo).matches(), "deploy_to", deployTo);
            require(healthPath == null || healthPath.matches("/[A-Za-z0-9._/-]*"), "health path", healthPath);
            require(NAME.matcher(app).matches(), "app", app);
            require(domain.matches("[A-Za-z0-9*][A-Za-z0-9.*-]*"), "domain", domain);
            require(SAFE_PATH.matcher(upstreamInclude).matches(), "upstream include", upstreamInclude);
            require(listen.matches("[A-Za-z0-9.:\\[\\] _]+"), "listen", listen);
            require(staticUrl == null || staticUrl.matches("/[A-Za-z0-9._/-]*/"), "static URL", staticUrl);
            require(staticUrl == null || SAFE_PATH.matcher(staticDir).matches(), "static dir", staticDir);
            require(mediaUrl == null || mediaUrl.matches("/[A-Za-z0-9._/-]*/"), "media URL", mediaUrl);
            require(mediaUrl == null || SAFE_PATH.matcher(mediaDir).matches(), "media dir", mediaDir);
            require(sslHeader == null || sslHeader.matches("[A-Za-z0-9-]+"), "SSL header", sslHeader);
            require(sslValue == null || sslValue.matches("[A-Za-z0-9._-]+"), "SSL header value", sslValue);
        }
    }

    public static String nginxSite(TextTemplates t, Site s) {
        String header = s.sslHeader() == null ? "X-Forwarded-Proto" : s.sslHeader();
        // $scheme is "https" on https requests: a settings value other than that needs a map
        boolean scheme = s.sslValue() == null || s.sslValue().equals("https");
        String mapVar = "$" + BlueGreenNames.upstreamName(s.app()) + "_https";
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("app", s.app());
        v.put("domain", s.domain());
        v.put("upstream_include", s.upstreamInclude());
        v.put("upstream", BlueGreenNames.upstreamName(s.app()));
        v.put("listen", s.listen());
        // a bare port also listens on IPv6; an address:port listens where it says
        v.put("ipv6", s.listen().matches("[0-9]+"));
        v.put("ipv6_listen", "[::]:" + s.listen());
        v.put("gunicorn_timeout", String.valueOf(GUNICORN_TIMEOUT_SECONDS));
        v.put("proxy_read_timeout", String.valueOf(PROXY_READ_TIMEOUT_SECONDS));
        v.put("static", s.staticUrl() != null);
        v.put("static_url", s.staticUrl() == null ? "" : s.staticUrl());
        v.put("static_dir", s.staticUrl() == null ? "" : trimSlash(s.staticDir()));
        v.put("media", s.mediaUrl() != null);
        v.put("media_url", s.mediaUrl() == null ? "" : s.mediaUrl());
        v.put("media_dir", s.mediaUrl() == null ? "" : trimSlash(s.mediaDir()));
        v.put("https_map", !scheme);
        v.put("https_var", mapVar);
        v.put("static_cache_var", "$" + BlueGreenNames.upstreamName(s.app()) + "_static_cache");
        v.put("ssl_header_set", s.sslHeader() != null);
        v.put("ssl_header", header);
        v.put("ssl_value", s.sslValue() == null ? "https" : s.sslValue());
        v.put("ssl_header_value", scheme ? "$scheme" : mapVar);
        v.put("also_forwarded_proto", !header.equalsIgnoreCase("X-Forwarded-Proto"));
        v.put("shared", s.deployTo() != null);
        v.put("shared_dir", s.deployTo() == null ? "" : trimSlash(s.deployTo()) + "/shared");
        v.put("health_path", s.healthPath() == null ? "/healthz/" : s.healthPath());
        return t.render("nginx/site.conf", v);
    }

    private static String trimSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
