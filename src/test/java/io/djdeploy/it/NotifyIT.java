package io.djdeploy.it;

import com.sun.net.httpserver.HttpServer;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook notifications against a local HTTP server: delivered, retried, never blocking or failing a deploy. */
@ExtendWith(TestHostsExtension.class)
class NotifyIT {
    HttpServer server;
    final List<String> json = new CopyOnWriteArrayList<>();
    final List<String> slack = new CopyOnWriteArrayList<>();
    final AtomicInteger flakyCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/json", x -> {
            json.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/slack", x -> {
            // the first attempt of every message fails: delivery must retry
            int n = flakyCalls.incrementAndGet();
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (n % 2 == 1) {
                x.sendResponseHeaders(500, -1);
            } else {
                slack.add(body);
                x.sendResponseHeaders(200, -1);
            }
            x.close();
        });
        server.createContext("/slow", x -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void startSuccessFailureAndRollbackAreDeliveredWithRetriesAndWithoutSecrets(Site site) throws Exception {
        // given
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        site.site.writeConfig("notify:\n  - url: " + base + "/json\n  - url: " + base + "/slack\n    format: slack\n"
                + "    events: [success, failure, rollback]\n  - url: " + base + "/slow\n    timeout: 300ms\n    retries: 1\n");
        String secret = site.secretKey();

        // when
        Site.Run v1 = site.deploy("v1");
        Site.Run v2 = site.deploy("v2");
        Site.Run broken = site.deploy("broken");
        Site.Run back = site.djdeploy("rollback", LocalSite.ENVIRONMENT);

        // then: the runs were not held up or failed by the slow target
        assertThat(List.of(v1.code(), v2.code(), broken.code(), back.code())).containsExactly(0, 0, 6, 0);
        assertThat(v1.output()).contains("notification 'start' to 127.0.0.1 not delivered after 2 attempt(s)");
        // the generic JSON target got every event, in order, with what a team needs
        assertThat(json).hasSize(8);
        assertThat(json.stream().map(j -> j.replaceAll(".*\"event\":\"([a-z]+)\".*", "$1")).toList())
                .containsExactly("start", "success", "start", "success", "start", "failure", "rollback", "rollback");
        assertThat(json.get(1)).contains("\"app\":\"demo\"", "\"environment\":\"demo\"", "\"ref\":\"v1\"", "\"outcome\":\"success\"",
                "\"release\":\"2026", "\"user\":\"");
        assertThat(json.get(5)).contains("\"outcome\":\"failed\"", "check --deploy");
        // Slack got its subset as {"text": ...}, each after one failed attempt
        // (success, success, failure, and the rollback's start and finish)
        assertThat(slack).hasSize(5);
        assertThat(flakyCalls.get()).isEqualTo(10);
        assertThat(slack.get(2)).startsWith("{\"text\":\"demo demo: deploy broken failed by ");
        assertThat(String.join("\n", json) + String.join("\n", slack)).doesNotContain(secret);
    }
}
