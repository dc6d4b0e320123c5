package io.djdeploy.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated service files keep the blue-green contract the runtime relies on. */
class ServiceFilesTest {
    static final io.djdeploy.template.TextTemplates T = io.djdeploy.template.TextTemplates.builtIn();
    static final ServiceFiles.Spec SHOP = new ServiceFiles.Spec("shop", "/srv/shop", "shop", "shop", "/etc/shop/shop.env",
            "shop.settings.production", "shop.wsgi:application", 3, "shop");

    static ServiceFiles.Site site(String header, String value) {
        return new ServiceFiles.Site("shop", "shop.example.com", "/etc/nginx/snippets/shop-upstream.conf", "80", "/static/",
                "/srv/shop/current/staticfiles", "/media/", "/srv/shop/shared/media", header, value);
    }

    @Test
    void theContractNames() {
        assertThat(BlueGreenNames.liveSocket(BlueGreenNames.defaultSocketDir("shop"))).isEqualTo("/run/shop/web.sock");
        assertThat(BlueGreenNames.colorSocket("/run/shop", "blue")).isEqualTo("/run/shop/blue.sock");
        assertThat(BlueGreenNames.colorLink("/srv/shop", "green")).isEqualTo("/srv/shop/green");
        assertThat(BlueGreenNames.systemdInstance("shop", "blue")).isEqualTo("shop-web@blue");
        assertThat(BlueGreenNames.supervisorProgram("shop", "green")).isEqualTo("shop-web-green");
        // one upstream name for the site init writes and the include blue-green rewrites over TCP
        assertThat(BlueGreenNames.upstreamName("my-shop")).isEqualTo("my_shop_web");
        assertThat(BlueGreenNames.upstreamName("my.shop")).isEqualTo("my_shop_web");
        assertThat(ServiceFiles.nginxUpstream(T, "my-shop")).contains("upstream my_shop_web {");
    }

    @Test
    void theColorTemplateRunsEachColorFromItsLinkOnItsOwnSocket() {
        String unit = ServiceFiles.systemdColorTemplate(T, SHOP);

        assertThat(unit).contains(
                "ExecStart=/srv/shop/%i/.venv/bin/python -m gunicorn --chdir /srv/shop/%i --bind unix:/run/shop/%i.sock --config /etc/shop/gunicorn.conf.py",
                " shop.wsgi:application\n",
                "Type=notify\n", "NotifyAccess=main\n", "ExecReload=/bin/kill -s HUP $MAINPID\n", "KillMode=mixed\n",
                "TimeoutStopSec=40\n", "User=shop\n", "Group=shop\n", "WorkingDirectory=/srv/shop/%i\n",
                "EnvironmentFile=/etc/shop/shop.env\n", "Environment=DJANGO_SETTINGS_MODULE=shop.settings.production\n",
                "RuntimeDirectory=shop\n", "RuntimeDirectoryPreserve=yes\n", "RuntimeDirectoryMode=0750\n", "UMask=0027\n",
                "Description=shop web, color %i");
        // every directive line is Key=value inside a section (a stray format artefact would show here)
        for (String line : unit.lines().toList()) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[")) continue;
            // (an empty capability set is systemd's way to say "none")
            assertThat(line).matches("[A-Za-z]+=.+|(CapabilityBoundingSet|AmbientCapabilities)=");
        }
    }

    @Test
    void thePlainUnitRunsFromCurrentSoAHupPicksUpTheNewRelease() {
        String unit = ServiceFiles.systemdPlain(T, SHOP);

        assertThat(unit).contains("--chdir /srv/shop/current --bind unix:/run/shop/web.sock",
                "WorkingDirectory=/srv/shop/current\n", "HUP re-runs", "OLD release", "RuntimeDirectoryPreserve=yes\n");
        assertThat(unit).doesNotContain("%i");
        assertThat(ServiceFiles.systemdSocket(T, SHOP)).contains("ListenStream=/run/shop/web.sock\n", "Service=shop-web.service\n",
                "SocketGroup=shop\n", "SocketMode=0660\n");
    }

    @Test
    void celeryUnitsRunFromCurrent() {
        assertThat(ServiceFiles.systemdCelery(T, SHOP))
                .contains("ExecStart=/srv/shop/current/.venv/bin/python -m celery -A shop worker", "WorkingDirectory=/srv/shop/current\n");
        assertThat(ServiceFiles.systemdBeat(T, SHOP))
                .contains("-m celery -A shop beat", "--schedule /var/lib/shop/celerybeat-schedule", "StateDirectory=shop\n");
        ServiceFiles.Spec noCelery = new ServiceFiles.Spec("shop", "/srv/shop", "shop", "shop", "/etc/shop/shop.env",
                "shop.settings", "shop.wsgi:application", 3, null);
        assertThatThrownBy(() -> ServiceFiles.systemdCelery(T, noCelery)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ServiceFiles.supervisor(T, noCelery, true)).doesNotContain("celery");
    }

    @Test
    void supervisorHasThePlainProgramAndOneProgramPerColor() {
        String conf = ServiceFiles.supervisor(T, SHOP, true);

        // each program loads the env file itself (supervisor cannot), then execs gunicorn with the shared gunicorn.conf.py
        String load = "command=/bin/sh -c 'set -a; . /etc/shop/shop.env; set +a; exec ";
        assertThat(conf).contains("[program:shop-web]\n" + load + "/srv/shop/current/.venv/bin/python -m gunicorn --chdir /srv/shop/current --bind unix:/run/shop/web.sock"
                        + " --config /etc/shop/gunicorn.conf.py shop.wsgi:application'\n",
                "[program:shop-web-blue]\n" + load + "/srv/shop/blue/.venv/bin/python -m gunicorn --chdir /srv/shop/blue --bind unix:/run/shop/blue.sock",
                "[program:shop-web-green]\n" + load + "/srv/shop/green/.venv/bin/python -m gunicorn --chdir /srv/shop/green --bind unix:/run/shop/green.sock",
                "[program:shop-celery]\n" + load + "/srv/shop/current/.venv/bin/python -m celery -A shop worker --loglevel INFO'\n",
                "stdout_logfile=/var/log/shop/web-blue.log", "stdout_logfile=/var/log/shop/web-green.log",
                "[program:shop-celery]", "[program:shop-beat]",
                "environment=DJANGO_ENV_FILE=\"/etc/shop/shop.env\",DJANGO_SETTINGS_MODULE=\"shop.settings.production\"");
        // with blue-green the plain program must not start at boot: it would bind web.sock, where the live link belongs
        String plain = section(conf, "[program:shop-web]");
        assertThat(plain).contains("autostart=false", "stopasgroup=true", "killasgroup=true", "startsecs=1", "user=shop");
        assertThat(section(conf, "[program:shop-web-blue]")).contains("autostart=false", "startretries=1", "startsecs=1");
        assertThat(section(ServiceFiles.supervisor(T, SHOP, false), "[program:shop-web]")).contains("autostart=true");
        // an include holds programs only: supervisord.conf owns [supervisord], [unix_http_server] ...
        assertThat(conf.lines().filter(l -> l.startsWith("[")).toList()).allMatch(l -> l.startsWith("[program:"));
    }

    @Test
    void nginxProxiesToTheLiveSocketAndSetsTheHeaderTheSettingsRead() {
        String upstream = ServiceFiles.nginxUpstream(T, "shop");
        String site = ServiceFiles.nginxSite(T, site("X-Forwarded-Proto", "https"));

        assertThat(upstream).contains("upstream shop_web {\n    server unix:/run/shop/web.sock fail_timeout=0;\n}");
        assertThat(site).contains("include /etc/nginx/snippets/shop-upstream.conf;", "listen 80;", "server_name shop.example.com 127.0.0.1;",
                "location /static/ {\n        alias /srv/shop/current/staticfiles/;",
                "location /media/ {\n        alias /srv/shop/shared/media/;",
                "proxy_pass http://shop_web;", "proxy_set_header Host $host;",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header X-Forwarded-Proto $scheme;", "# listen 443 ssl;");
        assertThat(site.chars().filter(ch -> ch == '{').count()).isEqualTo(site.chars().filter(ch -> ch == '}').count());
    }

    @Test
    void aDifferentSslHeaderIsTheOneNginxSets() {
        // given: SECURE_PROXY_SSL_HEADER = ("HTTP_X_SCHEME", "https")
        String scheme = ServiceFiles.nginxSite(T, site("X-Scheme", "https"));
        // given: SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_SSL", "on"): $scheme would never say "on"
        String on = ServiceFiles.nginxSite(T, site("X-Forwarded-Ssl", "on"));
        // given: none set
        String none = ServiceFiles.nginxSite(T, site(null, null));

        assertThat(scheme).contains("proxy_set_header X-Scheme $scheme;");
        assertThat(on).contains("map $scheme $shop_web_https {\n    https on;\n    default \"\";\n}",
                "proxy_set_header X-Forwarded-Ssl $shop_web_https;");
        assertThat(none).contains("proxy_set_header X-Forwarded-Proto $scheme;", "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")");
    }

    @Test
    void valuesThatWouldNeedQuotingInAUnitOrNginxAreRefused() {
        assertThatThrownBy(() -> new ServiceFiles.Spec("shop", "/srv/my shop", "shop", "shop", "/etc/shop/env", "shop.settings",
                "shop.wsgi", 3, null)).hasMessageContaining("deploy_to");
        assertThatThrownBy(() -> new ServiceFiles.Spec("shop", "/srv/shop%i", "shop", "shop", "/etc/shop/env", "shop.settings",
                "shop.wsgi", 3, null)).hasMessageContaining("deploy_to");
        assertThatThrownBy(() -> new ServiceFiles.Site("shop", "shop.example.com; evil", "/etc/x.conf", "80", "/static/", "/srv/s",
                null, null, null, null)).hasMessageContaining("domain");
    }

    static String section(String conf, String header) {
        int start = conf.indexOf(header);
        int end = conf.indexOf("\n[", start + 1);
        return conf.substring(start, end < 0 ? conf.length() : end);
    }

    @Test
    void everyUnitIsSandboxedAndLoadsTheGunicornSettings() {
        for (String unit : List.of(ServiceFiles.systemdPlain(T, SHOP), ServiceFiles.systemdColorTemplate(T, SHOP))) {
            assertThat(unit).contains("NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "ReadWritePaths=/srv/shop/shared /run/shop\n",
                    "ProtectHome=yes\n", "PrivateTmp=yes\n", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n", "CapabilityBoundingSet=\n",
                    "--config /etc/shop/gunicorn.conf.py shop.wsgi:application\n").doesNotContain("--workers");
        }
        assertThat(ServiceFiles.systemdCelery(T, SHOP)).contains("ProtectSystem=strict\n", "ReadWritePaths=/srv/shop/shared\n");
        // a release root under /home stays readable to the app
        ServiceFiles.Spec home = new ServiceFiles.Spec("shop", "/home/deploy/shop", "shop", "shop", "/etc/shop/shop.env",
                "shop.settings", "shop.wsgi:application", 3, null);
        assertThat(ServiceFiles.systemdPlain(T, home)).contains("ProtectHome=read-only\n", "ReadWritePaths=/home/deploy/shop/shared /run/shop\n");
    }

    @Test
    void theGunicornSettingsAndTheSiteAgreeOnTimeouts() {
        String conf = ServiceFiles.gunicornConf(T, SHOP);
        assertThat(conf).contains("workers = int(os.environ.get(\"WEB_CONCURRENCY\") or min(multiprocessing.cpu_count() * 2 + 1, 12))",
                "\ntimeout = 30\n", "\ngraceful_timeout = 30\n", "\nmax_requests = 1000\n", "\nmax_requests_jitter = 100\n",
                "\nforwarded_allow_ips = ");
        assertThat(ServiceFiles.gunicornConfPath(SHOP)).isEqualTo("/etc/shop/gunicorn.conf.py");

        String site = ServiceFiles.nginxSite(T, new ServiceFiles.Site("shop", "shop.example.com", "/etc/nginx/snippets/shop-upstream.conf", "80",
                "/static/", "/srv/shop/current/staticfiles", "/media/", "/srv/shop/shared/media", null, null));
        assertThat(site).contains("    listen 80;\n    listen [::]:80;\n", "proxy_read_timeout 35s;", "proxy_set_header X-Real-IP $remote_addr;",
                "proxy_set_header X-Forwarded-Host $host;", "gzip_types text/plain text/css", "immutable",
                "add_header X-Content-Type-Options nosniff;", "# listen 443 ssl;", "/etc/letsencrypt/live/shop.example.com/fullchain.pem");
        // an address:port listens only where it says
        assertThat(ServiceFiles.nginxSite(T, new ServiceFiles.Site("shop", "shop.example.com", "/x", "127.0.0.2:80", null, null, null, null, null, null)))
                .doesNotContain("listen [::]:80");
    }
}
