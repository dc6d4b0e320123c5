package io.djdeploy.pipeline;

import io.djdeploy.step.Phase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checklist lives in {@link Pipelines}: the runner, the recovery, the ledger and the
 * front door name no particular phase or step, so adding or moving one is a change to the list.
 */
class GenericEngineTest {
    static final List<String> ENGINE = List.of("PhaseRunner", "Recovery", "RunLedger", "Deployer");

    @Test
    void theEngineNamesNoPhaseAndNoStep() throws Exception {
        for (String cls : ENGINE) {
            String source = Files.readString(Path.of("src/main/java/io/djdeploy/pipeline/" + cls + ".java"));
            for (Phase p : Phase.values()) assertThat(source).as(cls).doesNotContain("Phase." + p.name());
            // step names are constants on the step classes (MigrationSteps.MIGRATE ...) or literals
            assertThat(source).as(cls).doesNotContainPattern("[A-Za-z]+Steps\\.[A-Z_]+\\b(?!\\()")
                    .doesNotContainPattern("\"(migrate|switch|health|cleanup|collectstatic)\"\\.equals");
        }
    }

    @Test
    void everyPhaseOfADeployIsListedInOrder() {
        // a hook point that waits for every host is a barrier of its own inside its phase: a phase may
        // have several consecutive specs, never one out of order
        assertThat(Pipelines.deploy().stream().map(Pipelines.PhaseSpec::phase).toList()).isSorted();
        assertThat(Pipelines.deploy().stream().map(Pipelines.PhaseSpec::phase).distinct()).containsExactly(Phase.values());
        assertThat(Pipelines.deploy()).filteredOn(p -> p.policy() == Pipelines.Policy.BATCHED)
                .extracting(Pipelines.PhaseSpec::phase).containsExactly(Phase.SWITCH);
        assertThat(Pipelines.deploy()).filteredOn(p -> p.policy() == Pipelines.Policy.BEST_EFFORT)
                .extracting(Pipelines.PhaseSpec::phase).containsExactly(Phase.FINALIZE);
    }
}
