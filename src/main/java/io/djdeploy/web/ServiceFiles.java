package io.djdeploy.web;

import io.djdeploy.config.WebConfig;

import java.util.regex.Pattern;

/**
 * The text of the service files `djdeploy init` writes: systemd units, a supervisor conf and
 * the nginx site. Pure functions of a {@link Spec}; nothing here touches a host.
 *
 * <p>Blue-green contract shared with the runtime (WebSteps): colors {@code blue} and
 * {@code green}; color links {@code <deploy_to>/<color>} pointing at a release; sockets
 * {@code /run/<app>/<color>.sock}; the live link {@code /run/<app>/web.sock} pointing at the
 * live color's socket; nginx always proxies to {@code web.sock}; systemd instances
 * {@code <app>-web@<color>}; supervisor programs {@code <app>-web-<color>}.
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

    // ------------------------------------------------------------------ the blue-green contract

    public static String socketDir(String app) {
        return "/run/" + app;
    }

    /** What nginx proxies to: a socket (restart/reload) or a symlink to the live color's socket (blue-green). */
    public static String liveSocket(String app) {
        return socketDir(app) + "/web.sock";
    }

    public static String colorSocket(String app, String color) {
        return socketDir(app) + "/" + color + ".sock";
    }

    /** The symlink that pins a color to a release. */
    public static String colorLink(String deployTo, String color) {
        return deployTo + "/" + color;
    }

    public static String systemdInstance(String app, String color) {
        return app + "-web@" + color;
    }

    public static String supervisorProgram(String app, String color) {
        return app + "-web-" + color;
    }

    /** The gunicorn command line of one instance running in {@code dir} (a color link or current). */
    static String gunicorn(Spec s, String dir, String socket) {
        return dir + "/.venv/bin/python -m gunicorn --chdir " + dir + " --bind unix:" + socket
                + " --workers " + s.workers() + " --access-logfile - " + s.wsgiApp();
    }

    // ------------------------------------------------------------------ systemd

    /** Shared [Service] lines of the web units. */
    private static String webService(Spec s) {
        return """
                # gunicorn >= 20 sends READY=1 once it listens; only the master may notify
                Type=notify
                NotifyAccess=main
                User=%1$s
                Group=%2$s
                EnvironmentFile=%3$s
                Environment=DJANGO_ENV_FILE=%3$s
                Environment=DJANGO_SETTINGS_MODULE=%4$s
                # /run/%5$s holds blue.sock, green.sock and the live link web.sock. Every web unit
                # declares it; Preserve=yes so that one instance stopping (e.g. the old color after
                # a switch) does not delete the directory, and the other instance's socket, with it.
                # 0750 %1$s:%2$s: nginx's user reaches the sockets as a member of group %2$s.
                RuntimeDirectory=%5$s
                RuntimeDirectoryMode=0750
                RuntimeDirectoryPreserve=yes
                # gunicorn creates its socket with its own umask (0, so the socket is 0777): the
                # directory above guards it. This UMask is for files the app writes (media uploads):
                # readable by group %2$s (nginx serves /media/), nothing for others.
                UMask=0027
                # HUP: gunicorn starts new workers and stops the old ones (docs/web.md)
                ExecReload=/bin/kill -s HUP $MAINPID
                # TERM to the master only; it stops its workers gracefully. Whatever is left after
                # TimeoutStopSec gets SIGKILL (gunicorn's graceful_timeout is 30 s)
                KillMode=mixed
                TimeoutStopSec=%6$d
                Restart=on-failure
                RestartSec=2
                """.formatted(s.user(), s.group(), s.envFile(), s.settingsModule(), s.app(), STOP_TIMEOUT_SECONDS);
    }

    /** {@code <app>-web@.service}: one gunicorn per color; djdeploy manages the color links. */
    public static String systemdColorTemplate(Spec s) {
        String dir = s.deployTo() + "/%i";
        return """
                # %1$s-web@.service: gunicorn for strategy blue-green, one instance per color
                # (%1$s-web@blue, %1$s-web@green). Generated by djdeploy init.
                #
                # %2$s/blue and %2$s/green are symlinks to releases that djdeploy sets before it
                # starts a color; each color listens on its own socket /run/%1$s/<color>.sock.
                # nginx proxies to /run/%1$s/web.sock, a symlink djdeploy swaps to the live color's
                # socket (temp link + mv -T) after the new color passed its health check.
                # Do not enable both this and %1$s-web.service: they are two ways to run the site.
                [Unit]
                Description=%1$s web, color %%i (gunicorn, blue-green)
                After=network.target

                [Service]
                %3$s# --chdir the color link, not the release it resolves to: a HUP re-runs chdir(--chdir)
                WorkingDirectory=%4$s
                ExecStart=%5$s

                [Install]
                WantedBy=multi-user.target
                """.formatted(s.app(), s.deployTo(), webService(s), dir, gunicorn(s, dir, socketDir(s.app()) + "/%i.sock"));
    }

    /** {@code <app>-web.service}: one gunicorn on current, for strategies restart and reload. */
    public static String systemdPlain(Spec s) {
        String dir = s.deployTo() + "/current";
        return """
                # %1$s-web.service: gunicorn for strategies restart and reload. Generated by djdeploy init.
                #
                # --chdir %2$s (the link, not the release): gunicorn's HUP re-runs
                # chdir(cfg.chdir), and its default chdir is the resolved real path, so without
                # --chdir .../current a reload (HUP) keeps serving the OLD release.
                # With %1$s-web.socket enabled, systemd holds /run/%1$s/web.sock across restarts and
                # gunicorn uses the socket it inherits (LISTEN_FDS) instead of --bind.
                [Unit]
                Description=%1$s web (gunicorn on current)
                After=network.target

                [Service]
                %3$sWorkingDirectory=%2$s
                ExecStart=%4$s

                [Install]
                WantedBy=multi-user.target
                """.formatted(s.app(), dir, webService(s), gunicorn(s, dir, liveSocket(s.app())));
    }

    /** {@code <app>-web.socket}: optional socket activation for the plain unit. */
    public static String systemdSocket(Spec s) {
        return """
                # %1$s-web.socket: optional, with %1$s-web.service (strategies restart and reload only).
                # systemd owns the listening socket: while gunicorn restarts, connections wait in
                # the backlog instead of failing. Not with blue-green, where web.sock is a symlink.
                #   systemctl enable --now %1$s-web.socket
                [Unit]
                Description=%1$s web socket

                [Socket]
                ListenStream=%2$s
                # nginx's user connects as a member of group %3$s
                SocketUser=%4$s
                SocketGroup=%3$s
                SocketMode=0660
                Service=%1$s-web.service

                [Install]
                WantedBy=sockets.target
                """.formatted(s.app(), liveSocket(s.app()), s.group(), s.user());
    }

    private static String celeryService(Spec s) {
        return """
                User=%1$s
                Group=%2$s
                EnvironmentFile=%3$s
                Environment=DJANGO_ENV_FILE=%3$s
                Environment=DJANGO_SETTINGS_MODULE=%4$s
                UMask=0027
                # systemd resolves the link when the service starts: a restart picks up the new release
                WorkingDirectory=%5$s/current
                # TERM is Celery's warm shutdown: running tasks finish first
                KillMode=mixed
                Restart=on-failure
                RestartSec=5
                """.formatted(s.user(), s.group(), s.envFile(), s.settingsModule(), s.deployTo());
    }

    public static String systemdCelery(Spec s) {
        requireCelery(s);
        return """
                # %1$s-celery.service: Celery workers on current. Generated by djdeploy init.
                # djdeploy restarts it in the WORKERS phase (workers.restart), after the web tier switched.
                [Unit]
                Description=%1$s Celery worker
                After=network.target

                [Service]
                Type=simple
                %2$sTimeoutStopSec=300
                ExecStart=%3$s/current/.venv/bin/python -m celery -A %4$s worker --loglevel INFO

                [Install]
                WantedBy=multi-user.target
                """.formatted(s.app(), celeryService(s), s.deployTo(), s.celeryApp());
    }

    public static String systemdBeat(Spec s) {
        requireCelery(s);
        return """
                # %1$s-beat.service: Celery beat (run it on one host only: role beat). Generated by djdeploy init.
                [Unit]
                Description=%1$s Celery beat
                After=network.target

                [Service]
                Type=simple
                %2$s# the schedule survives releases in /var/lib/%1$s (created for %3$s by StateDirectory)
                StateDirectory=%1$s
                ExecStart=%4$s/current/.venv/bin/python -m celery -A %5$s beat --loglevel INFO --schedule /var/lib/%1$s/celerybeat-schedule

                [Install]
                WantedBy=multi-user.target
                """.formatted(s.app(), celeryService(s), s.user(), s.deployTo(), s.celeryApp());
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
    public static String supervisor(Spec s, boolean blueGreen) {
        StringBuilder b = new StringBuilder();
        b.append("""
                ; %1$s: supervisor programs generated by djdeploy init. Install as an include, e.g.
                ; /etc/supervisor/conf.d/%1$s.conf, then: supervisorctl reread && supervisorctl update
                ;
                ; Before the first start (supervisor creates neither directory):
                ;   install -d -o %2$s -g %3$s -m 0750 /var/log/%1$s /var/lib/%1$s
                ;   echo 'd /run/%1$s 0750 %2$s %3$s -' > /etc/tmpfiles.d/%1$s.conf && systemd-tmpfiles --create
                ; /run/%1$s holds the sockets (blue.sock, green.sock, and web.sock: the socket of %1$s-web, or
                ; with blue-green the link to the live color's socket). gunicorn makes its sockets 0777;
                ; the 0750 directory guards them, and nginx's user reaches them in group %3$s.
                ;
                ; supervisor cannot read an env file: the programs get DJANGO_ENV_FILE, and the settings
                ; must load that file (KEY=value lines) themselves, as djdeploy's own manage.py runs do.
                ; Run only one of: %1$s-web (strategies restart, reload) or the two colors (blue-green).

                """.formatted(s.app(), s.user(), s.group()));
        String env = "environment=DJANGO_ENV_FILE=\"" + s.envFile() + "\",DJANGO_SETTINGS_MODULE=\"" + s.settingsModule() + "\"\n";
        String dir = s.deployTo() + "/current";
        b.append("""
                ; strategies restart and reload: gunicorn on current. --chdir the link, not the release:
                ; a HUP re-runs chdir(--chdir), and without it a HUP keeps serving the OLD release.
                [program:%1$s-web]
                command=%2$s
                """.formatted(s.app(), gunicorn(s, dir, liveSocket(s.app()))));
        b.append(env);
        b.append(programTail(s, blueGreen ? "false" : "true", "web"));
        for (String color : WebConfig.COLORS) {
            String link = colorLink(s.deployTo(), color);
            b.append("""

                    ; blue-green: color %3$s runs the release %4$s points to, on its own socket;
                    ; djdeploy starts it, checks it, swaps /run/%1$s/web.sock to it, and stops the other
                    [program:%2$s]
                    command=%5$s
                    """.formatted(s.app(), supervisorProgram(s.app(), color), color, link, gunicorn(s, link, colorSocket(s.app(), color))));
            b.append(env);
            // startretries=1: a release that cannot boot fails fast instead of being retried for long
            b.append(programTail(s, "false", "web-" + color).replace("startsecs=1\n", "startsecs=1\nstartretries=1\n"));
        }
        if (s.celery()) {
            b.append("""

                    ; Celery: restarted by djdeploy in the WORKERS phase (workers.restart)
                    [program:%1$s-celery]
                    command=%2$s/current/.venv/bin/python -m celery -A %3$s worker --loglevel INFO
                    directory=%2$s/current
                    """.formatted(s.app(), s.deployTo(), s.celeryApp()));
            b.append(env);
            // TERM is Celery's warm shutdown: give running tasks time
            b.append(programTail(s, "true", "celery").replace("stopwaitsecs=" + STOP_TIMEOUT_SECONDS, "stopwaitsecs=300"));
            b.append("""

                    ; Celery beat: one host only (role beat); the schedule survives releases in /var/lib/%1$s
                    [program:%1$s-beat]
                    command=%2$s/current/.venv/bin/python -m celery -A %3$s beat --loglevel INFO --schedule /var/lib/%1$s/celerybeat-schedule
                    directory=%2$s/current
                    """.formatted(s.app(), s.deployTo(), s.celeryApp()));
            b.append(env);
            b.append(programTail(s, "true", "beat"));
        }
        return b.toString();
    }

    private static String programTail(Spec s, String autostart, String log) {
        return """
                user=%1$s
                umask=027
                autostart=%2$s
                autorestart=true
                startsecs=1
                stopsignal=TERM
                stopwaitsecs=%3$d
                stopasgroup=true
                killasgroup=true
                redirect_stderr=true
                stdout_logfile=/var/log/%4$s/%5$s.log
                stdout_logfile_maxbytes=50MB
                stdout_logfile_backups=5
                """.formatted(s.user(), autostart, STOP_TIMEOUT_SECONDS, s.app(), log);
    }

    // ------------------------------------------------------------------ nginx

    /** The upstream name nginx proxies to. */
    public static String upstreamName(String app) {
        return app.replace('-', '_') + "_web";
    }

    /** {@code <app>-upstream.conf}: the one place that names the socket (http context). */
    public static String nginxUpstream(String app) {
        return """
                # %1$s-upstream.conf (http context), included by the %1$s site. Generated by djdeploy init.
                # web.sock is gunicorn's socket (restart/reload) or a symlink to the live color's socket
                # (blue-green): nginx follows the link on every new connection, so a switch needs no
                # nginx reload. fail_timeout=0: never mark the only server down after an error.
                upstream %2$s {
                    server unix:%3$s fail_timeout=0;
                }
                """.formatted(app, upstreamName(app), liveSocket(app));
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
                       String mediaUrl, String mediaDir, String sslHeader, String sslValue) {
        public Site {
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

    public static String nginxSite(Site s) {
        String header = s.sslHeader() == null ? "X-Forwarded-Proto" : s.sslHeader();
        boolean scheme = s.sslValue() == null || s.sslValue().equals("https");
        String mapVar = "$" + upstreamName(s.app()) + "_https";
        StringBuilder b = new StringBuilder();
        b.append("""
                # %1$s site, generated by djdeploy init. Install as /etc/nginx/sites-available/%1$s.conf
                # (link it from sites-enabled) and the upstream file as %2$s; then nginx -t.
                # The site does not change per release: static files are read through current.
                include %2$s;

                """.formatted(s.app(), s.upstreamInclude()));
        if (!scheme) {
            b.append("""
                    # The settings expect %1$s: %2$s on https requests (SECURE_PROXY_SSL_HEADER)
                    map $scheme %3$s {
                        https %2$s;
                        default "";
                    }

                    """.formatted(header, s.sslValue(), mapVar));
        }
        b.append("""
                server {
                    listen %1$s;
                    # 127.0.0.1: djdeploy's health check runs on the host (health.url http://127.0.0.1/healthz/)
                    # and must reach this site, not nginx's default one
                    server_name %2$s 127.0.0.1;

                    # TLS: add your certificate (or let certbot --nginx add these lines), then redirect
                    # port 80 to https and turn on SECURE_SSL_REDIRECT and HSTS in the settings.
                    # listen 443 ssl;
                    # ssl_certificate     /etc/letsencrypt/live/%2$s/fullchain.pem;
                    # ssl_certificate_key /etc/letsencrypt/live/%2$s/privkey.pem;

                    client_max_body_size 20m;

                """.formatted(s.listen(), s.domain()));
        if (s.staticUrl() != null) {
            b.append("""
                        # STATIC_ROOT of the live release: collectstatic runs in each release, current switches them
                        location %1$s {
                            alias %2$s/;
                            expires 7d;
                            access_log off;
                        }

                    """.formatted(s.staticUrl(), trimSlash(s.staticDir())));
        } else {
            b.append("    # STATIC_URL is not a local path (a CDN?): nginx serves no static files\n\n");
        }
        if (s.mediaUrl() != null) {
            b.append("""
                        # MEDIA_ROOT: uploads live outside the releases
                        location %1$s {
                            alias %2$s/;
                        }

                    """.formatted(s.mediaUrl(), trimSlash(s.mediaDir())));
        }
        b.append("""
                    location / {
                        proxy_pass http://%1$s;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                """.formatted(upstreamName(s.app())));
        if (s.sslHeader() == null) {
            b.append("""
                            # The settings have no SECURE_PROXY_SSL_HEADER: behind this proxy Django sees
                            # every request as http. Add to the settings:
                            #   SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
                            proxy_set_header X-Forwarded-Proto $scheme;
                    """);
        } else {
            b.append("""
                            # SECURE_PROXY_SSL_HEADER reads %1$s: nginx must always set it, so that a client
                            # cannot send its own and claim https (proxy_set_header replaces the client's value)
                            proxy_set_header %1$s %2$s;
                    """.formatted(header, scheme ? "$scheme" : mapVar));
            if (!header.equalsIgnoreCase("X-Forwarded-Proto")) b.append("        proxy_set_header X-Forwarded-Proto $scheme;\n");
        }
        b.append("""
                        proxy_redirect off;
                    }
                }
                """);
        return b.toString();
    }

    private static String trimSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
