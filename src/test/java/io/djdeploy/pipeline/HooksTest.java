package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HookConfig;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.step.Event;
import io.djdeploy.step.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.djdeploy.pipeline.FakeHost.fail;
import static io.djdeploy.pipeline.Fleet.NEW;
import static io.djdeploy.pipeline.Fleet.OLD;
import static org.assertj.core.api.Assertions.assertThat;

/** Hooks as steps of the engine: where they run, on which hosts, and what a failing one means. */
class HooksTest {
    static final String HOOKS = """
            hooks:
              - {at: after_prepare, command: "python manage.py compilemessages", once: true}
              - {at: before_migrate, command: "echo before-migrate", once: true}
              - {at: before_switch, command: "python manage.py createcachetable", roles: [web]}
              - {at: after_switch, command: "echo warm-cache", once: true}
              - {at: after_rollback, command: "echo rolled-back"}
              - {at: on_failure, command: "echo deploy-failed", roles: [web]}
            """;

    Fleet fleet;

    @AfterEach
    void close() {
        if (fleet != null) fleet.close();
    }

    int index(Class<? extends Event> type, String host, String step) {
        for (int i = 0; i < fleet.events.size(); i++) {
            Event e = fleet.events.get(i);
            if (e instanceof Event.StepStarted s && type == Event.StepStarted.class && s.host().equals(host) && s.step().equals(step)) return i;
            if (e instanceof Event.StepFinished f && type == Event.StepFinished.class && f.host().equals(host) && f.step().equals(step)) return i;
        }
        return -1;
    }

    @Test
    void hooksRunAtTheirPointsOnTheirHostsAndWaitForEveryHost() {
        // given
        fleet = new Fleet(HOOKS);

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.steps("web1")).contains("prepare/hook after_prepare ok", "migrate/hook before_migrate ok",
                "migrate/hook before_switch ok", "workers/hook after_switch ok");
        assertThat(fleet.steps("web2")).contains("migrate/hook before_switch ok").doesNotContain("prepare/hook after_prepare ok");
        assertThat(fleet.steps("worker1")).noneMatch(s -> s.contains("hook"));
        // each point is a barrier: no host's before_switch hook before the migrate host's migrate finished
        assertThat(index(Event.StepStarted.class, "web2", "hook before_switch"))
                .isGreaterThan(index(Event.StepFinished.class, "web1", "migrate"));
        assertThat(index(Event.StepStarted.class, "web1", "hook after_switch"))
                .isGreaterThan(index(Event.StepFinished.class, "worker1", "restart workers"));
        assertThat(fleet.host("web1").count("echo warm-cache")).isEqualTo(1);
        // the hooks are in the ledger's steps
        assertThat(fleet.lastLedger("web1").steps()).extracting(LedgerEntry.StepEntry::step)
                .contains("hook after_prepare", "hook before_migrate", "hook before_switch", "hook after_switch");
        assertThat(fleet.host("web1").ran("echo rolled-back") || fleet.host("web1").ran("echo deploy-failed")).isFalse();
    }

    @Test
    void aHookRunsInTheNewReleaseWithItsVenvAndTheEnvFileLoadedByTheHelper() throws Exception {
        // given
        EnvironmentConfig env = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), """
                app: shop
                repo: /srv/git/shop.git
                django: {env_file: /etc/shop/env}
                hooks:
                  - {at: after_prepare, command: "python manage.py compilemessages && echo 'it''s done' $HOME", timeout: 30s}
                environments:
                  production: {deploy_to: /srv/shop, hosts: [{host: web1}]}
                """).environments().get("production");
        var ctx = new io.djdeploy.step.RunContext(env, "deploy", "v1", new io.djdeploy.step.Identity("ci", "laptop", 1),
                java.time.Instant.now(), new byte[0], true, new io.djdeploy.step.Redactor());

        // when
        var c = HookSteps.command(new ReleaseLayout("/srv/shop"), NEW, ctx, env.hooks().at(HookConfig.Point.AFTER_PREPARE).get(0));

        // then
        String r = "/srv/shop/releases/" + NEW;
        assertThat(c.script()).isEqualTo("cd " + r + " && " + r + "/.venv/bin/python " + r + "/.djdeploy/helper.py run --env-file /etc/shop/env -- "
                + "env PATH=" + r + "/.venv/bin:\"$PATH\" VIRTUAL_ENV=" + r + "/.venv sh -c "
                + "'python manage.py compilemessages && echo '\\''it'\\'''\\''s done'\\'' $HOME'");
        assertThat(c.timeout()).hasSeconds(30);
    }

    @Test
    void aFailingBeforeSwitchHookChangesNothingAndRunsTheFailureHooks() {
        // given
        fleet = new Fleet(HOOKS);
        fleet.host("web3").on("createcachetable", fail(1, "django.db.utils.OperationalError: no such table"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).isEqualTo(RunResult.Result.FAILED);
        assertThat(r.message()).startsWith("web3: hook before_switch: hook before_switch 'python manage.py createcachetable' failed with exit status 1")
                .contains("nothing changed");
        assertThat(fleet.currents().values()).containsOnly(OLD);
        fleet.hosts.values().forEach(h -> assertThat(h.releases()).as(h.host()).doesNotContain(NEW));
        assertThat(fleet.anyLocked()).isFalse();
        // on_failure: on the web hosts, in the release they still serve
        assertThat(fleet.host("web2").commands()).anyMatch(c -> c.startsWith("cd /srv/shop/releases/" + OLD + " && ") && c.contains("echo deploy-failed"));
        assertThat(fleet.host("worker1").ran("echo deploy-failed")).isFalse();
        assertThat(fleet.lastLedger("web2").steps()).extracting(LedgerEntry.StepEntry::step).contains("hook on_failure");
    }

    @Test
    void aFailingAfterSwitchHookSwitchesBackLikeAFailedHealthCheck() {
        // given
        fleet = new Fleet(HOOKS);
        fleet.host("web1").on("echo warm-cache", fail(2, "cache server refused"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.ROLLED_BACK);
        assertThat(fleet.currents().values()).containsOnly(OLD);
        assertThat(fleet.lastLedger("web1").outcome()).isEqualTo("rolled_back");
        // after the switch back, every host runs its after_rollback hooks in the release it is back on
        assertThat(fleet.host("web2").commands()).anyMatch(c -> c.startsWith("cd /srv/shop/releases/" + OLD + " && ") && c.contains("echo rolled-back"));
        assertThat(fleet.lastLedger("web2").steps()).extracting(LedgerEntry.StepEntry::step).contains("hook after_rollback");
        assertThat(fleet.anyLocked()).isFalse();
    }

    @Test
    void anAfterSwitchHookWithOnErrorWarnOnlyWarns() {
        // given
        fleet = new Fleet(HOOKS.replace("{at: after_switch, command: \"echo warm-cache\", once: true}",
                "{at: after_switch, command: \"echo warm-cache\", once: true, on_error: warn}"));
        fleet.host("web1").on("echo warm-cache", fail(2, "cache server refused"));

        // when
        RunResult r = fleet.deployer.deploy("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        assertThat(fleet.currents().values()).containsOnly(NEW);
        assertThat(fleet.warnings()).anyMatch(w -> w.startsWith("web1: hook after_switch 'echo warm-cache' failed with exit status 2 (on_error: warn)"));
    }

    @Test
    void checkBuildsAReleaseWithoutRunningHooks() {
        // given
        fleet = new Fleet(HOOKS);

        // when
        RunResult r = fleet.deployer.check("v3");

        // then
        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        fleet.hosts.values().forEach(h -> assertThat(h.commands()).as(h.host()).noneMatch(c -> c.contains(" sh -c ")));
    }

    @Test
    void withoutHooksThePipelineIsUnchanged() {
        // given
        fleet = new Fleet();

        // when
        fleet.deployer.deploy("v3");

        // then
        assertThat(fleet.phasesStarted()).doesNotContain(Phase.BUILD).containsOnlyOnce(Phase.MIGRATE, Phase.WORKERS);
    }

    @Test
    void anEnvironmentsHooksReplaceTheTopLevelsPerPoint() throws Exception {
        // given
        EnvironmentConfig env = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), """
                app: shop
                repo: /srv/git/shop.git
                hooks:
                  - {at: after_prepare, command: top-prepare}
                  - {at: after_switch, command: top-switch}
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts: [{host: web1}]
                    hooks:
                      - {at: after_switch, command: prod-switch-1}
                      - {at: after_switch, command: prod-switch-2}
                """).environments().get("production");

        // then
        assertThat(env.hooks().all()).extracting(HookConfig::command).containsExactly("top-prepare", "prod-switch-1", "prod-switch-2");
    }

    @Test
    void aLocalHookRunsInTheProjectDirectoryAndItsUploadsBecomeOneArchive(@TempDir Path project) throws Exception {
        // given
        Files.writeString(project.resolve("deploy.yml"), """
                app: shop
                repo: /srv/git/shop.git
                hooks:
                  - {at: local, command: "mkdir -p static/dist && echo built > static/dist/app.js", upload: [static/dist]}
                environments:
                  production: {deploy_to: /srv/shop, hosts: [{host: web1, transport: local}]}
                """);
        EnvironmentConfig env = new ConfigLoader(Map.of()).load(project.resolve("deploy.yml")).environments().get("production");
        var ctx = new io.djdeploy.step.RunContext(env, "deploy", "v1", new io.djdeploy.step.Identity("ci", "laptop", 1),
                java.time.Instant.now(), new byte[0], false, new io.djdeploy.step.Redactor());
        var host = new io.djdeploy.step.HostRun(env.hosts().get(0), null, null);

        // when
        LocalHooks.build().run(new io.djdeploy.step.StepExec(host, ctx, io.djdeploy.step.EventSink.NONE));
        byte[] tar = LocalHooks.archive(env.hooks().projectDir(), List.of("static/dist"));

        // then
        assertThat(project.resolve("static/dist/app.js")).hasContent("built");
        assertThat(new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("static/dist/app.js").contains("built\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalHooks.archive(project, List.of("static/missing")))
                .hasMessageContaining("upload path static/missing does not exist in " + project);
    }
}
