package io.djdeploy.cli;

import io.djdeploy.step.Redactor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.release.Json;

import java.io.PrintWriter;
import java.time.Instant;

/** --format json: one JSON object per line, {"event": "...", "ts": "...", ...}, for CI. */
public final class JsonRenderer implements EventSink {
    private final PrintWriter out;
    private final Redactor redactor;

    public JsonRenderer(PrintWriter out, Redactor redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public synchronized void emit(Event e) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", e.type());
        node.put("ts", Instant.now().toString());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(e));
        out.println(Json.line(redact(node, redactor)));
        out.flush();
    }

    /** A non-event result (status, releases, errors) as one JSON line. */
    public void value(String type, Object value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", type);
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(value));
        out.println(Json.line(redact(node, redactor)));
        out.flush();
    }

    /** Every string of the tree masked before it is written (see {@link Redactor#apply(com.fasterxml.jackson.databind.JsonNode)}). */
    static com.fasterxml.jackson.databind.JsonNode redact(com.fasterxml.jackson.databind.JsonNode n, Redactor redactor) {
        return redactor.apply(n);
    }
}
