package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PREFLIGHT of a container host: the facts one round trip prints, and how they are judged. */
class EngineChecksTest {
    @Test
    void oneCommandPrintsEveryFact() {
        String script = EngineChecks.facts(new ImageConfig("127.0.0.1:5080", "demo", "Dockerfile", null, null)).script();

        assertThat(script).contains("engine=", "docker version --format '{{.Server.Version}}'", "free_kb=", "registry=",
                "http://127.0.0.1:5080/v2/");
    }

    @Test
    void aHealthyHostPassesEveryCheck() {
        List<EngineChecks.Check> checks = EngineChecks.judge(EngineChecks.parse("engine=20.10.24+dfsg1\nfree_kb=4194304\nregistry=401\n"),
                "registry.example.com", 1024);

        assertThat(checks).extracting(EngineChecks.Check::id).containsExactly("docker.engine", "docker.disk", "docker.registry");
        assertThat(checks).allMatch(EngineChecks.Check::ok);
        assertThat(checks.get(0).detail()).isEqualTo("Docker Engine 20.10.24+dfsg1 answers");
        assertThat(checks.get(1).detail()).isEqualTo("4096 MiB free under the engine's data root (at least 1024)");
        assertThat(checks.get(2).detail()).isEqualTo("registry.example.com answers (HTTP 401)");
    }

    @Test
    void noEngineNoRoomAndNoRegistryFail() {
        List<EngineChecks.Check> down = EngineChecks.judge(EngineChecks.parse("engine=\nfree_kb=\nregistry=000\n"), "registry.example.com", 1024);
        assertThat(down).extracting(EngineChecks.Check::id).containsExactly("docker.engine", "docker.registry");
        assertThat(down).noneMatch(EngineChecks.Check::ok);
        assertThat(down.get(1).fix()).contains("docker login registry.example.com");

        List<EngineChecks.Check> full = EngineChecks.judge(EngineChecks.parse("engine=28.2.2\nfree_kb=10240\nregistry=200\n"), "r.example.com", 1024);
        assertThat(full.get(1).ok()).isFalse();
        assertThat(full.get(1).detail()).startsWith("10 MiB free");
    }
}
