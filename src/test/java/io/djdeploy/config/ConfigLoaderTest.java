package io.djdeploy.config;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {
    private static final Path FILE = Path.of("deploy.yml");

    /** The example in docs/configuration.md, verbatim: the docs promise it loads. */
    static final String DOCUMENTED_EXAMPLE = """
            app: shop                               # lower-case name; {app} in web.reload
            repo: git@github.com:acme/shop.git      # each host mirrors it under <deploy_to>/repo
            ref: main                               # deployed when the command line gives no --ref
            keep_releases: 5                        # releases kept per host after a deploy

            python:
              interpreter: python3.12               # each release gets its own venv: python3.12 -m venv
              requirements: [requirements.txt]      # pip install -r, relative to the release

            django:
              settings: shop.settings               # DJANGO_SETTINGS_MODULE for every manage.py run
              env_file: /etc/shop/env               # KEY=value lines (secrets) loaded for every manage.py run

            shared:
              dirs: [media]                         # <release>/media -> <deploy_to>/shared/media

            web:
              # runs on every web host after `current` points at the new release;
              # gunicorn runs with --chdir /srv/shop/current so a restart picks it up
              reload: supervisorctl restart {app}-web
              nginx:
                test: sudo -n nginx -t              # -n: fail instead of asking for a password
                reload: sudo -n systemctl reload nginx

            health:
              url: http://127.0.0.1:8000/healthz/   # requested on each web host, from that host
              release: header                       # the answer must carry X-Release: <new release id>
              timeout: 5s
              retries: 30
              interval: 1s

            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - host: web1.example.com
                    user: deploy
                    roles: [web, migrate]           # exactly one host runs migrations
                  - host: web2.example.com
                    user: deploy
                    roles: [web]

              staging:
                deploy_to: /srv/shop
                ref: develop                        # environment values win over the top level ...
                keep_releases: 3
                django:
                  env_file: /etc/shop-staging/env   # ... key by key: settings is still shop.settings
                hosts:
                  - host: staging.example.com       # a single host defaults to roles [web, migrate]
                    user: deploy
            """;

    private static DeployConfig load(String yaml) throws ConfigException {
        return load(Map.of(), yaml);
    }

    private static DeployConfig load(Map<String, String> env, String yaml) throws ConfigException {
        return new ConfigLoader(env).parse(FILE, yaml);
    }

    private static List<String> errors(String yaml) {
        return errors(Map.of(), yaml);
    }

    /** The reported errors, as the CLI prints them. */
    private static List<String> errors(Map<String, String> env, String yaml) {
        ConfigException e = catchThrowableOfType(() -> load(env, yaml), ConfigException.class);
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Nested
    class Binding {
        @Test
        void fullConfigBindsEveryKey() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: git@example.com:acme/shop.git
                    ref: v1.4.2
                    keep_releases: 7
                    python:
                      interpreter: python3.12
                      system_site_packages: true
                      requirements: [requirements/base.txt, requirements/prod.txt]
                    django:
                      manage: src/manage.py
                      settings: shop.settings.production
                      env_file: /etc/shop/env
                      check_deploy: false
                      collectstatic: false
                      migrate: false
                    shared:
                      dirs: [media, var/uploads]
                      files: [shop/local_settings.py]
                    web:
                      reload: supervisorctl restart {app}-web
                      nginx:
                        test: sudo -n nginx -t
                        reload: sudo -n systemctl reload nginx
                    health:
                      url: https://127.0.0.1:8443/healthz/
                      status: 204
                      timeout: 1500ms
                      retries: 12
                      interval: 2m
                      release: body
                      header: X-Shop-Release
                    environments:
                      production:
                        deploy_to: /srv/shop/
                        hosts:
                          - host: web1.example.com
                            roles: [web, migrate, beat]
                            user: deploy
                            port: 2222
                          - host: 10.0.0.7
                            roles: [worker]
                            transport: ssh
                          - host: "[2001:db8::1]"
                            roles: [web]
                          - host: localhost
                            roles: [web]
                            transport: local
                    """;

            // when
            DeployConfig config = load(yaml);

            // then
            assertThat(config.file()).isEqualTo(FILE);
            assertThat(config.app()).isEqualTo("shop");
            assertThat(config.repo()).isEqualTo("git@example.com:acme/shop.git");
            assertThat(config.environments()).containsOnlyKeys("production");
            EnvironmentConfig env = config.environments().get("production");
            assertThat(env.name()).isEqualTo("production");
            assertThat(env.app()).isEqualTo("shop");
            assertThat(env.repo()).isEqualTo("git@example.com:acme/shop.git");
            assertThat(env.ref()).isEqualTo("v1.4.2");
            assertThat(env.deployTo()).as("trailing slash dropped").isEqualTo("/srv/shop");
            assertThat(env.keepReleases()).isEqualTo(7);
            assertThat(env.python()).isEqualTo(new PythonConfig("python3.12", true,
                    List.of("requirements/base.txt", "requirements/prod.txt")));
            assertThat(env.django()).isEqualTo(new DjangoConfig("src/manage.py", "shop.settings.production",
                    "/etc/shop/env", false, false, false));
            assertThat(env.shared()).isEqualTo(new SharedConfig(List.of("media", "var/uploads"), List.of("shop/local_settings.py")));
            assertThat(env.web()).isEqualTo(WebConfig.restart("supervisorctl restart {app}-web",
                    new WebConfig.NginxConfig("sudo -n nginx -t", "sudo -n systemctl reload nginx")));
            assertThat(env.health()).isEqualTo(new HealthConfig("https://127.0.0.1:8443/healthz/", 204,
                    Duration.ofMillis(1500), 12, Duration.ofMinutes(2), HealthConfig.ReleaseCheck.BODY, "X-Shop-Release"));
            assertThat(env.hosts()).containsExactly(
                    new HostConfig("web1.example.com", "ssh", "deploy", 2222, List.of("web", "migrate", "beat")),
                    new HostConfig("10.0.0.7", "ssh", null, null, List.of("worker")),
                    new HostConfig("[2001:db8::1]", "ssh", null, null, List.of("web")),
                    new HostConfig("localhost", "local", null, null, List.of("web")));
            assertThat(env.migrateHost().host()).isEqualTo("web1.example.com");
            assertThat(env.hosts().get(3).local()).isTrue();
        }

        @Test
        void defaultsApplyWhenKeysAreAbsent() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: web1.example.com
                    """;

            // when
            EnvironmentConfig env = load(yaml).environments().get("production");

            // then
            assertThat(env.ref()).isEqualTo("main");
            assertThat(env.keepReleases()).isEqualTo(5);
            assertThat(env.python()).isEqualTo(new PythonConfig("python3", false, List.of("requirements.txt")));
            assertThat(env.django()).isEqualTo(new DjangoConfig("manage.py", null, null, true, true, true));
            assertThat(env.shared()).isEqualTo(new SharedConfig(List.of(), List.of()));
            assertThat(env.web()).isEqualTo(WebConfig.restart(null, null));
            assertThat(env.health()).isNull();
            assertThat(env.hosts()).containsExactly(
                    new HostConfig("web1.example.com", "ssh", null, null, List.of("web", "migrate")));
        }

        @Test
        void singleHostDefaultsToWebAndMigrateRoles() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      staging:
                        deploy_to: /srv/shop
                        hosts: [{host: staging.example.com, transport: local}]
                    """;

            // when
            HostConfig host = load(yaml).environments().get("staging").hosts().get(0);

            // then
            assertThat(host.roles()).containsExactly(HostConfig.WEB, HostConfig.MIGRATE);
            assertThat(host.local()).isTrue();
        }

        @Test
        void sectionDefaultsFillWhatTheSectionLeavesOut() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    web:
                      nginx: {}
                    health:
                      url: http://127.0.0.1:8000/healthz/
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when
            EnvironmentConfig env = load(yaml).environments().get("production");

            // then
            assertThat(env.web()).isEqualTo(WebConfig.restart(null, new WebConfig.NginxConfig("nginx -t", "nginx -s reload")));
            assertThat(env.health()).isEqualTo(new HealthConfig("http://127.0.0.1:8000/healthz/", 200,
                    Duration.ofSeconds(5), 30, Duration.ofSeconds(1), HealthConfig.ReleaseCheck.HEADER, "X-Release"));
        }

        @Test
        void environmentOverridesTopLevelKeyByKey() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    ref: main
                    keep_releases: 4
                    python:
                      interpreter: python3.11
                      requirements: [requirements.txt]
                    django:
                      settings: shop.settings
                      env_file: /etc/shop/env
                      collectstatic: false
                    web:
                      reload: supervisorctl restart {app}-web
                      nginx:
                        test: sudo -n nginx -t
                        reload: sudo -n nginx -s reload
                    health:
                      url: http://127.0.0.1:8000/healthz/
                      retries: 10
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                      staging:
                        deploy_to: /srv/shop-staging
                        ref: develop
                        python:
                          requirements: [requirements-dev.txt]
                        django:
                          env_file: /etc/shop-staging/env
                        web:
                          nginx:
                            reload: sudo -n systemctl reload nginx
                        health:
                          timeout: 2s
                        hosts: [{host: staging1}]
                    """;

            // when
            DeployConfig config = load(yaml);

            // then
            EnvironmentConfig production = config.environments().get("production");
            EnvironmentConfig staging = config.environments().get("staging");
            assertThat(config.environments().keySet()).containsExactly("production", "staging");

            assertThat(production.ref()).isEqualTo("main");
            assertThat(production.django()).isEqualTo(new DjangoConfig("manage.py", "shop.settings", "/etc/shop/env", true, false, true));

            assertThat(staging.ref()).isEqualTo("develop");
            assertThat(staging.keepReleases()).isEqualTo(4);
            assertThat(staging.python()).isEqualTo(new PythonConfig("python3.11", false, List.of("requirements-dev.txt")));
            assertThat(staging.django()).isEqualTo(new DjangoConfig("manage.py", "shop.settings", "/etc/shop-staging/env", true, false, true));
            assertThat(staging.web()).isEqualTo(WebConfig.restart("supervisorctl restart {app}-web",
                    new WebConfig.NginxConfig("sudo -n nginx -t", "sudo -n systemctl reload nginx")));
            assertThat(staging.health()).isEqualTo(new HealthConfig("http://127.0.0.1:8000/healthz/", 200,
                    Duration.ofSeconds(2), 10, Duration.ofSeconds(1), HealthConfig.ReleaseCheck.HEADER, "X-Release"));
        }

        @Test
        void numbersAreAcceptedAsText() throws Exception {
            // given: YAML reads 1.10 as a number; as a ref it is the tag "1.10", digits kept
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    ref: 1.10
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when
            EnvironmentConfig env = load(yaml).environments().get("production");

            // then
            assertThat(env.ref()).isEqualTo("1.10");
        }

        @Test
        void durationUnits() throws Exception {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    health:
                      url: http://127.0.0.1/
                      timeout: 3
                      interval: 1h
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when
            HealthConfig health = load(yaml).environments().get("production").health();

            // then
            assertThat(health.timeout()).as("a bare number is seconds").isEqualTo(Duration.ofSeconds(3));
            assertThat(health.interval()).isEqualTo(Duration.ofHours(1));
        }

        @Test
        void documentedExampleLoadsWithoutErrors() throws Exception {
            // when
            DeployConfig config = load(DOCUMENTED_EXAMPLE);

            // then
            EnvironmentConfig production = config.environments().get("production");
            EnvironmentConfig staging = config.environments().get("staging");
            assertThat(production.hosts()).extracting(HostConfig::host).containsExactly("web1.example.com", "web2.example.com");
            assertThat(production.migrateHost().host()).isEqualTo("web1.example.com");
            assertThat(production.web().nginx()).isNotNull();
            assertThat(staging.hosts().get(0).roles()).containsExactly("web", "migrate");
            assertThat(staging.ref()).isEqualTo("develop");
            assertThat(staging.keepReleases()).isEqualTo(3);
            assertThat(staging.django().settings()).isEqualTo("shop.settings");
            assertThat(staging.django().envFile()).isEqualTo("/etc/shop-staging/env");
        }

        @Test
        void documentedExampleIsTheOneInTheDocs() throws Exception {
            // given
            Path docs = Path.of("docs/configuration.md");

            // when
            String text = Files.readString(docs);

            // then
            assertThat(text).contains("```yaml\n" + DOCUMENTED_EXAMPLE + "```\n");
        }
    }

    @Nested
    class Interpolation {
        @Test
        void variablesDefaultsAndDollarEscape() throws Exception {
            // given
            Map<String, String> env = Map.of("SHOP_APP", "shop", "SHOP_ROOT", "/srv", "EMPTY", "");
            String yaml = """
                    app: ${SHOP_APP}
                    repo: "$${HOME}/git/${REPO_NAME:-shop}.git"
                    ref: ${EMPTY:-v2}
                    environments:
                      production:
                        deploy_to: ${SHOP_ROOT}/shop
                        hosts:
                          - host: web1
                    web:
                      reload: echo $$PATH $1 ${UNSET:-}
                    """;

            // when
            EnvironmentConfig production = load(env, yaml).environments().get("production");

            // then
            assertThat(production.app()).isEqualTo("shop");
            assertThat(production.repo()).isEqualTo("${HOME}/git/shop.git");
            assertThat(production.ref()).as("an empty variable takes the default").isEqualTo("v2");
            assertThat(production.deployTo()).isEqualTo("/srv/shop");
            assertThat(production.web().reload()).isEqualTo("echo $PATH $1 ");
        }

        @Test
        void unsetVariableIsAnError() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/${SHOP_DIR}
                        hosts:
                          - host: ${WEB1}
                    """;

            // when
            List<String> errors = errors(yaml);

            // then
            assertThat(errors).containsExactly(
                    "deploy.yml:5: environments.production.deploy_to: environment variable SHOP_DIR is not set (use ${SHOP_DIR:-default} for a default)",
                    "deploy.yml:7: environments.production.hosts[0].host: environment variable WEB1 is not set (use ${WEB1:-default} for a default)");
        }

        @Test
        void interpolatedValueIsValidatedLikeALiteral() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: ${SHOP_DIR}
                        hosts: [{host: web1}]
                    """;

            // when
            List<String> errors = errors(Map.of("SHOP_DIR", "srv/shop"), yaml);

            // then
            assertThat(errors).containsExactly("deploy.yml:5: environments.production.deploy_to: must be an absolute path");
        }

        @Test
        void numbersAreNotInterpolated() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: web1
                            port: ${SSH_PORT}
                    """;

            // when
            List<String> errors = errors(Map.of("SSH_PORT", "22"), yaml);

            // then
            assertThat(errors).containsExactly(
                    "deploy.yml:8: environments.production.hosts[0].port: expected a whole number, got a ${VAR} reference (only text values are interpolated)");
        }
    }

    @Nested
    class Errors {
        @Test
        void invalidYamlNamesTheLine() {
            // given: hosts is indented one space too far
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                         hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly("deploy.yml:6: invalid YAML: mapping values are not allowed here");
        }

        @Test
        void unclosedFlowListIsInvalidYaml() {
            // given
            String yaml = """
                    app: shop
                    repo: [unclosed
                    environments: {}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly("deploy.yml:3: invalid YAML: expected ',' or ']', but got : (while parsing a flow sequence that starts at line 2)");
        }

        @Test
        void emptyFile() {
            assertThat(errors("")).containsExactly("deploy.yml: the file is empty");
            assertThat(errors("# only a comment\n")).containsExactly("deploy.yml: the file is empty");
        }

        @Test
        void topLevelMustBeAMapping() {
            assertThat(errors("- app: shop\n")).containsExactly("deploy.yml:1: the top level must be a mapping (app:, repo:, environments: lines), got a list");
        }

        @Test
        void unknownTopLevelKeySuggestsTheClosest() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    enviroments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:1: environments: is required: at least one environment (e.g. production) with deploy_to and hosts",
                    "deploy.yml:3: enviroments: unknown key (did you mean environments?)");
        }

        @Test
        void unknownKeyFarFromEveryKeyListsTheAllowedOnes() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    colour: blue
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:3: colour: unknown key (allowed: app, checks, django, environments, git, health, hooks, image, keep_releases, lock, migrations, notify, python, ref, repo, rollback, runtime, shared, ssh, switch, verify, web, workers)");
        }

        @Test
        void unknownKeyInsideSections() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    django:
                      setings: shop.settings
                    web:
                      nginx:
                        tset: nginx -t
                    environments:
                      production:
                        deploy_to: /srv/shop
                        deploy_too: /srv/shop2
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:4: django.setings: unknown key (did you mean settings?)",
                    "deploy.yml:7: web.nginx.tset: unknown key (did you mean test?)",
                    "deploy.yml:11: environments.production.deploy_too: unknown key (did you mean deploy_to?)");
        }

        @Test
        void unknownKeyInsideAHost() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: web1
                            role: [web, migrate]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:8: environments.production.hosts[0].role: unknown key (did you mean roles?)");
        }

        @Test
        void wrongTypes() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    keep_releases: five
                    python: [python3]
                    django:
                      migrate: "yes"
                      check_deploy: 1
                      collectstatic: on
                    shared:
                      dirs: media
                    web:
                      reload: true
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: web1
                            port: "22"
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:3: keep_releases: expected a whole number, got a string",
                    "deploy.yml:4: python: expected a mapping (key: value lines), got a list",
                    "deploy.yml:6: django.migrate: expected true or false, got the string 'yes' (write true or false, unquoted)",
                    "deploy.yml:7: django.check_deploy: expected true or false, got a number",
                    "deploy.yml:8: django.collectstatic: expected true or false, got the string 'on' (write true or false, unquoted)",
                    "deploy.yml:10: shared.dirs: expected a list, got a string",
                    "deploy.yml:12: web.reload: expected a string, got a boolean",
                    "deploy.yml:18: environments.production.hosts[0].port: expected a whole number, got the string '22' (write numbers without quotes)");
        }

        @Test
        void emptyValueIsNotTheDefault() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    ref:
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly("deploy.yml:3: ref: expected a value, got nothing");
        }

        @Test
        void missingTopLevelKeys() {
            // given
            String yaml = """
                    # no app, no repo, no environments
                    ref: main
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:2: app: is required: a short lower-case name such as shop, it names services and paths",
                    "deploy.yml:2: repo: is required: the git URL or path releases are cloned from",
                    "deploy.yml:2: environments: is required: at least one environment (e.g. production) with deploy_to and hosts");
        }

        @Test
        void environmentsMustNameOne() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments: {}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly("deploy.yml:3: environments: must name at least one environment");
        }

        @Test
        void missingDeployToAndHosts() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        ref: main
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:5: environments.production.deploy_to: is required: the directory that holds current, releases and shared",
                    "deploy.yml:5: environments.production.hosts: is required: a list of hosts, e.g. [{host: web1.example.com, roles: [web, migrate]}]");
        }

        @Test
        void hostsMustBeANonEmptyListOfMappingsWithAHost() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      a:
                        deploy_to: /srv/shop
                        hosts: []
                      b:
                        deploy_to: /srv/shop
                        hosts: {host: web1}
                      c:
                        deploy_to: /srv/shop
                        hosts:
                          - web1
                      d:
                        deploy_to: /srv/shop
                        hosts:
                          - user: deploy
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:6: environments.a.hosts: must list at least one host",
                    "deploy.yml:9: environments.b.hosts: expected a list of hosts, got a mapping",
                    "deploy.yml:13: environments.c.hosts[0]: expected a mapping (key: value lines), got a string",
                    "deploy.yml:17: environments.d.hosts[0].host: is required");
        }

        @Test
        void relativeDeployTo() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly("deploy.yml:5: environments.production.deploy_to: must be an absolute path");
        }

        @Test
        void duplicateHost() {
            // given: the same host on another port is another sshd, so it is allowed
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, roles: [web, migrate]}
                          - {host: web1, roles: [web]}
                          - {host: web1, port: 2222, roles: [web]}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:8: environments.production.hosts[1].host: duplicate host web1 (also environments.production.hosts[0])");
        }

        @Test
        void noMigrateHost() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, roles: [web]}
                          - {host: web2, roles: [web]}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts: no host has the role migrate: exactly one host must run migrations");
        }

        @Test
        void singleHostWithExplicitRolesStillNeedsMigrate() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1, roles: [web]}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:6: environments.production.hosts: no host has the role migrate: exactly one host must run migrations");
        }

        @Test
        void twoMigrateHosts() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, roles: [web, migrate]}
                          - {host: web2, roles: [web, migrate]}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts: 2 hosts have the role migrate: exactly one host may run migrations");
        }

        @Test
        void twoBeatHosts() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, roles: [web, migrate, beat]}
                          - {host: worker1, roles: [worker, beat]}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts: 2 hosts have the role beat: Celery beat may run on one host only");
        }

        @Test
        void rolesRequiredWithSeveralHosts() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: web1
                            roles: [web, migrate]
                          - host: web2
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:9: environments.production.hosts[1].roles: is required when an environment has several hosts (e.g. [web, migrate])");
        }

        @Test
        void badRoles() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, roles: [web, migrate, web, Web]}
                          - {host: web2, roles: []}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts[0].roles[3]: 'Web' is not a valid role name (lower-case letters, digits, - and _, starting with a letter)",
                    "deploy.yml:7: environments.production.hosts[0].roles: lists a role twice",
                    "deploy.yml:8: environments.production.hosts[1].roles: must name at least one role");
        }

        @Test
        void badHostTransportAndUser() {
            // given: a host starting with '-' would be an ssh option
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - host: -oProxyCommand=evil
                            transport: telnet
                            user: Root
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts[0].host: '-oProxyCommand=evil' is not a valid host name or address (letters, digits, '.' and '-', starting with a letter or digit; or [IPv6])",
                    "deploy.yml:8: environments.production.hosts[0].transport: must be ssh or local, got 'telnet'",
                    "deploy.yml:9: environments.production.hosts[0].user: 'Root' is not a valid user name (lower-case letters, digits, '_', '.' and '-', at most 32 characters)");
        }

        @Test
        void badPorts() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts:
                          - {host: web1, port: 0, roles: [web, migrate]}
                          - {host: web2, port: 70000, roles: [web]}
                          - {host: web3, port: 99999999999, roles: [web]}
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.production.hosts[0].port: must be between 1 and 65535, got 0",
                    "deploy.yml:8: environments.production.hosts[1].port: must be between 1 and 65535, got 70000",
                    "deploy.yml:9: environments.production.hosts[2].port: must be between 1 and 65535, got 99999999999");
        }

        @Test
        void negativeKeepReleases() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        keep_releases: -1
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:6: environments.production.keep_releases: must be between 2 and 1000, got -1");
        }

        @Test
        void badHealthUrls() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      a:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health: {url: "ftp://127.0.0.1/healthz/"}
                      b:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health: {url: "http://:8000/healthz/"}
                      c:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health: {url: "http://exa mple/"}
                      d:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health:
                          timeout: 2s
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.a.health.url: must be an http:// or https:// URL",
                    "deploy.yml:11: environments.b.health.url: must name a host, e.g. http://127.0.0.1:8000/healthz/",
                    "deploy.yml:15: environments.c.health.url: is not a valid URL: Illegal character in authority",
                    "deploy.yml:20: environments.d.health.url: is required: the URL that proves the release serves");
        }

        @Test
        void badHealthValues() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    health:
                      url: http://127.0.0.1:8000/healthz/
                      status: 99
                      retries: 0
                      release: maybe
                      header: X Release
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:5: health.status: must be between 100 and 599, got 99",
                    "deploy.yml:6: health.retries: must be between 1 and 10000, got 0",
                    "deploy.yml:7: health.release: must be one of header, body, off, got 'maybe'",
                    "deploy.yml:8: health.header: must be an HTTP header name");
        }

        @Test
        void badDurations() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      a:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health:
                          url: http://127.0.0.1/
                          timeout: 5 seconds
                          interval: 0s
                      b:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health:
                          url: http://127.0.0.1/
                          timeout: 1.5s
                          interval: 25h
                      c:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        health:
                          url: http://127.0.0.1/
                          timeout: 99999999999999999999s
                          interval: [1s]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:9: environments.a.health.timeout: expected a duration such as 5s, 500ms or 2m, got '5 seconds'",
                    "deploy.yml:10: environments.a.health.interval: must be more than zero",
                    "deploy.yml:16: environments.b.health.timeout: expected a duration such as 5s, 500ms or 2m, got '1.5s'",
                    "deploy.yml:17: environments.b.health.interval: must be at most 24h, got '25h'",
                    "deploy.yml:23: environments.c.health.timeout: must be at most 24h, got '99999999999999999999s'",
                    "deploy.yml:24: environments.c.health.interval: expected a duration such as 5s, 500ms or 2m, got a list");
        }

        @Test
        void badRefs() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      a:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        ref: --upload-pack=evil
                      b:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        ref: main..dev
                      c:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                        ref: "v1 ; rm -rf /"
                    """;

            // when / then
            String rule = "is not a valid git ref (letters, digits, '_', '.', '/', '+', '-'; not starting with '-', '.', '/' or '+'; no '..')";
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:7: environments.a.ref: " + rule,
                    "deploy.yml:11: environments.b.ref: " + rule,
                    "deploy.yml:15: environments.c.ref: " + rule);
        }

        @Test
        void badPaths() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    shared:
                      dirs: [media, ../etc, /var/media, ""]
                      files: [conf/../../secret]
                    django:
                      manage: /srv/manage.py
                      env_file: etc/shop/env
                    environments:
                      production:
                        deploy_to: /srv/shop/../other
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:4: shared.dirs[1]: must not contain '..'",
                    "deploy.yml:4: shared.dirs[2]: must be relative to the release directory",
                    "deploy.yml:4: shared.dirs[3]: must not be empty",
                    "deploy.yml:5: shared.files[0]: must not contain '..'",
                    "deploy.yml:7: django.manage: must be relative to the release directory",
                    "deploy.yml:8: django.env_file: must be an absolute path",
                    "deploy.yml:11: environments.production.deploy_to: must not contain '..'");
        }

        @Test
        void badAppRepoAndEnvironmentName() {
            // given
            String yaml = """
                    app: My Shop
                    repo: --upload-pack=evil
                    environments:
                      "prod env":
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:1: app: must be a short lower-case name (letters, digits, - and _), it names services and paths",
                    "deploy.yml:2: repo: must be a git URL or path, got '--upload-pack=evil' (git would read a leading '-' as an option)",
                    "deploy.yml:4: environments.prod env: environment names use letters, digits, '.', '_' and '-'");
        }

        @Test
        void badCommandsAndSettings() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    web:
                      reload: "supervisorctl restart shop\\nreboot"
                      nginx:
                        test: " "
                    django:
                      settings: shop-settings
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:4: web.reload: must be one line (chain commands with &&)",
                    "deploy.yml:6: web.nginx.test: must not be empty",
                    "deploy.yml:8: django.settings: must be a Python module path such as mysite.settings");
        }

        @Test
        void duplicateKeysAndEnvironments() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        deploy_to: /srv/other
                        hosts: [{host: web1}]
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:6: environments.production.deploy_to: duplicate key (first set at line 5)",
                    "deploy.yml:8: environments.production: duplicate environment");
        }

        @Test
        void topLevelProblemIsReportedOnceForEveryEnvironment() {
            // given
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    keep_releases: 1
                    python:
                      interpeter: python3
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                      staging:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """;

            // when / then
            assertThat(errors(yaml)).containsExactly(
                    "deploy.yml:3: keep_releases: must be between 2 and 1000, got 1",
                    "deploy.yml:5: python.interpeter: unknown key (did you mean interpreter?)");
        }

        @Test
        void everyProblemIsReportedAtOnceInFileOrder() {
            // given: problems spread over hosts, environment settings and top-level sections
            String yaml = """
                    app: shop
                    repo: /srv/git/shop.git
                    keep_releases: 0
                    environments:
                      production:
                        deploy_to: srv/shop
                        hosts:
                          - host: web1
                            port: 70000
                            roles: [web, migrate]
                          - host: web2
                        django:
                          migrate: "no"
                    health:
                      url: ftp://x/
                      timeout: soon
                    """;

            // when
            ConfigException e = catchThrowableOfType(() -> load(yaml), ConfigException.class);

            // then
            List<String> expected = List.of(
                    "deploy.yml:3: keep_releases: must be between 2 and 1000, got 0",
                    "deploy.yml:6: environments.production.deploy_to: must be an absolute path",
                    "deploy.yml:9: environments.production.hosts[0].port: must be between 1 and 65535, got 70000",
                    "deploy.yml:11: environments.production.hosts[1].roles: is required when an environment has several hosts (e.g. [web, migrate])",
                    "deploy.yml:13: environments.production.django.migrate: expected true or false, got the string 'no' (write true or false, unquoted)",
                    "deploy.yml:15: health.url: must be an http:// or https:// URL",
                    "deploy.yml:16: health.timeout: expected a duration such as 5s, 500ms or 2m, got 'soon'");
            assertThat(e.errors()).extracting(ConfigError::toString).containsExactlyElementsOf(expected);
            assertThat(e.getMessage()).isEqualTo(String.join("\n", expected));
            assertThat(e.errors().get(1)).isEqualTo(new ConfigError("deploy.yml", 6, "environments.production.deploy_to", "must be an absolute path"));
        }
    }

    @Nested
    class ReadingFiles {
        @Test
        void missingFile(@TempDir Path dir) {
            // given
            Path file = dir.resolve("deploy.yml");

            // when
            ConfigException e = catchThrowableOfType(() -> new ConfigLoader(Map.of()).load(file), ConfigException.class);

            // then
            assertThat(e.errors()).extracting(ConfigError::toString)
                    .containsExactly(file + ": config file not found (use -c FILE to point at another)");
        }

        @Test
        void loadReadsTheFileAndNamesIt(@TempDir Path dir) throws Exception {
            // given
            Path file = dir.resolve("deploy.yml");
            Files.writeString(file, "app: shop\nrepo: /srv/git/shop.git\nenvironments: {p: {deploy_to: /srv/shop, hosts: [{host: web1}]}}\n");

            // when
            DeployConfig config = new ConfigLoader(Map.of()).load(file);

            // then
            assertThat(config.file()).isEqualTo(file);
            assertThat(config.environments()).containsOnlyKeys("p");
        }
    }

    @Nested
    class FleetSections {
        static final String BASE = """
                app: shop
                repo: /srv/git/shop.git
                health:
                  url: http://{host}/healthz/
                ssh:
                  user: deploy
                  port: 2222
                  identity_file: ~/.ssh/deploy_ed25519
                  known_hosts: /etc/djdeploy/known_hosts
                  connect_timeout: 3s
                switch:
                  batch_size: 25%
                  pause: 2s
                workers:
                  restart: supervisorctl restart {app}-worker
                  beat_restart: supervisorctl restart {app}-beat
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - {host: web1, roles: [web, migrate]}
                      - {host: worker1, roles: [worker, beat]}
                """;

        @Test
        void sshSwitchAndWorkersBind() throws Exception {
            // when
            EnvironmentConfig env = load(BASE).environments().get("production");

            // then
            assertThat(env.ssh()).isEqualTo(new SshConfig("deploy", 2222, "~/.ssh/deploy_ed25519", "/etc/djdeploy/known_hosts",
                    java.time.Duration.ofSeconds(3), SshConfig.DEFAULTS.keepalive(), false));
            assertThat(env.switching()).isEqualTo(new SwitchConfig(25, true, java.time.Duration.ofSeconds(2)));
            assertThat(env.switching().perBatch(8)).isEqualTo(2);
            assertThat(env.switching().perBatch(3)).isEqualTo(1);
            assertThat(env.workers()).isEqualTo(new WorkersConfig("supervisorctl restart {app}-worker", "supervisorctl restart {app}-beat"));
            assertThat(env.health().url()).isEqualTo("http://{host}/healthz/");
        }

        @Test
        void defaultsSwitchEveryWebHostAtOnce() throws Exception {
            EnvironmentConfig env = load("""
                    app: shop
                    repo: /srv/git/shop.git
                    environments:
                      production:
                        deploy_to: /srv/shop
                        hosts: [{host: web1}]
                    """).environments().get("production");
            assertThat(env.switching().perBatch(10)).isEqualTo(10);
            assertThat(env.ssh()).isEqualTo(SshConfig.DEFAULTS);
            assertThat(env.workers()).isEqualTo(WorkersConfig.NONE);
        }

        @Test
        void badBatchSizeAndRelativeKeyPathAreReported() {
            assertThat(errors(BASE.replace("batch_size: 25%", "batch_size: 150%").replace("~/.ssh/deploy_ed25519", "keys/id")))
                    .containsExactly(
                            "deploy.yml:8: ssh.identity_file: must be an absolute path or start with ~/",
                            "deploy.yml:12: switch.batch_size: must be a number of hosts (e.g. 2) or a percentage of the web hosts from 1% to 100% (e.g. 25%), got '150%'");
        }
    }
}
