package io.djdeploy.scaffold;

import io.djdeploy.config.WebConfig.Manager;
import io.djdeploy.config.WebConfig.Strategy;
import io.djdeploy.template.TemplateException;
import io.djdeploy.template.TextTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The files init renders from templates, read back as what they are (YAML here; nginx, systemd, bash and Python in InitIT and TemplatesIT). */
class InitFilesTest {
    static InitProject project(List<String> requirements) {
        return new InitProject(Path.of("/x"), "shop", "shop.settings", "shop.wsgi:application", requirements,
                "/static/", "staticfiles", "/media/", "media", null, null, false,
                List.of("SECRET_KEY"), List.of(), true, "git@example.com:shop.git", "main", List.of(), List.of(), null, null, null, false, true);
    }

    static final InitFiles.Choices CHOICES = new InitFiles.Choices("shop", List.of("web1.example.com"), "deploy", "shop.example.com",
            "/srv/shop", Manager.SYSTEMD, Strategy.BLUE_GREEN, "git@example.com:shop.git", "trunk");

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    @SuppressWarnings("unchecked")
    static Object at(Object node, Object... path) {
        Object n = node;
        for (Object k : path) n = k instanceof Integer i ? ((List<Object>) n).get(i) : ((Map<String, Object>) n).get(k);
        return n;
    }

    @Test
    void theDockerfileCopiesRequirementsFilesWithTheirDirectories() {
        // a file in a directory may -r its siblings: the whole directory comes first
        String df = ContainerFiles.dockerfile(TextTemplates.builtIn(), project(List.of("requirements.txt", "req/prod.txt", "req/base.txt")), "shop");
        assertThat(df).contains("COPY requirements.txt ./\nCOPY req/ req/\nRUN python3 -m venv",
                "pip install --no-cache-dir --disable-pip-version-check -r requirements.txt -r req/prod.txt -r req/base.txt\n");
        assertThat(df.indexOf("COPY req/ req/")).isLessThan(df.indexOf("COPY . ."));

        // no requirements files: the venv only, no pip install without arguments
        String none = ContainerFiles.dockerfile(TextTemplates.builtIn(), project(List.of()), "shop");
        assertThat(none).contains("RUN python3 -m venv --system-site-packages \"$VIRTUAL_ENV\"\n").doesNotContain("pip install");
    }

    @Test
    void theGithubWorkflowIsYamlThatDeploysThePushedCommit() {
        for (List<String> req : List.of(List.of("requirements.txt", "req/prod.txt"), List.<String>of())) {
            // when
            Map<String, Object> wf = yaml(InitFiles.githubWorkflow(TextTemplates.builtIn(), project(req), CHOICES));

            // then: pushes to the branch deploy production, one at a time, secrets only through env
            // (YAML 1.2: the key "on" stays a string)
            assertThat(at(wf, "on", "push", "branches")).isEqualTo(List.of("trunk"));
            assertThat(at(wf, "concurrency", "group")).isEqualTo("deploy-production");
            assertThat(at(wf, "concurrency", "cancel-in-progress")).isEqualTo(false);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) at(wf, "jobs", "deploy", "steps");
            assertThat(steps).extracting(s -> s.get("name")).contains("Install the requirements", "Run the tests", "Migration plan",
                    "SSH key and known hosts", "Deploy", "Remove the key");
            Map<String, Object> key = steps.stream().filter(s -> "SSH key and known hosts".equals(s.get("name"))).findFirst().orElseThrow();
            assertThat(at(key, "env", "DEPLOY_SSH_KEY")).isEqualTo("${{ secrets.DEPLOY_SSH_KEY }}");
            assertThat((String) at(key, "run")).doesNotContain("secrets.");
            String install = (String) at(steps.stream().filter(s -> "Install the requirements".equals(s.get("name"))).findFirst().orElseThrow(), "run");
            assertThat(install).isEqualTo(req.isEmpty() ? "python -m venv .venv\n"
                    : "python -m venv .venv\n.venv/bin/pip install -r requirements.txt -r req/prod.txt\n");
            String deploy = (String) at(steps.stream().filter(s -> "Deploy".equals(s.get("name"))).findFirst().orElseThrow(), "run");
            assertThat(deploy).contains("djdeploy deploy production --ref \"$GITHUB_SHA\"");
            assertThat(at(wf, "jobs", "deploy", "env", "DJANGO_SETTINGS_MODULE")).isEqualTo("shop.settings");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGithubWorkflowDeploysOnlyFromTheBranchCachesPipAndPinsDjdeploy() {
        Map<String, Object> wf = yaml(InitFiles.githubWorkflow(TextTemplates.builtIn(), project(List.of("requirements.txt", "req/prod.txt")), CHOICES));
        // a manual run on another branch deploys nothing
        assertThat(at(wf, "jobs", "deploy", "if")).isEqualTo("github.event_name == 'push' || github.ref == 'refs/heads/trunk'");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) at(wf, "jobs", "deploy", "steps");
        Map<String, Object> python = steps.stream().filter(s -> "actions/setup-python@v5".equals(s.get("uses"))).findFirst().orElseThrow();
        assertThat(at(python, "with", "cache")).isEqualTo("pip");
        assertThat(at(python, "with", "cache-dependency-path")).isEqualTo("requirements.txt\nreq/prod.txt\n");
        // djdeploy is the pinned version, checked against the pinned SHA-256 before it runs
        Map<String, Object> install = steps.stream().filter(s -> "Install djdeploy".equals(s.get("name"))).findFirst().orElseThrow();
        assertThat(at(install, "env", "DJDEPLOY_VERSION")).isEqualTo(CiValues.Pin.current().version());
        String run = (String) at(install, "run");
        assertThat(run.indexOf("sha256sum -c")).isPositive().isLessThan(run.indexOf("tar -xzf")).isLessThan(run.indexOf("GITHUB_PATH"));
        // the plan shows what the change adds
        String plan = (String) at(steps.stream().filter(s -> "Migration plan".equals(s.get("name"))).findFirst().orElseThrow(), "run");
        assertThat(plan).contains("since=\"origin/trunk\"", "djdeploy migrations --local . --since \"$since\"");
        assertThat(at(steps.get(0), "with", "fetch-depth")).isEqualTo(0);
        // SQLite settings: no database service
        assertThat(at(wf, "jobs", "deploy", "services")).isNull();
    }

    @Test
    void testsGetAPostgresqlServiceWhenTheSettingsUseIt(@TempDir Path dir) throws Exception {
        // given: settings naming the postgresql backend
        Files.createDirectories(dir.resolve("shop"));
        Files.writeString(dir.resolve("shop/settings.py"), "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n");
        InitProject pg = new InitProject(dir, "shop", "shop.settings", "shop.wsgi:application", List.of(),
                "/static/", "staticfiles", "/media/", "media", null, null, false, List.of(), List.of(), true, null, "main", List.of());

        // then: both CI files start a PostgreSQL service for the tests and point libpq at it
        Map<String, Object> wf = yaml(InitFiles.githubWorkflow(TextTemplates.builtIn(), pg, CHOICES));
        assertThat(at(wf, "jobs", "deploy", "services", "postgres", "image")).isEqualTo("postgres:16");
        assertThat(at(wf, "jobs", "deploy", "env", "PGHOST")).isEqualTo("localhost");
        Map<String, Object> ci = yaml(InitFiles.gitlabCi(TextTemplates.builtIn(), pg, CHOICES));
        assertThat(at(ci, "test", "services", 0)).isEqualTo("postgres:16");
        assertThat(at(ci, "test", "variables", "PGHOST")).isEqualTo("postgres");
        assertThat(at(ci, "variables", "PIP_CACHE_DIR")).isEqualTo("$CI_PROJECT_DIR/.cache/pip");

        // and a requirements file with psycopg says the same
        Files.writeString(dir.resolve("shop/settings.py"), "DATABASES = env.db()\n");
        Files.writeString(dir.resolve("requirements.txt"), "Django>=4.2\npsycopg[binary]==3.2\n");
        InitProject viaReq = new InitProject(dir, "shop", "shop.settings", "shop.wsgi:application", List.of("requirements.txt"),
                "/static/", "staticfiles", "/media/", "media", null, null, false, List.of(), List.of(), true, null, "main", List.of());
        assertThat(CiValues.usesPostgres(viaReq)).isTrue();
        Files.writeString(dir.resolve("requirements.txt"), "Django>=4.2\n");
        assertThat(CiValues.usesPostgres(viaReq)).isFalse();
    }

    @Test
    void thePinnedChecksumIsReadFromTheInstallsSha256File(@TempDir Path dir) throws Exception {
        Path sum = dir.resolve("djdeploy-1.0.tar.gz.sha256");
        Files.writeString(sum, "a".repeat(64) + "  djdeploy-1.0.tar.gz\n");
        assertThat(CiValues.Pin.sha256In(sum)).isEqualTo("a".repeat(64));
        Files.writeString(sum, "not a checksum\n");
        assertThat(CiValues.Pin.sha256In(sum)).isEmpty();
        assertThat(CiValues.Pin.sha256In(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void theGitlabPipelineIsYamlThatDeploysFromTheBranch() {
        for (List<String> req : List.of(List.of("requirements.txt"), List.<String>of())) {
            Map<String, Object> ci = yaml(InitFiles.gitlabCi(TextTemplates.builtIn(), project(req), CHOICES));
            assertThat(at(ci, "stages")).isEqualTo(List.of("test", "deploy"));
            assertThat(at(ci, "deploy", "rules", 0, "if")).isEqualTo("$CI_COMMIT_BRANCH == \"trunk\"");
            assertThat(at(ci, "deploy", "resource_group")).isEqualTo("production");
            assertThat(at(ci, "test", "script", 0)).isEqualTo(req.isEmpty() ? "python -m venv .venv"
                    : "python -m venv .venv && .venv/bin/pip install -q -r requirements.txt");
            assertThat(at(ci, "deploy", "script", 1)).isEqualTo("djdeploy deploy production --ref \"$CI_COMMIT_SHA\"");
        }
    }

    @Test
    void aProjectsTemplateReplacesTheBuiltInOneInWhatInitWrites(@TempDir Path dir) throws Exception {
        // given: the project's own upstream, with an extra keepalive pool
        Path f = dir.resolve("deploy/templates/nginx/upstream.conf");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "upstream {{upstream}} {\n    server unix:{{live_socket}} fail_timeout=0;\n    keepalive 8;\n}\n");

        // when
        Map<String, String> files = InitFiles.generate(TextTemplates.of(dir), project(List.of()), CHOICES);

        // then: that file is the project's; the others are the built-in ones
        assertThat(files.get("deploy/nginx/shop-upstream.conf"))
                .isEqualTo("upstream shop_web {\n    server unix:/run/shop/web.sock fail_timeout=0;\n    keepalive 8;\n}\n");
        assertThat(files.get("deploy/nginx/shop.conf")).isEqualTo(InitFiles.generate(TextTemplates.builtIn(), project(List.of()), CHOICES)
                .get("deploy/nginx/shop.conf"));
    }

    @Test
    void anOverrideWithAnUnknownPlaceholderStopsInitNamingTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("deploy/templates/systemd/web@.service");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "[Service]\nUser={{user}}\nExecStart={{deploy_to}}/%i/.venv/bin/gunicorn --workers {{worker}}\n");
        assertThatThrownBy(() -> InitFiles.generate(TextTemplates.of(dir), project(List.of()), CHOICES))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith(f + ":3: unknown placeholder {{worker}} (this template has: ")
                .hasMessageContaining("workers");
    }
}
