package io.djdeploy.remote;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a command did: exit status, its captured output and the last lines for error reports. */
public record CommandResult(int exitCode, String stdout, String stderr, List<String> tail, Duration duration) {
    public boolean ok() {
        return exitCode == 0;
    }

    public String out() {
        return stdout.strip();
    }

    /** The last line the command printed (stdout's, else stderr's, as in {@link #tail}); empty when it printed nothing. */
    public Optional<String> lastLine() {
        return tail.isEmpty() ? Optional.empty() : Optional.of(tail.get(tail.size() - 1));
    }

    /** The last line of stdout alone: where a helper prints its one-line JSON answer. */
    public String lastStdoutLine() {
        return lastLine(stdout);
    }

    /**
     * The last stdout line that starts with "{": the Python helper prints its JSON verdict last,
     * but Django or the project's settings may print lines of their own after it is imported.
     */
    public String lastJsonLine() {
        String[] lines = stdout.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) if (lines[i].startsWith("{")) return lines[i];
        return "";
    }

    /** The last line of a text (e.g. a local process's output), "" for none. */
    public static String lastLine(String text) {
        String s = text.strip();
        return s.substring(s.lastIndexOf('\n') + 1);
    }
}
