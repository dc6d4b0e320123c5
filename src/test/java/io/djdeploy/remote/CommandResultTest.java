package io.djdeploy.remote;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandResultTest {
    static CommandResult result(String stdout, List<String> tail) {
        return new CommandResult(1, stdout, "", tail, Duration.ZERO);
    }

    @Test
    void lastLineIsTheLastLineOfTheTailOrNothing() {
        assertThat(result("", List.of("first", "second")).lastLine()).contains("second");
        assertThat(result("", List.of()).lastLine()).isEmpty();
    }

    @Test
    void lastStdoutLineIgnoresTrailingBlankLines() {
        assertThat(result("log line\n{\"ok\":true}\n\n", List.of()).lastStdoutLine()).isEqualTo("{\"ok\":true}");
        assertThat(result("", List.of()).lastStdoutLine()).isEmpty();
    }

    @Test
    void lastJsonLineSkipsWhatDjangoPrintsAfterTheVerdict() {
        CommandResult r = result("{\"early\":1}\n{\"verdict\":2}\nSystem check identified no issues\n", List.of());
        assertThat(r.lastJsonLine()).isEqualTo("{\"verdict\":2}");
        assertThat(result("no json here\n", List.of()).lastJsonLine()).isEmpty();
    }

    @Test
    void lastLineOfATextIsItsLastNonBlankLine() {
        assertThat(CommandResult.lastLine("a\nb\n")).isEqualTo("b");
        assertThat(CommandResult.lastLine("only")).isEqualTo("only");
        assertThat(CommandResult.lastLine("")).isEmpty();
    }
}
