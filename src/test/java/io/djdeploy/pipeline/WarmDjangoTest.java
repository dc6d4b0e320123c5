package io.djdeploy.pipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deploy asks each new release its Django questions (check --deploy, collectstatic, the
 * settings facts, GATE's migration reads) through the release's warm Django process: one Django
 * start instead of one per question (issue 18). The last question a host asks stops that
 * process; commands that change things (migrate, hooks) still run in processes of their own.
 */
class WarmDjangoTest {
    Fleet fleet = new Fleet();

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void everyDjangoQuestionOfADeployGoesThroughTheWarmProcessAndTheLastOneStopsIt() {
        RunResult r = fleet.deployer.deploy("v3");

        assertThat(r.result()).as(r.message()).isEqualTo(RunResult.Result.SUCCESS);
        for (String host : Fleet.HOSTS) {
            List<String> django = fleet.host(host).commands().stream()
                    .filter(c -> c.contains("manage.py check") || c.contains("manage.py collectstatic") || c.contains("manage.py makemigrations")
                            || c.contains("helper.py settings-facts") || c.contains("helper.py migrations"))
                    .toList();
            assertThat(django).as(host).isNotEmpty();
            // each question is its own command, through the warm process
            assertThat(django).as(host).allMatch(c -> c.contains("--warm"));
            // and only the host's last question stops it
            assertThat(django.stream().filter(c -> c.contains("--warm-last"))).as(host).hasSize(1);
            assertThat(django.get(django.size() - 1)).as(host).contains("--warm-last");
        }
        // web1 migrates: GATE's two reads come after PREPARE's questions, the second stops the process
        List<String> web1 = fleet.host("web1").commands();
        assertThat(web1.stream().filter(c -> c.contains("helper.py migrations")).toList())
                .satisfiesExactly(pending -> assertThat(pending).contains("--warm").doesNotContain("--warm-last"),
                        all -> assertThat(all).contains("--all --no-sql --warm-last"));
        assertThat(web1).filteredOn(c -> c.contains("manage.py migrate")).allMatch(c -> !c.contains("--warm"));
    }
}
