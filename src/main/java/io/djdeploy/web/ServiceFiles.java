package io.djdeploy.web;

import io.djdeploy.config.WebConfig;
import io.djdeploy.template.TextTemplates;

import java.util.LinkedHashMap;
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
        for (String color : WebConfig.COLORS) {
            v.put(color + "_link", BlueGreenNames.colorLink(s.deployTo(), color));
            v.put(color + "_socket", BlueGreenNames.colorSocket(socketDir(s), color));
            v.put(color + "_program", BlueGreenNames.supervisorProgram(s.app(), color));
        }
        return v;
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
        return t.render("supervisor/programs.conf", v);
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
        v.put("static", s.staticUrl() != null);
        v.put("static_url", s.staticUrl() == null ? "" : s.staticUrl());
        v.put("static_dir", s.staticUrl() == null ? "" : trimSlash(s.staticDir()));
        v.put("media", s.mediaUrl() != null);
        v.put("media_url", s.mediaUrl() == null ? "" : s.mediaUrl());
        v.put("media_dir", s.mediaUrl() == null ? "" : trimSlash(s.mediaDir()));
        v.put("https_map", !scheme);
        v.put("https_var", mapVar);
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
