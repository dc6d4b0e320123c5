package io.djdeploy.it;

import io.djdeploy.cli.Main;
import io.djdeploy.scaffold.InitProject;
import io.djdeploy.scaffold.SettingsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * init on the example projects shaped like real ones, asking Debian's Django (the probe), then
 * a first deploy of each to a test host with the deploy.yml init wrote. What the test changes
 * is what differs on a test host, not the project: SSH (its key, known_hosts, user root), the
 * host's supervisord and nginx paths, /usr/bin/python3 with system site packages (no PyPI
 * here), and health on the host's own address; plus init's printed next steps (health view,
 * shared folders and links) and the env file's values.
 */
@ExtendWith(TestHostsExtension.class)
class InitExamplesIT {
    static final SettingsProbe DEBIAN = SettingsProbe.using(List.of(Path.of("/usr/bin/python3")));

    @Test
    void splitSettingsWithRootsOutsideBaseDirAreAskedAndTheFirstDeployPasses(@TempDir Path tmp, TestHosts hosts) throws Exception {
        // given: examples/splitsettings (manage.py defaults to shop.settings.dev; DJANGO_SECRET_KEY;
        // MEDIA_ROOT and STATIC_ROOT one level above BASE_DIR)
        Path project = tmp.resolve("shop");
        InitIT.copy(Site.home().resolve("examples/splitsettings"), project);

        // when: Django is asked
        InitProject p = InitProject.detect(project, null, DEBIAN);

        // then
        assertThat(p.source()).startsWith("Django ");
        assertThat(p.settingsModule()).isEqualTo("shop.settings.production");
        assertThat(p.mediaRoot()).isEqualTo("../media");
        assertThat(p.staticRoot()).isEqualTo("../static_collected");
        assertThat(p.sslHeader()).isEqualTo("X-Forwarded-Proto");
        assertThat(p.wsgiApp()).isEqualTo("shop.wsgi:application");
        assertThat(p.requiredEnv()).containsExactly("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SHOP_DB_PATH");
        assertThat(p.envKeys()).containsExactlyInAnyOrder("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS",
                "DJANGO_CSRF_TRUSTED_ORIGINS", "SHOP_DB_PATH", "SENTRY_DSN");
        assertThat(p.python()).isEqualTo("3.11");
        assertThat(p.warnings()).noneMatch(w -> w.contains("guessed"));

        // and the first deploy passes with the files init wrote
        deploy(hosts, tmp, project, "shop", List.of("../media", "../static_collected"), "SHOP_DB_PATH=/srv/demo/shared/shop.sqlite3");
        String web = hosts.addresses.get(0);
        assertThat(hosts.link(web, "/srv/demo/releases/media")).isEqualTo("../shared/media");
    }

    @Test
    void aPyprojectProjectIsAskedAndTheFirstDeployPasses(@TempDir Path tmp, TestHosts hosts) throws Exception {
        Path project = tmp.resolve("blog");
        InitIT.copy(Site.home().resolve("examples/pyprojectapp"), project);

        InitProject p = InitProject.detect(project, null, DEBIAN);

        assertThat(p.source()).startsWith("Django ");
        assertThat(p.settingsModule()).isEqualTo("blog.settings");
        assertThat(p.pyproject()).isTrue();
        assertThat(p.gunicorn()).isTrue();
        assertThat(p.requirements()).isEmpty();
        assertThat(p.python()).isEqualTo("3.10");
        assertThat(p.mediaRoot()).isEqualTo("uploads");
        assertThat(p.requiredEnv()).containsExactly("BLOG_SECRET_KEY");

        deploy(hosts, tmp, project, "blog", List.of(), "BLOG_ALLOWED_HOSTS=127.0.0.1,localhost," + hosts.addresses.get(0));
    }

    /** init (supervisor, restart, as root), the next steps, the env file's values, then `deploy`. */
    static void deploy(TestHosts hosts, Path tmp, Path project, String pkg, List<String> outside, String extraEnv) throws Exception {
        String web = hosts.addresses.get(0);
        // the project in git, as the hosts clone it
        git(project, "init", "-q", "-b", "main");
        git(project, "add", "-A");
        git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        List<String> a = new ArrayList<>(List.of("init", "--dir", project.toString(), "--host", web, "--user", "root", "--domain", "shop.example.com",
                "--repo", project.toString(), "--app", "demo", "--manager", "supervisor", "--strategy", "restart", "--python", "/usr/bin/python3"));
        StringWriter buf = new StringWriter();
        int code = Main.execute(a.toArray(String[]::new), new PrintWriter(buf, true), new PrintWriter(buf, true));
        assertThat(code).as(buf.toString()).isZero();
        assertThat(buf.toString()).startsWith("Asked Django");

        // next step 1: the health view, committed
        Files.copy(project.resolve("deploy/healthz.py"), project.resolve(pkg + "/healthz.py"));
        Path urls = project.resolve(pkg + "/urls.py");
        Files.writeString(urls, Files.readString(urls) + "\nfrom " + pkg + ".healthz import healthz  # noqa: E402\n\nurlpatterns.append(path(\"healthz/\", healthz))\n");
        git(project, "add", "-A");
        git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "health view and deploy files");

        // next step 2: shared folders, and links for the roots next to the release
        StringBuilder prep = new StringBuilder("mkdir -p /srv/demo/shared/media /srv/demo/releases");
        for (String root : outside) {
            String n = root.substring(3);
            prep.append(" && mkdir -p /srv/demo/shared/").append(n).append(" && ln -sfn shared/").append(n).append(" /srv/demo/").append(n)
                    .append(" && ln -sfn ../shared/").append(n).append(" /srv/demo/releases/").append(n);
        }
        hosts.onHost(web, prep.toString());

        // the env file: init's template with the values filled in
        String env = Files.readString(project.resolve("deploy/env.example"))
                .replaceAll("(?m)^(\\w*SECRET_KEY)=replace-me$", "$1=" + "k".repeat(20) + "-not-a-real-secret-but-long-enough-" + "x".repeat(20))
                .replace("shop.example.com,127.0.0.1", "shop.example.com,127.0.0.1," + web);
        for (String kv : extraEnv.split("\n")) {
            String k = kv.substring(0, kv.indexOf('='));
            env = env.replaceAll("(?m)^(# )?" + k + "=.*$", kv);
        }
        Path envFile = hosts.host(web).resolve("etc/demo.env");
        Files.writeString(envFile, env);
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r-----"));

        InitIT.installGenerated(hosts, web, project);

        // deploy.yml as init wrote it, with what differs on a test host
        String yml = Files.readString(project.resolve("deploy.yml"))
                .replace("  interpreter: python3 ", "  interpreter: /usr/bin/python3\n  system_site_packages: true  #")
                .replace("http://127.0.0.1/healthz/", "http://" + web + "/healthz/")
                .replace("/etc/nginx/sites-available/demo.conf", "/etc/demo/demo-site.conf")
                .replace("web:\n", "web:\n  reload: supervisorctl -c /etc/demo/supervisord.conf restart demo-web\n")
                .replace("        user: root\n", "")
                + "ssh:\n  user: root\n  identity_file: " + hosts.dir.resolve("client_key") + "\n  known_hosts: " + hosts.dir.resolve("known_hosts") + "\n";
        Path config = project.resolve("deploy.test.yml");
        Files.writeString(config, yml);

        Site.Run run = hosts.djdeploy(config, "deploy", "production", "--ref", "main");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("python.version");
        String release = hosts.current(web);
        var health = hosts.get(web, "/healthz/");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("X-Release")).contains(release);
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Site.Run r = InitIT.exec(argv);
        if (r.code() != 0) throw new IllegalStateException(String.join(" ", argv) + ":\n" + r.output());
    }
}
