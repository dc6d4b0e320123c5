package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.HostFacts;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;
import io.djdeploy.step.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The run's first command, run by a real shell on a real release tree: the lock and every read in one round trip (issue 18). */
class ConnectFactsTest {
    static final String OLDER = "20261101000000";
    static final String OLD = "20261115000000";

    @TempDir
    Path dir;

    EnvironmentConfig env(Path deployTo, Path envFile) throws Exception {
        String yaml = """
                app: shop
                repo: https://git.example.com/shop.git
                python:
                  requirements: []
                django:
                  env_file: %s
                environments:
                  production:
                    deploy_to: %s
                    hosts:
                      - {host: web1, roles: [web, migrate], transport: local}
                """.formatted(envFile, deployTo);
        return new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yaml).environments().get("production");
    }

    Path release(Path deployTo, String id, boolean manifest, boolean helper) throws Exception {
        Path r = deployTo.resolve("releases/" + id);
        Files.createDirectories(r.resolve(".djdeploy"));
        Files.writeString(r.resolve("REVISION"), "id=" + id + "\nref=v-" + id + "\n");
        if (manifest) Files.writeString(r.resolve(".djdeploy/migrations.json"), "{\"migrations\":[]}");
        if (helper) Files.writeString(r.resolve(".djdeploy/helper.py"), "# helper\n");
        return r;
    }

    @Test
    void oneCommandTakesTheLockAndReadsWhatARollbackNeeds() throws Exception {
        // given: two complete releases (the current one's "python" answers the schema read), junk, a ledger without its last newline
        Path deployTo = dir.resolve("srv shop");
        Path envFile = Files.writeString(dir.resolve("shop.env"), "SECRET_KEY=s3cr3t-value-long-enough\n");
        release(deployTo, OLDER, true, false);
        Path old = release(deployTo, OLD, true, true);
        Files.createDirectories(old.resolve(".venv/bin"));
        Path python = Files.writeString(old.resolve(".venv/bin/python"),
                "#!/bin/sh\necho \"args: $*\" >&2\necho '{\"applied\":[[\"shop\",\"0001_initial\"]]}'\nexit 3\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(deployTo.resolve("releases/backup-old"));
        Files.createSymbolicLink(deployTo.resolve("current"), Path.of("releases/" + OLD));
        Files.createDirectories(deployTo.resolve(".djdeploy"));
        Files.writeString(deployTo.resolve(".djdeploy/history.jsonl"), "{\"event\":\"deploy\",\"outcome\":\"success\",\"release\":\"" + OLD + "\"}");
        EnvironmentConfig env = env(deployTo, envFile);
        LocalTransport t = new LocalTransport("web1");
        HostRun h = new HostRun(env.hosts().get(0), t, new HostOps(t, new ReleaseLayout(env.deployTo())));
        RunContext ctx = new RunContext(env, "rollback", null, new Identity("ci", "laptop", 4242), Instant.parse("2026-12-01T10:00:00Z"),
                new byte[0], false, new Redactor());

        // when
        CommandResult r = t.run(ConnectFacts.command(h, ctx));
        HostFacts f = HostFacts.parse(r.stdout(), ConnectFacts.nonce(ctx));

        // then: one round trip, the lock is ours, and every part is there
        assertThat(t.roundTrips()).isEqualTo(1);
        assertThat(f).as(r.stdout() + r.stderr()).isNotNull();
        assertThat(f.lockExit()).isZero();
        assertThat(Files.readString(deployTo.resolve(".djdeploy/lock/info.json"))).contains(ctx.runId());
        assertThat(f.get("current")).isEqualTo("releases/" + OLD);
        assertThat(h.ops().releaseIds(f.get("releases"))).containsExactly(OLDER, OLD);
        assertThat(h.ops().releaseIds(f.get("complete"))).containsExactly(OLDER, OLD);
        assertThat(f.get("ledger")).endsWith("\"release\":\"" + OLD + "\"}");
        assertThat(f.each("revision")).containsOnlyKeys(OLDER, OLD);
        assertThat(f.get("revision " + OLDER)).contains("ref=v-" + OLDER);
        h.facts(f);
        assertThat(ConnectFacts.hasHelper(h, OLD)).isTrue();
        assertThat(ConnectFacts.hasHelper(h, OLDER)).isFalse();
        assertThat(ConnectFacts.manifest(h, OLDER)).contains("{\"migrations\":[]}");
        assertThat(f.arg("envfile")).isEqualTo("ok");
        assertThat(f.withArg("envfile")).isEqualTo("SECRET_KEY=s3cr3t-value-long-enough");
        // the schema read ran the current release's own helper, in its dir, and keeps its exit status and both outputs
        CommandResult schema = ConnectFacts.schema(h);
        assertThat(schema.exitCode()).isEqualTo(3);
        assertThat(schema.lastJsonLine()).isEqualTo("{\"applied\":[[\"shop\",\"0001_initial\"]]}");
        // the light read (no django.setup(), no migration loader), not the whole analysis
        assertThat(schema.stderr()).contains("args: " + old + "/.djdeploy/helper.py applied --env-file " + envFile)
                .doesNotContain("helper.py migrations");
    }

    @Test
    void aReleaseWhoseHelperPredatesTheLightReadGetsTheWholeAnalysis() throws Exception {
        // given: the current release was deployed by an older djdeploy: its helper refuses `applied` as argparse does (exit 2)
        Path deployTo = dir.resolve("srv");
        Path envFile = Files.writeString(dir.resolve("shop.env"), "SECRET_KEY=s3cr3t-value-long-enough\n");
        Path old = release(deployTo, OLD, true, true);
        Files.createDirectories(old.resolve(".venv/bin"));
        Path python = Files.writeString(old.resolve(".venv/bin/python"), """
                #!/bin/sh
                echo "args: $*" >&2
                case "$2" in
                  applied) echo "usage: djdeploy-helper ... invalid choice: 'applied'" >&2; exit 2 ;;
                  migrations) echo '{"mode":"pending","applied":[["shop","0002_item_note"]]}' ;;
                esac
                """);
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(deployTo.resolve("current"), Path.of("releases/" + OLD));
        EnvironmentConfig env = env(deployTo, envFile);
        LocalTransport t = new LocalTransport("web1");
        HostRun h = new HostRun(env.hosts().get(0), t, new HostOps(t, new ReleaseLayout(env.deployTo())));
        RunContext ctx = new RunContext(env, "rollback", null, new Identity("ci", "laptop", 4242), Instant.now(), new byte[0], false, new Redactor());

        // when
        h.facts(HostFacts.parse(t.run(ConnectFacts.command(h, ctx)).stdout(), ConnectFacts.nonce(ctx)));

        // then: still one round trip; the older helper's whole analysis answered, with its applied list
        CommandResult schema = ConnectFacts.schema(h);
        assertThat(t.roundTrips()).isEqualTo(1);
        assertThat(schema.exitCode()).as(schema.stderr()).isZero();
        assertThat(schema.lastJsonLine()).contains("0002_item_note");
        assertThat(schema.stderr()).contains("helper.py migrations --env-file " + envFile + " --no-sql");
    }

    @Test
    void aFailingLightReadKeepsItsExitStatusAndRunsNothingElse() throws Exception {
        // given: the helper knows `applied` and fails (exit 1, its JSON error)
        Path deployTo = dir.resolve("srv");
        Path envFile = Files.writeString(dir.resolve("shop.env"), "X=1\n");
        Path old = release(deployTo, OLD, true, true);
        Files.createDirectories(old.resolve(".venv/bin"));
        Path python = Files.writeString(old.resolve(".venv/bin/python"),
                "#!/bin/sh\necho \"args: $*\" >&2\necho '{\"error\":\"OperationalError: no such file\"}'\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(deployTo.resolve("current"), Path.of("releases/" + OLD));
        EnvironmentConfig env = env(deployTo, envFile);
        LocalTransport t = new LocalTransport("web1");
        HostRun h = new HostRun(env.hosts().get(0), t, new HostOps(t, new ReleaseLayout(env.deployTo())));
        RunContext ctx = new RunContext(env, "rollback", null, new Identity("ci", "laptop", 4242), Instant.now(), new byte[0], false, new Redactor());

        // when
        h.facts(HostFacts.parse(t.run(ConnectFacts.command(h, ctx)).stdout(), ConnectFacts.nonce(ctx)));

        // then
        CommandResult schema = ConnectFacts.schema(h);
        assertThat(schema.exitCode()).isEqualTo(1);
        assertThat(schema.lastJsonLine()).contains("OperationalError");
        assertThat(schema.stderr()).doesNotContain("helper.py migrations");
    }

    @Test
    void aHeldLockStopsTheReadsAndNamesItsHolder() throws Exception {
        // given: someone else's lock
        Path deployTo = dir.resolve("srv");
        release(deployTo, OLD, true, true);
        Files.createDirectories(deployTo.resolve(".djdeploy/lock"));
        Files.writeString(deployTo.resolve(".djdeploy/lock/info.json"), "{\"user\":\"ana\",\"origin\":\"ci\",\"command\":\"deploy\"}");
        EnvironmentConfig env = env(deployTo, dir.resolve("missing.env"));
        LocalTransport t = new LocalTransport("web1");
        HostRun h = new HostRun(env.hosts().get(0), t, new HostOps(t, new ReleaseLayout(env.deployTo())));
        RunContext ctx = new RunContext(env, "rollback", null, new Identity("ci", "laptop", 4242), Instant.now(), new byte[0], false, new Redactor());

        // when
        HostFacts f = HostFacts.parse(t.run(ConnectFacts.command(h, ctx)).stdout(), ConnectFacts.nonce(ctx));

        // then
        assertThat(f.lockExit()).isEqualTo(HostOps.LOCK_HELD);
        assertThat(h.ops().lockOutcome(ConnectSteps.lockResult(f)).user()).isEqualTo("ana");
        assertThat(f.has("current")).isFalse();
        assertThat(f.has("ledger")).isFalse();
        assertThat(Files.readString(deployTo.resolve(".djdeploy/lock/info.json"))).contains("ana");
    }

    @Test
    void aShellThatRunsNothingIsNoFacts() {
        assertThat(HostFacts.parse("This account is currently not available.\n", "abc")).isNull();
    }
}
