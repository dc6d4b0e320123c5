package io.djdeploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The shipped events.schema.json, and the check every test applies to djdeploy's JSON lines. */
public final class EventSchema {
    public static final String RESOURCE = "/io/djdeploy/events.schema.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Schema SCHEMA = load();

    private EventSchema() {}

    private static Schema load() {
        try (InputStream in = EventSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path");
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode document() {
        try (InputStream in = EventSchema.class.getResourceAsStream(RESOURCE)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with one line (empty when it is a valid event). */
    public static List<String> problems(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (Error e : SCHEMA.validate(node)) out.add(e.toString());
        return out;
    }

    /**
     * The problems of every JSON line in a command's output (lines starting with '{'; stderr
     * text such as warnings shares the tests' writer), each prefixed by its line.
     */
    public static List<String> problemsInOutput(String output) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("{")) continue;
            for (String p : problems(line)) out.add(p + " in " + line);
        }
        return out;
    }
}
