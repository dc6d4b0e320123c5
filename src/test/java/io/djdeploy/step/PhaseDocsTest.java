package io.djdeploy.step;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Phase} is the one list of phases: the README and docs/pipeline.md name them in its order. */
class PhaseDocsTest {
    static final List<String> PHASES = Arrays.stream(Phase.values()).map(Phase::name).toList();

    @Test
    void theReadmeListsThePhasesInOrder() throws Exception {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        assertThat(readme).contains("A deploy runs " + String.join(", ", PHASES) + ".");
    }

    @Test
    void thePipelineTableHasEveryPhaseInOrder() throws Exception {
        // the first column of docs/pipeline.md's step table: a phase name, or empty for its further steps
        List<String> column = Files.readAllLines(Path.of("docs/pipeline.md")).stream()
                .filter(l -> l.startsWith("| ") && l.indexOf('|', 2) > 0)
                .map(l -> l.substring(2, l.indexOf('|', 2)).strip())
                .filter(c -> c.matches("[A-Z]+"))
                .collect(Collectors.toList());
        assertThat(column).containsExactlyElementsOf(PHASES);
    }
}
