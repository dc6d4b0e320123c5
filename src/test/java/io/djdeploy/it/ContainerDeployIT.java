package io.djdeploy.it;

import io.djdeploy.it.TestHostsExtension.Hosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container runtime on two test hosts that each run their own Docker Engine
 * (scripts/testhosts up --containers, docs/testhosts.md): what the container deploys stand on.
 */
@ExtendWith(TestHostsExtension.class)
class ContainerDeployIT {
    static TestHosts hosts;
    static String h1;
    static String h2;
    static String baseImage;

    @BeforeAll
    static void fleet(@Hosts(value = 2, containers = true) TestHosts th) throws Exception {
        hosts = th;
        h1 = th.addresses.get(0);
        h2 = th.addresses.get(1);
        baseImage = th.containerhost("DJDEPLOY_TEST_BASE_IMAGE");
    }

    @Test
    void dockerOverSshTalksToTheHostsOwnEngineWhichHasTheBaseImage() throws Exception {
        for (String a : hosts.addresses) {
            // when: what a djdeploy command on that host runs, with sshd's environment (no DOCKER_HOST)
            Site.Run r = hosts.ssh(a, "echo \"DOCKER_HOST=${DOCKER_HOST:-}\"; docker info --format '{{.DockerRootDir}}'"
                    + " && docker image inspect --format '{{.Id}}' " + baseImage);

            // then: the default socket inside the host reaches an engine whose data is the host's own
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output().lines().toList()).startsWith("DOCKER_HOST=", hosts.host(a).resolve("docker").toString());
            assertThat(r.output().lines().skip(2).findFirst().orElse("")).startsWith("sha256:");
            assertThat(hosts.host(a).resolve("run/docker.sock")).exists();
        }
    }

    @Test
    void aContainerBelongsToItsHostAndMountsWhatTheHostSees() throws Exception {
        // given: a container on the first host, its socket directory mounted as a web color's is
        String run = "docker run --rm --network none --read-only -v /run/demo:/run/djdeploy " + baseImage
                + " sh -c 'echo from-a-container > /run/djdeploy/probe-file'"
                + " && docker create --name probe-" + h1.replace('.', '-') + " " + baseImage + " true";
        Site.Run r = hosts.ssh(h1, run);
        assertThat(r.code()).as(r.output()).isZero();

        try {
            // then: the bind mount resolved in that host's /run, not the machine's or the other host's
            assertThat(hosts.host(h1).resolve("run/demo/probe-file")).hasContent("from-a-container");
            assertThat(hosts.host(h2).resolve("run/demo/probe-file")).doesNotExist();
            assertThat(Path.of("/run/demo/probe-file")).doesNotExist();
            // and only that host's engine knows the container
            assertThat(hosts.ssh(h1, "docker ps -a --format '{{.Names}}'").output()).contains("probe-" + h1.replace('.', '-'));
            Site.Run other = hosts.ssh(h2, "docker ps -a --format '{{.Names}}'");
            assertThat(other.code()).isZero();
            assertThat(other.output()).doesNotContain("probe-");
        } finally {
            hosts.ssh(h1, "docker rm -f probe-" + h1.replace('.', '-'));
            Files.deleteIfExists(hosts.host(h1).resolve("run/demo/probe-file"));
        }
    }
}
