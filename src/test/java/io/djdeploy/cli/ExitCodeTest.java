package io.djdeploy.cli;

import io.djdeploy.pipeline.RunResult;
import io.djdeploy.pipeline.RunResult.Result;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit codes are a contract: the enum defines them, the README shows exactly the enum. */
class ExitCodeTest {
    static final String HEADER = "| code | name | meaning |\n|---|---|---|\n";

    /** The README's table, as the enum renders it. */
    static String table() {
        return HEADER + Arrays.stream(ExitCode.values())
                .map(c -> "| " + c.code + " | " + c.name() + " | " + c.meaning + " |\n")
                .collect(Collectors.joining());
    }

    @Test
    void readmeTableIsRenderedFromTheEnum() throws Exception {
        // given
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf(HEADER, readme.indexOf("## Exit codes"));

        // when
        String inReadme = start < 0 ? "" : readme.substring(start, readme.indexOf("\n\n", start) + 1);

        // then
        assertThat(inReadme).as("README.md's exit-code table; paste this one:\n" + table()).isEqualTo(table());
    }

    @Test
    void codesAreUnique() {
        assertThat(Arrays.stream(ExitCode.values()).map(c -> c.code)).doesNotHaveDuplicates();
    }

    @Test
    void everyRunResultHasItsExitCode() {
        Map<Result, ExitCode> expected = new EnumMap<>(Map.ofEntries(
                Map.entry(Result.SUCCESS, ExitCode.OK), Map.entry(Result.NOTHING_TO_DO, ExitCode.OK),
                Map.entry(Result.CONNECT_FAILED, ExitCode.CONNECT), Map.entry(Result.LOCKED, ExitCode.LOCKED),
                Map.entry(Result.FAILED, ExitCode.DEPLOY_FAILED), Map.entry(Result.ROLLED_BACK, ExitCode.ROLLED_BACK),
                Map.entry(Result.ROLLBACK_FAILED, ExitCode.ROLLBACK_FAILED), Map.entry(Result.INTERRUPTED, ExitCode.INTERRUPTED),
                Map.entry(Result.NO_TARGET, ExitCode.NO_TARGET), Map.entry(Result.GATED, ExitCode.MIGRATIONS_REVIEW),
                Map.entry(Result.SCHEMA_BLOCKED, ExitCode.SCHEMA_MISMATCH), Map.entry(Result.CHECKS_FAILED, ExitCode.CHECKS_FAILED)));
        assertThat(expected.keySet()).containsExactly(Result.values());
        for (Result r : Result.values()) {
            assertThat(ExitCode.of(new RunResult(r, null, "m"))).as(r.name()).isEqualTo(expected.get(r));
        }
    }
}
