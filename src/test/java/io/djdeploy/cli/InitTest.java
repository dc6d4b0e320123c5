package io.djdeploy.cli;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.DeployConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.WebConfig;
import io.djdeploy.scaffold.InitProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `djdeploy init` on copies of the example app and variants of it; no terminal, so nothing is asked. */
class InitTest {
    static final String[] FLAGS = {"--host", "web1.example.com,web2.example.com", "--user", "deploy", "--domain", "shop.example.com",
            "--repo", "git@github.com:acme/demo.git", "--python", "none"};   // text only: asking Django is InitExamplesIT's

    record Run(int code, String out) {}

    static Run init(Path dir, String... args) {
        List<String> a = new ArrayList<>(List.of("init", "--dir", dir.toString()));
        a.addAll(List.of(args));
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(a.toArray(String[]::new), w, w);
        return new Run(code, buf.toString());
    }

    static String[] flags(String... more) {
        List<String> a = new ArrayList<>(List.of(FLAGS));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** A copy of examples/demoapp. */
    static Path demo(Path tmp) throws IOException {
        Path src = Path.of(System.getProperty("djdeploy.home", ".")).resolve("examples/demoapp").toAbsolutePath();
        Path dst = tmp.resolve("demoapp");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                if (p.toString().contains("__pycache__")) continue;
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dst;
    }

    static DeployConfig load(Path dir) throws Exception {
        return new ConfigLoader(Map.of()).load(dir.resolve("deploy.yml"));
    }

    @Test
    void detectsTheExampleApp(@TempDir Path tmp) throws Exception {
        InitProject p = InitProject.detect(demo(tmp));

        assertThat(p.settingsModule()).isEqualTo("demo.settings");
        assertThat(p.packageName()).isEqualTo("demo");
        assertThat(p.defaultApp()).isEqualTo("demo");
        assertThat(p.wsgiApp()).isEqualTo("demo.wsgi:application");
        assertThat(p.requirements()).containsExactly("requirements.txt");
        assertThat(p.staticUrl()).isEqualTo("/static/");
        assertThat(p.staticRoot()).isEqualTo("staticfiles");   // env("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
        assertThat(p.mediaRoot()).isEqualTo("media");
        assertThat(p.sslHeader()).isEqualTo("X-Forwarded-Proto");
        assertThat(p.sslValue()).isEqualTo("https");
        assertThat(p.celery()).isFalse();
        assertThat(p.readsEnvFile()).isTrue();
        assertThat(p.envKeys()).startsWith("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
                .contains("DB_PASSWORD", "LOG_LEVEL").doesNotContain("DJANGO_ENV_FILE", "DJANGO_SETTINGS_MODULE");
        assertThat(p.urlsModule()).isEqualTo("demo.urls");
        assertThat(p.warnings()).containsExactly("read the settings as text and guessed what follows: check it");
    }

    @Test
    void detectsASettingsPackageWithABaseModuleCeleryAndARequirementsFolder(@TempDir Path tmp) throws Exception {
        // given: shop/settings/{base,production}.py, shop/celery.py, requirements/{base,production,dev}.txt, no requirements.txt
        Path dir = tmp.resolve("shop");
        Files.createDirectories(dir.resolve("shop/settings"));
        Files.createDirectories(dir.resolve("requirements"));
        Files.writeString(dir.resolve("manage.py"), "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.production')\n");
        Files.writeString(dir.resolve("shop/__init__.py"), "");
        Files.writeString(dir.resolve("shop/settings/__init__.py"), "");
        Files.writeString(dir.resolve("shop/settings/base.py"), """
                import os
                BASE_DIR = Path(__file__).resolve().parent.parent.parent
                SECRET_KEY = os.environ["SECRET_KEY"]
                DATABASE_URL = os.environ["DATABASE_URL"]
                ROOT_URLCONF = "shop.urls_main"
                STATIC_URL = "assets/"
                STATIC_ROOT = os.path.join(BASE_DIR, 'public', 'assets')
                MEDIA_ROOT = "/var/lib/shop/media"
                # SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
                """);
        Files.writeString(dir.resolve("shop/settings/production.py"), """
                from .base import *  # noqa
                SECURE_PROXY_SSL_HEADER = ("HTTP_X_SCHEME", "https")
                SENTRY_DSN = os.getenv("SENTRY_DSN", "")
                """);
        Files.writeString(dir.resolve("shop/wsgi.py"), "application = None\n");
        Files.writeString(dir.resolve("shop/celery.py"), "app = None\n");
        Files.writeString(dir.resolve("requirements/base.txt"), "Django>=4.2\n");
        Files.writeString(dir.resolve("requirements/production.txt"), "-r base.txt\ngunicorn\n");
        Files.writeString(dir.resolve("requirements/dev.txt"), "pytest\n");

        // when
        InitProject p = InitProject.detect(dir);

        // then
        assertThat(p.settingsModule()).isEqualTo("shop.settings.production");
        assertThat(p.wsgiApp()).isEqualTo("shop.wsgi:application");
        assertThat(p.requirements()).containsExactly("requirements/production.txt");
        assertThat(p.staticUrl()).isEqualTo("/assets/");
        assertThat(p.staticRoot()).isEqualTo("public/assets");
        assertThat(p.mediaRoot()).isEqualTo("/var/lib/shop/media");
        assertThat(p.sslHeader()).isEqualTo("X-Scheme");     // the commented-out X-Forwarded-Proto does not count
        assertThat(p.celery()).isTrue();
        assertThat(p.requiredEnv()).containsExactly("SECRET_KEY", "DATABASE_URL");
        assertThat(p.envKeys()).containsExactly("SECRET_KEY", "DATABASE_URL", "SENTRY_DSN");
        assertThat(p.urlsModule()).isEqualTo("shop.urls_main");

        // and init writes what follows from that
        Run r = init(dir, flags("--manager", "supervisor"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(dir.resolve("deploy/systemd/shop-celery.service")).exists();
        assertThat(dir.resolve("deploy/systemd/shop-beat.service")).exists();
        assertThat(Files.readString(dir.resolve("deploy/nginx/shop.conf"))).contains("proxy_set_header X-Scheme $scheme;",
                "location /assets/ {\n        alias /srv/shop/current/public/assets/;", "alias /var/lib/shop/media/;");
        assertThat(Files.readString(dir.resolve("deploy/env.example"))).contains("SECRET_KEY=replace-me\n",
                "# required: the settings read os.environ[\"DATABASE_URL\"]\nDATABASE_URL=\n", "# SENTRY_DSN=\n");
        String programs = Files.readString(dir.resolve("deploy/supervisor/shop.conf"));
        assertThat(programs).contains("[program:shop-celery]", "[program:shop-beat]");
        // a worker's restart is graceful: TERM to celery's main process only (CeleryIT shows a running task finishing)
        String worker = programs.substring(programs.indexOf("[program:shop-celery]"), programs.indexOf("[program:shop-beat]"));
        assertThat(worker).contains("stopsignal=TERM", "\nstopasgroup=false", "\nkillasgroup=true");
        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.python().requirements()).containsExactly("requirements/production.txt");
        assertThat(env.django().settings()).isEqualTo("shop.settings.production");
        assertThat(env.shared().dirs()).isEmpty();          // MEDIA_ROOT is outside the release
        assertThat(env.checks().requiredEnv()).containsExactly("SECRET_KEY", "DATABASE_URL");
        assertThat(env.workers().restart()).isEqualTo("sudo -n supervisorctl restart {app}-celery");
        assertThat(env.hosts().get(0).roles()).containsExactly("web", "migrate", "worker", "beat");
        assertThat(env.hosts().get(1).roles()).containsExactly("web", "worker");
        assertThat(r.out()).contains("supervisor cannot load an env file");
    }

    @Test
    void writesEveryFileAndTheConfigLoads(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        Run r = init(dir, FLAGS);

        assertThat(r.code()).as(r.out()).isZero();
        for (String f : List.of("deploy.yml", "deploy/systemd/demo-web@.service", "deploy/systemd/demo-web.service",
                "deploy/systemd/demo-web.socket", "deploy/supervisor/demo.conf", "deploy/nginx/demo.conf",
                "deploy/nginx/demo-upstream.conf", "deploy/env.example", "deploy/healthz.py", ".github/workflows/deploy.yml",
                ".gitlab-ci.yml", "deploy/CHECKLIST.md")) {
            assertThat(dir.resolve(f)).as(f).isRegularFile();
            assertThat(r.out()).contains("  " + f + "\n");
        }
        // no Celery in the example app: no units for it
        assertThat(dir.resolve("deploy/systemd/demo-celery.service")).doesNotExist();
        assertThat(r.out()).contains("Next steps:", "demo/healthz.py");
        // both ways the code can reach the hosts
        assertThat(r.out()).contains("git.mode: host, the default", "read-only deploy key", "git.reachable", "git: {mode: upload}");

        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.app()).isEqualTo("demo");
        assertThat(env.deployTo()).isEqualTo("/srv/demo");
        assertThat(env.web().strategy()).isEqualTo(WebConfig.Strategy.BLUE_GREEN);
        assertThat(env.web().start()).isEqualTo("sudo -n systemctl start {app}-web@{color}");
        assertThat(env.web().stop()).isEqualTo("sudo -n systemctl stop {app}-web@{color}");
        assertThat(env.health().url()).isEqualTo("http://127.0.0.1/healthz/");
        assertThat(env.django().envFile()).isEqualTo("/etc/demo/demo.env");
        assertThat(env.shared().dirs()).containsExactly("media");
        assertThat(env.hosts()).extracting(h -> h.host()).containsExactly("web1.example.com", "web2.example.com");
        assertThat(env.hosts().get(0).roles()).containsExactly("web", "migrate");

        // the checklist is what `djdeploy checklist production` prints for this deploy.yml (but for the new release id)
        Run checklist = run("checklist", "production", "-c", dir.resolve("deploy.yml").toString());
        String written = Files.readString(dir.resolve("deploy/CHECKLIST.md"));
        assertThat(written).startsWith("# Release checklist: demo production main\n").contains("## SWITCH", "from deploy.yml.");
        assertThat(withoutIds(written)).isEqualTo(withoutIds(checklist.out().replace(dir.resolve("deploy.yml").toString(), "deploy.yml")));
        // a person following it logs in first, and never prints the env file's secrets on their terminal
        String firstCommand = written.substring(written.indexOf("```sh\n") + 6).lines().findFirst().orElseThrow().strip();
        assertThat(firstCommand).isEqualTo("ssh deploy@web1.example.com");
        assertThat(written).doesNotContain("cat /etc/demo/demo.env").contains("cut -d= -f1 /etc/demo/demo.env");
        // and a staging environment stands next to production
        assertThat(load(dir).environments()).containsKeys("production", "staging");
        assertThat(load(dir).environments().get("staging").hosts()).extracting(h -> h.host()).containsExactly("staging.shop.example.com");

        String env0 = Files.readString(dir.resolve("deploy/env.example"));
        assertThat(env0).contains("SECRET_KEY=replace-me\n", "ALLOWED_HOSTS=shop.example.com,127.0.0.1\n",
                "CSRF_TRUSTED_ORIGINS=https://shop.example.com\n", "root", "0640", "secrets.token_urlsafe");
        String healthz = Files.readString(dir.resolve("deploy/healthz.py"));
        assertThat(healthz).contains("\"X-Release\"", "{\"status\": \"ok\", \"release\": release}", "REVISION", "path(\"healthz/\", healthz)",
                "demo/urls.py");
    }

    @Test
    void containerRuntimeWritesADockerfileAndAConfigThatLoads(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        Run r = init(dir, flags("--runtime", "container"));

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("  Dockerfile\n", "  .dockerignore\n", "docker login registry.shop.example.com on each host")
                .doesNotContain("CHECKLIST.md");
        assertThat(dir.resolve("deploy/CHECKLIST.md")).doesNotExist();
        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.containers()).isTrue();
        assertThat(env.image().name("20261201060000")).isEqualTo("registry.shop.example.com/demo:20261201060000");
        assertThat(env.image().baseImage()).isEqualTo("python:3.12-slim");

        String df = Files.readString(dir.resolve("Dockerfile"));
        assertThat(df).doesNotContain("{{").contains("ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\n",
                "DJANGO_SETTINGS_MODULE=demo.settings", "useradd --system", "USER demo\n", "CMD [\"gunicorn\", \"demo.wsgi:application\"]",
                "pip install --no-cache-dir --disable-pip-version-check -r requirements.txt", "manage.py collectstatic --noinput");
        // the requirements layer comes before the code, the code before collectstatic, root's until USER
        assertThat(df.indexOf("COPY requirements.txt ./")).isPositive().isLessThan(df.indexOf("COPY . ."));
        assertThat(df.indexOf("COPY . .")).isLessThan(df.indexOf("collectstatic")).isLessThan(df.indexOf("USER demo"));
        assertThat(Files.readString(dir.resolve(".dockerignore")).lines()).contains(".git", ".venv", "media");

        // no command acts on a container environment yet: refused before anything connects
        Run plan = run("plan", "production", "-c", dir.resolve("deploy.yml").toString());
        assertThat(plan.code()).as(plan.out()).isEqualTo(3);
        assertThat(plan.out()).contains("environments.production: runtime: container is not supported by this command yet");
    }

    @Test
    void runtimeAndRegistryFlagsAreChecked(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        assertThat(init(dir, flags("--runtime", "docker")).out()).contains("--runtime: 'docker' is not virtualenv or container");
        assertThat(init(dir, flags("--registry", "registry.example.com")).out()).contains("--registry: only with --runtime container");
        Run bad = init(dir, flags("--runtime", "container", "--registry", "https://registry.example.com"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).contains("--registry: 'https://registry.example.com' is not a registry address");
        assertThat(dir.resolve("Dockerfile")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"systemd,restart", "systemd,reload", "systemd,blue-green", "supervisor,restart", "supervisor,reload", "supervisor,blue-green"})
    void everyManagerAndStrategyGivesAConfigThatLoads(String manager, String strategy, @TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        Run r = init(dir, "--host", "web1.example.com", "--user", "root", "--domain", "shop.example.com", "--repo", "/srv/git/demo.git",
                "--manager", manager, "--strategy", strategy, "--app", "shop", "--deploy-to", "/opt/shop");

        assertThat(r.code()).as(r.out()).isZero();
        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.app()).isEqualTo("shop");
        assertThat(env.deployTo()).isEqualTo("/opt/shop");
        assertThat(env.web().strategy().label()).isEqualTo(strategy);
        boolean systemd = manager.equals("systemd");
        // as root: no sudo; the manager supplies the commands
        switch (strategy) {
            case "restart" -> assertThat(env.web().reload()).isEqualTo(systemd ? "systemctl restart {app}-web" : "supervisorctl restart {app}-web");
            case "reload" -> assertThat(env.web().reload()).isEqualTo(systemd ? "systemctl reload {app}-web" : "supervisorctl signal HUP {app}-web");
            default -> assertThat(env.web().start()).isEqualTo(systemd ? "systemctl start {app}-web@{color}" : "supervisorctl start {app}-web-{color}");
        }
        assertThat(Files.readString(dir.resolve("deploy/systemd/shop-web@.service"))).contains("--chdir /opt/shop/%i");
        // the plain supervisor program starts at boot unless the colors run the site
        assertThat(Files.readString(dir.resolve("deploy/supervisor/shop.conf")))
                .contains("[program:shop-web]\ncommand=/bin/sh -c 'set -a; . /etc/shop/shop.env; set +a; exec /opt/shop/current/.venv/bin/python")
                .contains(strategy.equals("blue-green") ? "logfile_backups=5\n\n; blue-green" : "autostart=true");
    }

    @Test
    @SuppressWarnings("unchecked")
    void bothCiWorkflowsAreYamlWithTheExpectedSteps(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);
        assertThat(init(dir, FLAGS).code()).isZero();

        Load yaml = new Load(LoadSettings.builder().build());
        String gh = Files.readString(dir.resolve(".github/workflows/deploy.yml"));
        Map<?, ?> github = (Map<?, ?>) yaml.loadFromString(gh);
        Map<?, ?> job = (Map<?, ?>) ((Map<?, ?>) github.get("jobs")).get("deploy");
        List<?> steps = (List<?>) job.get("steps");
        String all = String.join("\n", steps.stream().map(Object::toString).toList());
        assertThat(all).contains("actions/checkout@v4", "java-version=17", "manage.py test", "djdeploy migrations --local .",
                "djdeploy deploy production --ref \"$GITHUB_SHA\"", "DEPLOY_SSH_KEY=${{ secrets.DEPLOY_SSH_KEY }}");
        assertThat(all.indexOf("manage.py test")).isLessThan(all.indexOf("migrations --local")).isLessThan(all.indexOf("deploy production"));
        // the key goes to a 0600 file through the environment, never onto a command line or the log
        assertThat(gh).contains("umask 077 && printf '%s\\n' \"$DEPLOY_SSH_KEY\" > ~/.ssh/djdeploy_key")
                .doesNotContain("echo \"$DEPLOY_SSH_KEY", "echo $DEPLOY_SSH_KEY", "set -x");
        assertThat(gh.lines().filter(l -> l.contains("secrets.")).toList()).allMatch(l -> l.strip().matches("[A-Z_]+: \\$\\{\\{ secrets\\.[A-Z_]+ }}"));
        assertThat(((Map<?, ?>) github.get("concurrency")).get("cancel-in-progress")).isEqualTo(false);

        String gl = Files.readString(dir.resolve(".gitlab-ci.yml"));
        Map<?, ?> gitlab = (Map<?, ?>) yaml.loadFromString(gl);
        Map<?, ?> deploy = (Map<?, ?>) gitlab.get("deploy");
        assertThat(deploy.get("resource_group")).isEqualTo("production");
        assertThat(deploy.get("interruptible")).isEqualTo(false);
        assertThat(String.valueOf(deploy.get("before_script"))).contains("openjdk-17", "install -m 0600 \"$DEPLOY_SSH_KEY\" ~/.ssh/djdeploy_key");
        assertThat((List<Object>) deploy.get("script")).hasSize(2).last().isEqualTo("djdeploy deploy production --ref \"$CI_COMMIT_SHA\"");
        assertThat((String) ((List<Object>) deploy.get("script")).get(0)).contains("djdeploy migrations --local . --since \"$since\" || [ $? -eq 10 ]");
        assertThat(String.valueOf(((Map<?, ?>) gitlab.get("test")).get("script"))).contains("manage.py test");
    }

    @Test
    void anExistingFileStopsInitBeforeItWritesAnythingUnlessForced(@TempDir Path tmp) throws Exception {
        // given: the project already has its own .gitlab-ci.yml
        Path dir = demo(tmp);
        Files.writeString(dir.resolve(".gitlab-ci.yml"), "mine\n");

        // when
        Run refused = init(dir, FLAGS);

        // then: exit 2, the file is named, nothing was written
        assertThat(refused.code()).as(refused.out()).isEqualTo(2);
        assertThat(refused.out()).contains("not overwriting", ".gitlab-ci.yml", "nothing was written", "--force");
        assertThat(refused.out().lines().filter(l -> l.startsWith("djdeploy: error:")).count()).isEqualTo(1);
        assertThat(dir.resolve("deploy.yml")).doesNotExist();
        assertThat(dir.resolve("deploy")).doesNotExist();
        assertThat(Files.readString(dir.resolve(".gitlab-ci.yml"))).isEqualTo("mine\n");

        // when: forced
        Run forced = init(dir, flags("--force"));

        // then
        assertThat(forced.code()).as(forced.out()).isZero();
        assertThat(forced.out()).contains("replaced 1");
        assertThat(Files.readString(dir.resolve(".gitlab-ci.yml"))).contains("djdeploy deploy production");

        // and a second run refuses again, listing everything it wrote
        Run again = init(dir, FLAGS);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.out()).contains("deploy.yml", "deploy/CHECKLIST.md", "deploy/nginx/demo.conf");
    }

    @Test
    void missingValuesWithoutATerminalNameTheFlags(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        Run r = init(dir, "--user", "deploy");

        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out().strip()).startsWith("djdeploy: error: missing --host, --domain, --repo").doesNotContain("\n");
        assertThat(dir.resolve("deploy.yml")).doesNotExist();
    }

    @Test
    void onATerminalMissingValuesAreAskedFor(@TempDir Path tmp) throws Exception {
        // given: a terminal that answers each question
        Path dir = demo(tmp);
        InitCommand cmd = new InitCommand();
        List<String> asked = new ArrayList<>();
        cmd.prompt = q -> {
            asked.add(q);
            return q.startsWith("Host") ? "a.example.com, b.example.com" : q.startsWith("SSH") ? "deploy"
                    : q.startsWith("Public") ? "shop.example.com" : "git@example.com:acme/demo.git";
        };
        StringWriter buf = new StringWriter();

        // when
        int code = new picocli.CommandLine(cmd).setOut(new PrintWriter(buf, true)).execute("--dir", dir.toString(), "--python", "none");

        // then
        assertThat(code).as(buf.toString()).isZero();
        assertThat(asked).hasSize(4);
        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.hosts()).extracting(h -> h.host()).containsExactly("a.example.com", "b.example.com");
        assertThat(env.repo()).isEqualTo("git@example.com:acme/demo.git");
    }

    @Test
    void badValuesAndPlacesAreUsageErrors(@TempDir Path tmp) throws Exception {
        Path dir = demo(tmp);

        assertThat(init(dir, flags("--strategy", "canary")).out()).contains("--strategy: 'canary' is not restart, reload or blue-green");
        assertThat(init(dir, flags("--manager", "runit")).code()).isEqualTo(2);
        assertThat(init(dir, flags("--deploy-to", "srv/demo")).out()).contains("--deploy-to");
        assertThat(init(dir, flags("--app", "Demo App")).out()).contains("--app: 'Demo App'");
        assertThat(init(dir, "--host", "web1;reboot", "--user", "deploy", "--domain", "x.example.com", "--repo", "/r").out()).contains("--host");
        Run notDjango = init(tmp, FLAGS);
        assertThat(notDjango.code()).isEqualTo(2);
        assertThat(notDjango.out()).contains("no manage.py in");
        assertThat(dir.resolve("deploy.yml")).doesNotExist();
    }

    @Test
    void theRepoAndBranchComeFromTheCheckout(@TempDir Path tmp) throws Exception {
        // given: a .git with an origin and a branch checked out
        Path dir = demo(tmp);
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://git.example.com/acme/demo.git\n"
                + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/production\n");

        Run r = init(dir, "--host", "web1.example.com", "--user", "deploy", "--domain", "shop.example.com");

        assertThat(r.code()).as(r.out()).isZero();
        DeployConfig cfg = load(dir);
        assertThat(cfg.environments().get("production").repo()).isEqualTo("https://git.example.com/acme/demo.git");
        assertThat(cfg.environments().get("production").ref()).isEqualTo("production");
        assertThat(Files.readString(dir.resolve(".github/workflows/deploy.yml"))).contains("branches: [production]");
    }

    @Test
    void initRendersTheProjectsTemplatesAndStopsOnABrokenOne(@TempDir Path tmp) throws Exception {
        // given: the project overrides the health view
        Path dir = demo(tmp);
        Path view = dir.resolve("deploy/templates/django/healthz.py");
        Files.createDirectories(view.getParent());
        Files.writeString(view, "# our own health view for {{package}}\n");

        // when
        Run ok = init(dir, flags());

        // then: written from the project's template
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(Files.readString(dir.resolve("deploy/healthz.py"))).isEqualTo("# our own health view for demo\n");

        // given: a placeholder the template does not have
        Files.writeString(view, "# {{package}}\nfrom {{pakage}} import settings\n");

        // when
        Run bad = init(dir, flags("--force"));

        // then: a config error naming the file and line, and nothing rewritten
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.out()).contains("djdeploy: error: " + view + ":2: unknown placeholder {{pakage}} (this template has: package, urls_file)");
        assertThat(Files.readString(dir.resolve("deploy/healthz.py"))).isEqualTo("# our own health view for demo\n");
    }

    static Run run(String... args) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(args, w, w);
        return new Run(code, buf.toString());
    }

    static String withoutIds(String s) {
        return s.replaceAll("\\d{14}", "<id>");
    }
}
