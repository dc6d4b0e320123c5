package io.djdeploy.it;

import io.djdeploy.EventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JSON line an integration test makes djdeploy print is validated against the shipped
 * events.schema.json, right where it was produced, and kept in target/events/CLASS.jsonl
 * (so the schema is held against real deploys, rollbacks, failures and status reads).
 */
final class EventLog {
    private EventLog() {}

    static void check(List<String> args, String output) {
        boolean json = args.contains("--format=json") || args.contains("--format") && args.contains("json");
        if (!json) return;
        String test = StackWalker.getInstance().walk(s -> s.map(StackWalker.StackFrame::getClassName)
                .filter(c -> c.endsWith("IT")).findFirst().orElse("unknown"));
        StringBuilder lines = new StringBuilder();
        output.lines().filter(l -> l.startsWith("{")).forEach(l -> lines.append(l).append('\n'));
        try {
            Path dir = Path.of(System.getProperty("djdeploy.events.dir", "target/events"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(test.substring(test.lastIndexOf('.') + 1) + ".jsonl"), lines,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(EventSchema.problemsInOutput(output)).as("JSON lines of djdeploy " + String.join(" ", args)).isEmpty();
    }
}
