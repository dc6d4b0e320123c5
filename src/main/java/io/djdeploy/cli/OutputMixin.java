package io.djdeploy.cli;

import picocli.CommandLine.Option;

/** --format, --color, -v and --stacktrace, shared by every command. */
public class OutputMixin {
    public enum Format { text, json }

    public enum Color { auto, always, never }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: text or json (one JSON object per line, see docs/events.md). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colors: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them), always or never. Default: ${DEFAULT-VALUE}.")
    Color color;

    @Option(names = {"-v", "--verbose"}, description = "Show every line the hosts print, as it comes.")
    boolean verbose;

    @Option(names = "--stacktrace", description = "Print the stack trace of an error.")
    boolean stacktrace;

    public boolean json() {
        return format == Format.json;
    }

    Style style() {
        return Style.of(color == null ? Color.auto : color, System.getenv(), System.console() != null);
    }
}
