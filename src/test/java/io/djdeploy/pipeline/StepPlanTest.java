package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Transport;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every step of both pipelines, with every web strategy: what the step's run() sends to
 * the host is exactly what its plan() returned, in order and text. plan() is asked right
 * before run(), with what earlier steps learnt (as the runner does); the host answers from a
 * script. This is what lets `plan`, `checklist` and `export-script` print what runs.
 */
class StepPlanTest {
    static final String RELEASE = "20261130120000";
    static final String PREVIOUS = "20261129120000";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static final String BASE = """
            app: shop
            repo: /srv/git/shop.git
            python: {interpreter: /usr/bin/python3, requirements: [requirements.txt]}
            django: {env_file: /etc/shop/shop.env}
            shared: {dirs: [media], files: [local.env]}
            checks: {nginx_site: /etc/nginx/sites-enabled/shop, public_url: "https://shop.example.com", required_env: [SECRET_KEY]}
            migrations: {backup: {command: "pg_dump shop > {backup_dir}/shop.sql"}, lock_timeout: 5s}
            health: {url: "http://{host}/healthz/"}
            verify:
              urls: [{url: "http://{host}/about/", text: About}]
              status: supervisorctl status shop-web
              logs: tail -n 5 /var/log/shop/web.log
            workers: {restart: "supervisorctl restart shop-worker   # a comment", beat_restart: supervisorctl restart shop-beat}
            hooks:
              - {at: after_prepare, command: "python manage.py compilemessages", once: true}
              - {at: before_migrate, command: "echo 'before migrate'", roles: [migrate]}
              - {at: after_migrate, command: "true"}
              - {at: before_switch, command: "python manage.py createcachetable", timeout: 30s}
              - {at: after_switch, command: "curl -fsS http://localhost/warm/ # warm", on_error: warn}
              - {at: after_rollback, command: "echo rolled back"}
            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - {host: web1.example.com, roles: [web, migrate, worker, beat]}
            """;

    static final Map<String, String> WEB = Map.of(
            "restart", "web: {strategy: restart, reload: supervisorctl restart shop-web, nginx: {test: nginx -t, reload: nginx -s reload}}\n",
            "reload", "web: {strategy: reload, reload: supervisorctl signal HUP shop-web, nginx: {test: nginx -t, reload: nginx -s reload}}\n",
            "blue-green", """
                    web:
                      strategy: blue-green
                      start: supervisorctl start shop-web-{color}
                      stop: supervisorctl stop shop-web-{color}
                      log: tail -n 30 /var/log/shop/web-{color}.log
                      nginx: {test: nginx -t, reload: nginx -s reload}
                    """,
            "blue-green-tcp", """
                    web:
                      strategy: blue-green
                      start: supervisorctl start shop-web-{color}
                      stop: supervisorctl stop shop-web-{color}
                      ports: {blue: 8001, green: 8002}
                      upstream_file: /etc/nginx/conf.d/shop-upstream.conf
                      nginx: {test: nginx -t, reload: nginx -s reload}
                    """);

    /** Records every command and upload; answers queries from a script (by a piece of their text). */
    static final class RecordingTransport implements Transport {
        final List<String> sent = new ArrayList<>();

        public String host() { return "web1.example.com"; }
        public void connect() { }
        public void close() { }

        public CommandResult run(Command c, OutputSink sink) {
            sent.add(c.script());
            return answer(c.script());
        }

        public void upload(byte[] content, String path, int mode) {
            sent.add("upload " + path);
        }

        static CommandResult ok(String out) {
            return new CommandResult(0, out, "", List.of(), java.time.Duration.ZERO);
        }

        static CommandResult answer(String s) {
            if (s.contains("lock_out=$( { ")) return facts(s);
            String health = "{\"ok\": true, \"status\": 200, \"release\": \"" + RELEASE + "\", \"attempt\": 1}";
            if (s.startsWith("readlink /srv/shop/current")) return ok("releases/" + PREVIOUS + "\n");
            if (s.startsWith("ls -1 /srv/shop/releases")) return ok(PREVIOUS + "\n");
            if (s.startsWith("if test -r /etc/shop/shop.env")) {
                return ok("env_readable=1\nenv_owner=root\nenv_mode=640\nfree_kb=99999999\nfree_inodes=9999999\nnow_ms="
                        + System.currentTimeMillis() + "\n");
            }
            if (s.equals("cat /etc/shop/shop.env")) return ok("SECRET_KEY=abcdefghijkl\n");
            if (s.equals("cat /etc/nginx/sites-enabled/shop")) return ok("proxy_set_header X-Forwarded-Proto $scheme;\n");
            if (s.startsWith("git -C /srv/shop/repo rev-parse")) return ok(SHA + "\n");
            if (s.contains("helper.py settings-facts")) {
                return ok("{\"db_ok\": true, \"secure_proxy_ssl_header\": [\"HTTP_X_FORWARDED_PROTO\", \"https\"], "
                        + "\"csrf_trusted_origins_covers\": true, \"static_root_set\": true, \"static_root_writable\": true}\n");
            }
            if (s.contains("helper.py migrations")) {
                return ok("{\"mode\": \"" + (s.contains("--all") ? "all" : "pending") + "\", \"applied\": [[\"shop\", \"0001_initial\"]], "
                        + "\"migrations\": [{\"app\": \"shop\", \"name\": \"0002_drop\", \"atomic\": true, \"operations\": "
                        + "[{\"type\": \"RemoveField\", \"description\": \"Remove field x from item\", \"reversible\": true, "
                        + "\"model\": \"item\", \"table\": \"shop_item\"}]}]}\n");
            }
            if (s.startsWith("live=$(")) return ok("live blue.sock\nblue releases/" + PREVIOUS + "\ngreen \nstandby \n");
            if (s.contains("helper.py health")) return ok(health + "\n");
            if (s.startsWith("if [ \"$(readlink") || s.startsWith("if [ \"$(sed")) return ok(health + "\n");
            return ok("");
        }
    }

    /** The connect step's one command (ConnectFacts): the lock is taken, and the reads answer as the single commands above would. */
    static CommandResult facts(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("printf '\\\\n@@%s %s\\\\n' (\\w+) start").matcher(s);
        assertThat(m.find()).as(s).isTrue();
        String n = "\n@@" + m.group(1) + " ";
        String out = n + "start\n" + n + "lock 0\n" + n + "current\nreleases/" + PREVIOUS + n + "releases\n" + PREVIOUS
                + n + "complete\n" + PREVIOUS;
        if (s.contains(" revision %s")) {
            out += n + "ledger\n" + n + "revision " + PREVIOUS + "\nid=" + PREVIOUS + "\nref=v0\n" + n + "helper " + PREVIOUS + "\n"
                    + n + "envfile ok\nSECRET_KEY=abcdefghijkl";
        }
        return RecordingTransport.ok(out + n + "end\n");
    }

    static EnvironmentConfig env(Path dir, String web) throws Exception {
        return new ConfigLoader().parse(dir.resolve("deploy.yml"), BASE + WEB.get(web)).environments().get("production");
    }

    /** Runs each step of the pipeline on one host and compares what it sent with its plan. */
    static List<String> check(EnvironmentConfig env, String command, List<Pipelines.PhaseSpec> pipeline) throws Exception {
        RecordingTransport t = new RecordingTransport();
        HostConfig hc = env.hosts().get(0);
        HostRun h = new HostRun(hc, t, new HostOps(t, new ReleaseLayout(env.deployTo())));
        RunContext ctx = new RunContext(env, command, "v1", new Identity("ci", "runner", 42), Instant.parse("2026-11-30T12:00:00Z"),
                "print('helper')\n".getBytes(), false, new Redactor());
        ctx.releaseId(RELEASE);
        ctx.sha(SHA);
        List<String> checked = new ArrayList<>();
        String facts = null;
        for (Pipelines.PhaseSpec spec : pipeline) {
            for (Step s : spec.steps()) {
                if (!s.appliesTo(h, ctx)) continue;
                List<String> planned = s.plan(h, ctx).stream().map(Command::script).toList();
                t.sent.clear();
                s.run(new StepExec(h, ctx, EventSink.NONE));
                String what = command + " " + env.web().strategy() + ": " + spec.phase() + " / " + s.name();
                // the connect step's one command takes the lock and does the reads of inspect (and a rollback's env file):
                // those steps send nothing, and their planned commands are in that one
                if (s.name().equals(CoreSteps.CONNECT)) {
                    assertThat(t.sent).as(what).hasSize(1);
                    facts = t.sent.get(0);
                } else if (facts != null && List.of(CoreSteps.LOCK, CoreSteps.INSPECT, CoreSteps.ENV_FILE).contains(s.name())) {
                    assertThat(t.sent).as(what).isEmpty();
                    List<String> carried = s.name().equals(CoreSteps.ENV_FILE) ? planned.subList(1, 2) : planned;
                    for (String p : carried) assertThat(facts).as(what).contains(s.name().equals(CoreSteps.LOCK) ? p.substring(0, p.length() / 2) : p);
                } else {
                    assertThat(t.sent).as(what).isEqualTo(planned);
                }
                checked.add(s.name());
            }
        }
        return checked;
    }

    @ParameterizedTest
    @ValueSource(strings = {"restart", "reload", "blue-green", "blue-green-tcp"})
    void everyDeployStepRunsWhatItPlans(String web, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> checked = check(env(dir, web), "deploy", Pipelines.deploy());
        // every step of the pipeline ran (this config makes each one apply), blue-green's own only with it
        // (local hooks run on the deploying machine, not through the host's transport: LocalHooksTest covers them)
        List<String> all = Pipelines.deploy().stream().flatMap(p -> p.steps().stream()).map(Step::name)
                .filter(n -> !n.equals(LocalHooks.BUILD) && !n.equals(LocalHooks.UPLOAD)).toList();
        assertThat(checked).containsExactlyElementsOf(web.startsWith("blue-green") ? all
                : all.stream().filter(n -> !n.equals("boot idle color") && !n.equals("retire old color")).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"restart", "reload", "blue-green", "blue-green-tcp"})
    void everyRollbackStepRunsWhatItPlans(String web, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(check(env(dir, web), "rollback", Pipelines.rollback(null, Deployer.SchemaMode.CHECK))).contains("env file", "switch", "health", "restart workers", "hook after_rollback");
    }
}
