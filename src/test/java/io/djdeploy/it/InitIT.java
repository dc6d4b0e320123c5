package io.djdeploy.it;

import io.djdeploy.cli.Main;
import io.djdeploy.web.ServiceFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files `djdeploy init` writes, checked by the tools that read them: `nginx -t` on the
 * site, `systemd-analyze verify` on the units, and a real test host (scripts/testhosts) whose
 * supervisor runs the generated programs behind nginx running the generated site, deployed
 * with the restart strategy and then blue-green.
 */
@ExtendWith(TestHostsExtension.class)
class InitIT {
    static final io.djdeploy.template.TextTemplates T = io.djdeploy.template.TextTemplates.builtIn();
    static final String NGINX = "/usr/sbin/nginx";
    static final String SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

    // ------------------------------------------------------------------ nginx -t

    @Test
    void theSiteAndItsUpstreamPassNginxT(@TempDir Path tmp) throws Exception {
        // given: the site init writes, with the upstream include where this test put it
        Path project = init(tmp, "--manager", "systemd", "--strategy", "blue-green");
        Path conf = nginxConf(tmp.resolve("nginx"), Files.readString(project.resolve("deploy/nginx/demo.conf")),
                Files.readString(project.resolve("deploy/nginx/demo-upstream.conf")));

        // then
        assertThat(nginxT(tmp.resolve("nginx"), conf)).satisfies(r -> assertThat(r.code()).as(r.output()).isZero());

        // and a settings header that $scheme cannot express goes through a map, which nginx accepts too
        String mapped = ServiceFiles.nginxSite(T, new ServiceFiles.Site("demo", "demo.example.com", "/x", "80", "/static/", "/srv/demo/current/staticfiles",
                "/media/", "/srv/demo/shared/media", "X-Forwarded-Ssl", "on"));
        Path conf2 = nginxConf(tmp.resolve("nginx2"), mapped, ServiceFiles.nginxUpstream(T, "demo"));
        assertThat(nginxT(tmp.resolve("nginx2"), conf2)).satisfies(r -> assertThat(r.code()).as(r.output()).isZero());

        // and the site of a project whose static files are elsewhere (a CDN) and without media, with
        // SECURE_PROXY_SSL_HEADER on X-Forwarded-Proto: the sections left out leave a valid site
        String cdn = ServiceFiles.nginxSite(T, new ServiceFiles.Site("demo", "demo.example.com", "/x", "80", null, null,
                null, null, "X-Forwarded-Proto", "https"));
        assertThat(cdn).doesNotContain("location /static/", "location /media/").contains("proxy_set_header X-Forwarded-Proto $scheme;");
        Path conf4 = nginxConf(tmp.resolve("nginx4"), cdn, ServiceFiles.nginxUpstream(T, "demo"));
        assertThat(nginxT(tmp.resolve("nginx4"), conf4)).satisfies(r -> assertThat(r.code()).as(r.output()).isZero());

        // and with its TLS lines uncommented, as once certbot has written its files (made here with openssl)
        Path le = Files.createDirectories(tmp.resolve("le/live/demo.example.com"));
        assertThat(exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=demo.example.com",
                "-keyout", le.resolve("privkey.pem").toString(), "-out", le.resolve("fullchain.pem").toString())).code()).isZero();
        Files.writeString(tmp.resolve("le/options-ssl-nginx.conf"), "ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_cache shared:le_nginx_SSL:1m;\n");
        assertThat(exec(List.of("openssl", "dhparam", "-dsaparam", "-out", tmp.resolve("le/ssl-dhparams.pem").toString(), "2048")).code()).isZero();
        String tls = Files.readString(project.resolve("deploy/nginx/demo.conf"))
                .replaceAll("(?m)^    # ((listen|ssl_|include /etc/letsencrypt)[^\\n]*)$", "    $1")
                .replace("/etc/letsencrypt/", tmp.resolve("le") + "/");
        assertThat(tls).contains("    listen 443 ssl;\n", "    ssl_certificate_key " + tmp.resolve("le"));
        Path conf5 = nginxConf(tmp.resolve("nginx5"), tls, ServiceFiles.nginxUpstream(T, "demo"));
        assertThat(nginxT(tmp.resolve("nginx5"), conf5)).satisfies(r -> assertThat(r.code()).as(r.output()).isZero());

        // negative: the same check fails on a real syntax error
        String broken = Files.readString(project.resolve("deploy/nginx/demo.conf")).replace("proxy_redirect off;", "proxy_redirect off");
        Path conf3 = nginxConf(tmp.resolve("nginx3"), broken, ServiceFiles.nginxUpstream(T, "demo"));
        Site.Run bad = nginxT(tmp.resolve("nginx3"), conf3);
        assertThat(bad.code()).isNotZero();
        assertThat(bad.output()).contains("emerg");
    }

    /** A minimal nginx.conf in {@code dir} around the site, with the upstream include inside dir. */
    static Path nginxConf(Path dir, String site, String upstream) throws IOException {
        Files.createDirectories(dir);
        Path up = dir.resolve("demo-upstream.conf");
        Files.writeString(up, upstream);
        // the site names the include where it is installed on a host; here it is in dir
        Files.writeString(dir.resolve("site.conf"), site.replaceFirst("(?m)^include \\S+;", "include " + up + ";"));
        String d = dir.toString();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events {}
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/site.conf;
                }
                """.formatted(d));
        return conf;
    }

    static Site.Run nginxT(Path prefix, Path conf) throws Exception {
        return exec(List.of(NGINX, "-t", "-q", "-c", conf.toString(), "-p", prefix + "/"));
    }

    // ------------------------------------------------------------------ systemd-analyze verify

    /**
     * systemd-analyze verify loads the units as systemd would and prints every problem
     * (unknown key, bad value, bad section) but exits 0 for most of them, so the check is its
     * output: it must be empty. What depends on the target machine rather than on the unit
     * text is the executable: ExecStart= names <deploy_to>/.../.venv/bin/python, which exists
     * only on a host after a deploy. So the units are generated once with deploy_to under a
     * temp root where those pythons exist (every message then counts), and the units exactly as
     * init writes them for /srv/demo are verified with only "Command /srv/demo/... is not
     * executable" filtered out. The user (demo) and the env file need not exist for verify.
     */
    @Test
    void theUnitsPassSystemdAnalyzeVerify(@TempDir Path tmp) throws Exception {
        List<String> units = List.of("demo-web@blue.service", "demo-web@green.service", "demo-web.service", "demo-web.socket",
                "demo-celery.service", "demo-beat.service");

        // given: deploy_to under a temp root, where the venv pythons exist
        Path root = tmp.resolve("root");
        Path deployTo = root.resolve("srv/demo");
        for (String d : List.of("current", "blue", "green")) {
            Path bin = Files.createDirectories(deployTo.resolve(d).resolve(".venv/bin"));
            Files.createSymbolicLink(bin.resolve("python"), Path.of("/usr/bin/python3"));
        }
        Path rooted = init(tmp.resolve("a"), true, "--deploy-to", deployTo.toString());
        // then: not one message
        assertThat(verify(rooted.resolve("deploy/systemd"), units)).isEmpty();

        // given: the units as written for /srv/demo
        Path real = init(tmp.resolve("b"), true);
        Pattern targetOnly = Pattern.compile("[\\w@.-]+: Command /srv/demo/\\S+ is not executable: No such file or directory");
        // then: only messages about the target's executables
        assertThat(verify(real.resolve("deploy/systemd"), units)).allMatch(m -> targetOnly.matcher(m).matches()).isNotEmpty();

        // negative: a misspelt key and a bad value are reported, so this check would catch them
        Path template = rooted.resolve("deploy/systemd/demo-web@.service");
        Files.writeString(template, Files.readString(template).replace("\nType=notify", "\nTpye=notify").replace("KillMode=mixed", "KillMode=mixd"));
        List<String> bad = verify(rooted.resolve("deploy/systemd"), List.of("demo-web@blue.service"));
        assertThat(bad).anyMatch(m -> m.contains("Unknown key 'Tpye'")).anyMatch(m -> m.contains("kill mode"));
    }

    /**
     * systemd's own rating of the sandbox (systemd-analyze security, offline: from the unit file,
     * nothing loaded): 0 is locked down, 10 is a plain service. The web and worker units must
     * stay at 4.0 or below ("OK"); a unit without the hardening lines rates far above.
     */
    @Test
    void theWebAndWorkerUnitsRateAnExposureOfAtMost4(@TempDir Path tmp) throws Exception {
        // given: a project with Celery, so that the worker and beat units are written too
        Path units = init(tmp, true).resolve("deploy/systemd");

        // then
        for (String unit : List.of("demo-web.service", "demo-web@.service", "demo-celery.service", "demo-beat.service")) {
            assertThat(exposure(units.resolve(unit))).as(unit).isLessThanOrEqualTo(4.0);
        }

        // negative: the same web unit without its hardening lines is rated as exposed
        Pattern hardening = Pattern.compile("(NoNewPrivileges|Protect\\w+|Private\\w+|Restrict\\w+|SystemCall\\w+|CapabilityBoundingSet"
                + "|AmbientCapabilities|LockPersonality|DevicePolicy|KeyringMode|RemoveIPC|ReadWritePaths)=.*");
        Path bare = Files.createDirectories(tmp.resolve("bare")).resolve("demo-web.service");
        Files.writeString(bare, String.join("\n", Files.readAllLines(units.resolve("demo-web.service")).stream()
                .filter(l -> !hardening.matcher(l).matches()).toList()) + "\n");
        assertThat(exposure(bare)).isGreaterThan(8.0);
    }

    static double exposure(Path unit) throws Exception {
        Site.Run r = exec(List.of(SYSTEMD_ANALYZE, "security", "--offline=true", "--no-pager", unit.toString()), unit.getParent());
        java.util.regex.Matcher m = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)").matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Every line systemd-analyze prints about the units (it exits 0 on most problems). */
    static List<String> verify(Path unitDir, List<String> units) throws Exception {
        List<String> argv = new ArrayList<>(List.of(SYSTEMD_ANALYZE, "verify", "--man=no"));
        // an instance (demo-web@blue.service) has no file of its own: systemd finds its template next to it
        for (String u : units) argv.add(unitDir.resolve(u).toString());
        Site.Run r = exec(argv, unitDir);
        return r.output().lines().filter(l -> !l.isBlank()).toList();
    }

    // ------------------------------------------------------------------ a real host

    @Test
    void aTestHostRunsTheGeneratedSupervisorProgramsBehindTheGeneratedSite(@TempDir Path tmp, TestHosts hosts) throws Exception {
        String web = hosts.addresses.get(0);
        Path host = hosts.host(web);

        // given: init for the example app, as the test host runs it (supervisor, restart)
        Path project = init(tmp.resolve("p"), "--manager", "supervisor", "--strategy", "restart", "--user", "root");
        installGenerated(hosts, web, project);

        // when: a restart-strategy deploy (the test hosts' deploy.yml: supervisorctl ... restart demo-web)
        Site.Run run = hosts.djdeploy(hosts.config(), "deploy", "test", "--ref", "v1");

        // then: the generated demo-web serves the new release through the generated site
        assertThat(run.code()).as(run.output()).isZero();
        String v1 = hosts.current(web);
        assertServes(hosts, web, v1);
        assertThat(Files.readString(host.resolve("log/demo/web.log"))).contains("Listening at: unix:/run/demo/web.sock");
        Files.writeString(host.resolve("srv/demo/shared/media/hello.txt"), "hello\n");
        assertThat(hosts.get(web, "/media/hello.txt").body()).isEqualTo("hello\n");

        // when: the same project switched to blue-green (re-init; the plain program no longer starts
        // at boot), deployed with the generated color programs
        init(tmp.resolve("p"), "--manager", "supervisor", "--strategy", "blue-green", "--user", "root", "--force");
        installGenerated(hosts, web, tmp.resolve("p/demoapp"));
        Path bg = hosts.configWith("init-bg.yml", "  reload: supervisorctl -c /etc/demo/supervisord.conf restart demo-web\n", """
                  strategy: blue-green
                  start: supervisorctl -c /etc/demo/supervisord.conf start demo-web-{color}
                  stop: supervisorctl -c /etc/demo/supervisord.conf stop demo-web-{color}
                  log: tail -n 30 /var/log/demo/web-{color}.log
                """);
        Site.Run blue = hosts.djdeploy(bg, "deploy", "test", "--ref", "v2");
        assertThat(blue.code()).as(blue.output()).isZero();
        String v2 = hosts.current(web);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(hosts.link(web, "/run/demo/web.sock")).isEqualTo("blue.sock");
        assertServes(hosts, web, v2);

        Site.Run green = hosts.djdeploy(bg, "deploy", "test", "--ref", "v1");
        assertThat(green.code()).as(green.output()).isZero();
        String v1again = hosts.current(web);
        assertThat(hosts.link(web, "/run/demo/web.sock")).isEqualTo("green.sock");
        assertThat(hosts.link(web, "/srv/demo/green")).isEqualTo("releases/" + v1again);
        assertServes(hosts, web, v1again);
        assertThat(Files.readString(host.resolve("log/demo/web-green.log"))).contains("Listening at: unix:/run/demo/green.sock");
    }

    /**
     * Puts the generated supervisor programs and nginx site on the test host, changing only
     * what must differ there, then reloads both over SSH like an operator would.
     */
    static void installGenerated(TestHosts hosts, String web, Path project) throws Exception {
        Path etc = hosts.host(web).resolve("etc");   // the host's /etc/demo

        // supervisor: the test host has no user demo (its own programs run as root too); and
        // scripts/testhosts defines demo-web, demo-web-blue and demo-web-green in supervisord.conf
        // itself: drop those, so the generated ones (same names) are the only definitions
        String programs = Files.readString(project.resolve("deploy/supervisor/demo.conf")).replace("\nuser=demo\n", "\nuser=root\n");
        Files.writeString(etc.resolve("supervisor.d/demo.conf"), programs);
        // every program runs gunicorn with --config /etc/demo/gunicorn.conf.py (the host's etc/)
        Files.copy(project.resolve("deploy/gunicorn.conf.py"), etc.resolve("gunicorn.conf.py"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path main = etc.resolve("supervisord.conf");
        StringBuilder kept = new StringBuilder();
        boolean skip = false;
        for (String line : Files.readAllLines(main)) {
            if (line.startsWith("[")) skip = line.matches("\\[program:demo-web(-blue|-green)?]");
            if (!skip) kept.append(line).append('\n');
        }
        Files.writeString(main, kept.toString());

        // nginx: the machine's /etc/nginx is shared by every host, so the upstream include lives in
        // the host's /etc/demo; and each host owns only its address, not every address's port 80
        String site = Files.readString(project.resolve("deploy/nginx/demo.conf"))
                .replace("include /etc/nginx/snippets/demo-upstream.conf;", "include /etc/demo/demo-upstream.conf;")
                .replace("    listen 80;\n", "    listen " + web + ":80 default_server;\n")
                .replace("    listen [::]:80;\n", "");
        Files.writeString(etc.resolve("demo-site.conf"), site);
        Files.copy(project.resolve("deploy/nginx/demo-upstream.conf"), etc.resolve("demo-upstream.conf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path nginx = etc.resolve("nginx.conf");
        String conf = Files.readString(nginx);
        int server = conf.indexOf("\n    server {");
        if (server > 0) Files.writeString(nginx, conf.substring(0, server) + "\n    include /etc/demo/demo-site.conf;\n}\n");

        ssh(hosts, web, "supervisorctl -c /etc/demo/supervisord.conf reread && supervisorctl -c /etc/demo/supervisord.conf update");
        ssh(hosts, web, "nginx -t -q -c /etc/demo/nginx.conf && nginx -c /etc/demo/nginx.conf -s reload");
        assertThat(ssh(hosts, web, "supervisorctl -c /etc/demo/supervisord.conf avail")).contains("demo-web-blue", "demo-web-green");
    }

    static void assertServes(TestHosts hosts, String web, String release) throws Exception {
        HttpResponse<String> health = null;
        // nginx answers for a moment after a reload with the old workers; the deploy already verified health
        for (int i = 0; i < 20; i++) {
            health = hosts.get(web, "/healthz/");
            if (health.statusCode() == 200 && health.headers().firstValue("X-Release").orElse("").equals(release)) break;
            Thread.sleep(250);
        }
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("X-Release")).contains(release);
        assertThat(health.body()).contains("\"release\": \"" + release + "\"");
        HttpResponse<String> css = hosts.get(web, "/static/notes/site.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).isNotBlank();
    }

    /** ssh to a test host with the options scripts/testhosts uses (its own key and known_hosts, strict). */
    static String ssh(TestHosts hosts, String address, String command) throws Exception {
        Site.Run r = exec(List.of("ssh", "-F", "/dev/null", "-i", hosts.dir.resolve("client_key").toString(), "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + hosts.dir.resolve("known_hosts"), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@" + address, command));
        if (r.code() != 0) throw new IOException("ssh " + address + " " + command + " failed (" + r.code() + "):\n" + r.output());
        return r.output();
    }

    // ------------------------------------------------------------------ helpers

    /** Runs init on a fresh copy of examples/demoapp in {@code tmp}; returns the project. */
    static Path init(Path tmp, String... args) throws IOException {
        return init(tmp, false, args);
    }

    static Path init(Path tmp, boolean celery, String... args) throws IOException {
        Path project = tmp.resolve("demoapp");
        if (!Files.exists(project)) {
            copy(Site.home().resolve("examples/demoapp"), project);
            if (celery) Files.writeString(project.resolve("demo/celery.py"), "app = None\n");
        }
        List<String> a = new ArrayList<>(List.of("init", "--dir", project.toString(), "--host", "web1.example.com",
                "--domain", "demo.example.com", "--repo", "/srv/git/demo.git"));
        if (!List.of(args).contains("--user")) a.addAll(List.of("--user", "deploy"));
        a.addAll(List.of(args));
        StringWriter buf = new StringWriter();
        int code = Main.execute(a.toArray(String[]::new), new PrintWriter(buf, true), new PrintWriter(buf, true));
        if (code != 0) throw new IllegalStateException("init failed (" + code + "):\n" + buf);
        return project;
    }

    static void copy(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                if (p.toString().contains("__pycache__")) continue;
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    static Site.Run exec(List<String> argv) throws Exception {
        return exec(argv, null);
    }

    static Site.Run exec(List<String> argv, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (cwd != null) pb.directory(cwd.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " timed out");
        }
        return new Site.Run(p.exitValue(), out);
    }
}
