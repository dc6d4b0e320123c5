package io.djdeploy.pipeline;

import com.sun.net.httpserver.HttpServer;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository URL with a password, against real git over HTTP with Basic auth (git's "dumb"
 * HTTP protocol, served here): the mirror is cloned and fetched, the password never is on the
 * command (it travels on stdin to a credential helper) and never lands in the mirror's config.
 */
class MirrorCredentialsTest {
    static final String TOKEN = "ghp_Cr3dT0k3n%40x";      // URL-encoded '@' inside
    static final String DECODED = "ghp_Cr3dT0k3n@x";

    @Test
    void aPasswordInTheRepoUrlReachesGitThroughTheCredentialHelperOnly(@TempDir Path dir) throws Exception {
        // given: a bare repository served over HTTP that wants deployer:<token>
        LocalTransport local = new LocalTransport("web1");
        Path origin = dir.resolve("origin.git");
        assertThat(local.run(Command.sh("cd " + dir + " && git init -q work && cd work && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m one"
                + " && git tag v1 && git clone -q --bare . " + origin + " && git -C " + origin + " update-server-info")).ok()).isTrue();
        String expected = "Basic " + Base64.getEncoder().encodeToString(("deployer:" + DECODED).getBytes(StandardCharsets.UTF_8));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            Path f = origin.resolve(ex.getRequestURI().getPath().replaceFirst("^/shop\\.git/?", "")).normalize();
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
            } else if (f.startsWith(origin) && Files.isRegularFile(f)) {
                byte[] body = Files.readAllBytes(f);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
        try {
            String url = "http://deployer:" + TOKEN + "@127.0.0.1:" + server.getAddress().getPort() + "/shop.git";
            ReleaseLayout layout = new ReleaseLayout(dir.resolve("srv").toString());
            Files.createDirectories(Path.of(layout.deployTo()));

            // when: the first deploy clones, the next one fetches
            Command c = CoreSteps.mirrorCommand(layout, url);
            CommandResult clone = local.run(c);
            CommandResult fetch = local.run(CoreSteps.mirrorCommand(layout, url));

            // then
            assertThat(clone.ok()).as(clone.out() + clone.stderr()).isTrue();
            assertThat(fetch.ok()).as(fetch.out() + fetch.stderr()).isTrue();
            assertThat(local.run(Command.sh("git -C " + layout.repo() + " rev-parse --verify -q v1")).ok()).isTrue();
            assertThat(c.script()).doesNotContain(TOKEN, DECODED).contains("http://deployer@127.0.0.1:");
            assertThat(new String(c.stdin(), StandardCharsets.UTF_8)).isEqualTo("password=" + DECODED + "\n");
            assertThat(Files.readString(Path.of(layout.repo(), "config"))).doesNotContain(TOKEN, DECODED);
        } finally {
            server.stop(0);
        }
    }
}
