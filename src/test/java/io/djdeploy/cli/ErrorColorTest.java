package io.djdeploy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The final "djdeploy: error:" line follows --color like the rest of the output (and NO_COLOR, FORCE_COLOR). */
class ErrorColorTest {
    static final String RED = "\u001b[31mdjdeploy: error: \u001b[0m";

    static String stderr(String... args) {
        StringWriter err = new StringWriter();
        Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        return err.toString();
    }

    @Test
    void colorAlwaysReddensTheErrorLineEvenInAPipe(@TempDir Path dir) throws Exception {
        // given: a config without the environment asked for (a command's error), and a bad command line (picocli's)
        Path cfg = LocalConfigs.oneHost(dir, "/srv/shop");

        // when
        String commandError = stderr("status", "staging", "-c", cfg.toString(), "--color", "always");
        String usageError = stderr("status", "--color=always", "--no-such-option");
        String never = stderr("status", "staging", "-c", cfg.toString(), "--color", "never");

        // then
        assertThat(commandError).startsWith(RED);
        assertThat(usageError).startsWith(RED);
        assertThat(never).startsWith("djdeploy: error: ");
    }

    @Test
    void theFlagWinsThenForceAndNoColorThenTheTerminal() {
        Map<String, String> none = Map.of();
        assertThat(Main.errorStyle(new String[]{"status", "p", "--color", "never"}, Map.of("FORCE_COLOR", "1"), true).color()).isFalse();
        assertThat(Main.errorStyle(new String[]{"status", "p", "--color=always"}, Map.of("NO_COLOR", "1"), false).color()).isTrue();
        assertThat(Main.errorStyle(new String[]{"status", "p"}, Map.of("NO_COLOR", "1"), true).color()).isFalse();
        assertThat(Main.errorStyle(new String[]{"status", "p"}, none, true).color()).isTrue();
        assertThat(Main.errorStyle(new String[]{"status", "p"}, none, false).color()).isFalse();
        // after --, the words are exec's command, not djdeploy's options
        assertThat(Main.errorStyle(new String[]{"exec", "p", "--", "ls", "--color", "always"}, none, false).color()).isFalse();
    }
}
