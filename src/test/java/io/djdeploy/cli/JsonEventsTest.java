package io.djdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.djdeploy.EventSchema;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.pipeline.Operations;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.release.Revision;
import io.djdeploy.step.Event;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Redactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every line --format json can print has the envelope, is valid against events.schema.json and is documented. */
class JsonEventsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T02:00:00Z"), ZoneOffset.UTC);

    /** One of each engine event, with every optional field filled and with them left out. */
    static List<Event> everyEvent() {
        MigrationPlan plan = new MigrationPlan("review", List.of(new MigrationPlan.Migration("notes", "0003_remove_note_body", true,
                List.of(new MigrationPlan.Op("RemoveField", "review", List.of("backward-incompatible"), "Remove field body", List.of("old code reads it"))),
                List.of("ALTER TABLE ..."))), null);
        return List.of(
                new Event.RunStarted("deploy", "production", "v1", "20261201020000", List.of("web1", "web2")),
                new Event.RunStarted("check", "production", null, null, List.of("web1")),
                new Event.PhaseStarted(Phase.PREPARE, List.of("web1")),
                new Event.PhaseFinished(Phase.PREPARE, true, 1234),
                new Event.StepStarted("web1", Phase.PREPARE, "venv"),
                new Event.StepFinished("web1", Phase.PREPARE, "venv", "ok", 4000, null),
                new Event.StepFinished("web1", Phase.PREPARE, "collectstatic", "failed", 10, "exit 1"),
                new Event.Output("web1", "stderr", "Collecting Django"),
                new Event.Info(null, "nothing to migrate"),
                new Event.Info("web1", "venv copied"),
                new Event.Warning("web2", "clock is 3 s off"),
                new Event.Failure("web1", Phase.PREPARE, "collectstatic", "collectstatic failed", "manage.py collectstatic", 1, List.of("Traceback")),
                new Event.Failure("web1", null, null, "connection lost", null, null, null),
                new Event.MigrationPlanReady("web1", plan, List.of("notes.0003_remove_note_body")),
                new Event.MigrationPlanReady(null, new MigrationPlan("safe", List.of(), null), List.of()),
                new Event.Check("web1", "disk.space", false, "2% free", "free some space"),
                new Event.RunFinished("deploy", "success", 9000, "20261201020000",
                        List.of(new Event.HostSummary("web1", List.of("web", "migrate"), "20261130000000", "20261201020000", "ok", 9000, null, 1, 12)),
                        "deployed 20261201020000"));
    }

    static String render(java.util.function.Consumer<JsonRenderer> body) {
        StringWriter buf = new StringWriter();
        body.accept(new JsonRenderer(new PrintWriter(buf), new Redactor(), CLOCK));
        return buf.toString();
    }

    @Test
    void everyEngineEventIsOneValidLineWithTheEnvelope() {
        // when
        String out = render(json -> everyEvent().forEach(json::emit));

        // then
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(everyEvent().size());
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"event\":").contains("\"schema\":1,\"time\":\"2026-12-01T02:00:00Z\""));
        assertThat(EventSchema.problemsInOutput(out)).isEmpty();
        assertThat(out).contains("\"roles\":[\"web\",\"migrate\"]");
    }

    @Test
    void everyKindOfEngineEventIsCoveredHere() {
        Set<Class<?>> sampled = new HashSet<>();
        everyEvent().forEach(e -> sampled.add(e.getClass()));
        assertThat(sampled).containsExactlyInAnyOrder(Event.class.getPermittedSubclasses());
    }

    @Test
    void theCommandsOwnLinesAreValidToo() {
        String out = render(json -> {
            json.value("host_status", new Operations.HostStatus("web1", List.of("web"), "20261201020000",
                    new Revision("20261201020000", "v1", "abc", "alice", "2026-12-01T02:00:00Z"),
                    new LockInfo("bob", "ci", 42L, "v2", "2026-12-01T02:00:00Z", "deploy", "r1"), null, null, null, "blue", true));
            json.value("host_status", new Operations.HostStatus("web2", List.of("web"), null, null, null, null, null, "refused", null, null));
            json.value("planned_step", new Deployer.PlannedStep(Phase.LOCK, "web1", "lock", List.of("mkdir x")));
            json.value("report", new ReportCommand.Written("deploy", "20261201020000", List.of("web1"), "r.html"));
            json.value("locked", java.util.Map.of("environment", "production", "hosts", List.of("web1")));
            json.value("unlocked", new Operations.UnlockResult("web1", null, false));
            json.configError(new io.djdeploy.config.ConfigError("deploy.yml", 7, "environments.production.hosts[0].roles", "unknown role"));
            json.configError(new io.djdeploy.config.ConfigError("deploy.yml", 0, "", "empty file"));
            json.error(ExitCode.CONFIG, "invalid configuration");
            json.value("exec_finished", new io.djdeploy.pipeline.HostCommands.ExecResult("web1", "20261201020000", 3));
            json.value("log", java.util.Map.of("host", "web1", "source", "web", "line", "GET /healthz/ 200"));
        });
        assertThat(out.lines()).hasSize(11);
        assertThat(EventSchema.problemsInOutput(out)).isEmpty();
    }

    @Test
    void theSchemaRejectsAnUndocumentedFieldAndAMissingOne() {
        assertThat(EventSchema.problems("{\"event\":\"info\",\"schema\":1,\"time\":\"2026-12-01T02:00:00Z\",\"message\":\"m\",\"extra\":1}")).isNotEmpty();
        assertThat(EventSchema.problems("{\"event\":\"check\",\"schema\":1,\"time\":\"2026-12-01T02:00:00Z\",\"host\":\"w\"}")).isNotEmpty();
        assertThat(EventSchema.problems("{\"event\":\"nope\",\"schema\":1,\"time\":\"2026-12-01T02:00:00Z\"}")).isNotEmpty();
        assertThat(EventSchema.problems("{\"event\":\"info\",\"schema\":1,\"time\":\"2026-12-01T02:00:00Z\",\"message\":\"m\"}")).isEmpty();
    }

    @Test
    void everyEventInTheSchemaIsDocumentedAndNoOtherOne() throws Exception {
        // given
        JsonNode schema = EventSchema.document();
        Set<String> inSchema = new HashSet<>();
        schema.at("/properties/event/enum").forEach(n -> inSchema.add(n.asText()));
        String doc = Files.readString(Path.of("docs/events.md"));

        // then: a "### name" heading per event, and every field of it named in its table
        Set<String> documented = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^### `([a-z_]+)`").matcher(doc);
        while (m.find()) documented.add(m.group(1));
        assertThat(documented).isEqualTo(inSchema);
        for (String event : inSchema) {
            String section = doc.substring(doc.indexOf("### `" + event + "`"));
            int next = section.indexOf("\n### ", 1);
            String body = next < 0 ? section : section.substring(0, next);
            Iterator<String> fields = schema.at("/$defs/" + event + "/properties").fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (List.of("event", "schema", "time").contains(f)) continue;
                assertThat(body).as(event + " documents " + f).contains("`" + f + "`");
            }
        }
    }

    @Test
    void configErrorsAreOneEventEachAndChecklistRefusesJson(@TempDir Path dir) throws Exception {
        // given: two problems in one file
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, "app: demo\nrepo: x\nbogus: 1\nenvironments:\n  production:\n    deploy_to: /srv/demo\n    hosts:\n      - host: a\n        roles: [web, chef]\n");

        // when
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new String[]{"status", "production", "-c", cfg.toString(), "--format", "json"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        StringWriter out2 = new StringWriter(), err2 = new StringWriter();
        int refused = Main.execute(new String[]{"checklist", "production", "-c", cfg.toString(), "--format", "json"},
                new PrintWriter(out2, true), new PrintWriter(err2, true));

        // then
        assertThat(code).isEqualTo(ExitCode.CONFIG.code);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.stream().filter(l -> l.contains("\"event\":\"config_error\"")).toList()).hasSizeGreaterThanOrEqualTo(2)
                .anySatisfy(l -> assertThat(l).contains("\"line\":3", "\"key\":\"bogus\""));
        assertThat(lines.get(lines.size() - 1)).contains("\"event\":\"error\"", "\"exit_code\":3");
        assertThat(EventSchema.problemsInOutput(out.toString())).isEmpty();
        assertThat(refused).isEqualTo(ExitCode.USAGE.code);
        assertThat(err2.toString()).contains("checklist writes Markdown");
        assertThat(EventSchema.problemsInOutput(out2.toString())).isEmpty();
    }
}
