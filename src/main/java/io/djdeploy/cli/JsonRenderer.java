package io.djdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.djdeploy.config.ConfigError;
import io.djdeploy.release.Json;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.Redactor;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * --format json: one JSON object per line, {"event": "...", "schema": 1, "time": "...", ...fields}.
 * Every JSON line djdeploy prints goes through here, so each has the same envelope; the lines
 * are documented in docs/events.md and described by io/djdeploy/events.schema.json.
 */
public final class JsonRenderer implements EventSink {
    /** The version of the event schema; raised when a field changes meaning or goes away (new fields and events do not). */
    public static final int SCHEMA = 1;

    private final PrintWriter out;
    private final Redactor redactor;
    private final Clock clock;

    public JsonRenderer(PrintWriter out, Redactor redactor) {
        this(out, redactor, Clock.systemUTC());
    }

    JsonRenderer(PrintWriter out, Redactor redactor, Clock clock) {
        this.out = out;
        this.redactor = redactor;
        this.clock = clock;
    }

    @Override
    public void emit(Event e) {
        value(e.type(), e);
    }

    /** A non-engine result (status, releases, errors) as one event line: {@code value}'s fields after the envelope. */
    public synchronized void value(String type, Object value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", type);
        node.put("schema", SCHEMA);
        node.put("time", clock.instant().toString());
        JsonNode fields = Json.MAPPER.valueToTree(value);
        if (fields instanceof ObjectNode o) {
            o.remove(java.util.List.of("event", "schema", "time"));
            node.setAll(o);
        }
        out.println(Json.line(redact(node, redactor)));
        out.flush();
    }

    /** One {@code config_error} event per problem in the config, so CI can annotate the exact line. */
    public void configError(ConfigError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", e.file());
        if (e.line() > 0) m.put("line", e.line());
        if (e.path() != null && !e.path().isEmpty()) m.put("key", e.path());
        m.put("message", e.message());
        value("config_error", m);
    }

    /** The final error of a command: its exit code and a one-line message. */
    public void error(ExitCode code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exit_code", code.code);
        m.put("exit_name", code.name());
        m.put("message", message);
        value("error", m);
    }

    /** Every string of the tree masked before it is written (see {@link Redactor#apply(JsonNode)}). */
    static JsonNode redact(JsonNode n, Redactor redactor) {
        return redactor.apply(n);
    }
}
