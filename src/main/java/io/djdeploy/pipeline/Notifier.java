package io.djdeploy.pipeline;

import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.NotifyConfig;
import io.djdeploy.release.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends a JSON (generic or Slack-compatible) POST on deploy start, success, failure and
 * rollback. Delivery runs beside the deploy, retries with a timeout per attempt, and never
 * blocks or fails it: an undeliverable notification is a warning. Everything sent passes
 * through the redactor.
 */
public final class Notifier implements EventSink {
    private final EnvironmentConfig env;
    private final EventSink next;
    private final Redactor redactor;
    private final Identity who;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "djdeploy-notify");
        t.setDaemon(true);
        return t;
    });
    private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
    private volatile Event.RunStarted started;

    public Notifier(EnvironmentConfig env, EventSink next, Redactor redactor, Identity who) {
        this.env = env;
        this.next = next;
        this.redactor = redactor;
        this.who = who;
    }

    @Override
    public void emit(Event e) {
        next.emit(e);
        if (e instanceof Event.RunStarted s && (s.command().equals("deploy") || s.command().equals("rollback"))) {
            started = s;
            send(s.command().equals("rollback") ? "rollback" : "start", s.command() + " started", null, s.ref(), null);
        } else if (e instanceof Event.RunFinished f && started != null && f.command().equals(started.command())) {
            String kind = f.command().equals("rollback") || f.outcome().equals("rolled_back") ? "rollback"
                    : f.outcome().equals("success") || f.outcome().equals("nothing_to_do") ? "success" : "failure";
            send(kind, f.message(), f.outcome(), started.ref(), f.release());
        }
    }

    private void send(String kind, String message, String outcome, String ref, String release) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("event", kind);
        payload.put("app", env.app());
        payload.put("environment", env.name());
        payload.put("command", started.command());
        if (ref != null) payload.put("ref", ref);
        if (release != null) payload.put("release", release);
        if (outcome != null) payload.put("outcome", outcome);
        payload.put("user", who.user());
        payload.put("origin", who.origin());
        payload.put("hosts", String.join(",", started.hosts()));
        if (message != null) payload.put("message", message);
        payload.put("ts", Instant.now().toString());
        String summary = env.app() + " " + env.name() + ": " + started.command() + (ref != null ? " " + ref : "") + " "
                + (outcome == null ? "started" : outcome.replace('_', ' ')) + " by " + who.user()
                + (message != null && outcome != null ? " - " + message : "");
        for (NotifyConfig n : env.notifications()) {
            if (!n.events().contains(kind)) continue;
            String body;
            if (n.format() == NotifyConfig.Format.SLACK) {
                ObjectNode slack = Json.MAPPER.createObjectNode();
                slack.put("text", summary);
                body = Json.line(redactor.apply(slack));
            } else {
                body = Json.line(redactor.apply(payload));
            }
            // masked before it was escaped as JSON; the whole body once more for good measure
            String safe = redactor.apply(body);
            pending.add(CompletableFuture.runAsync(() -> deliver(n, safe, kind), pool));
        }
    }

    private void deliver(NotifyConfig n, String body, String kind) {
        String last = null;
        for (int attempt = 0; attempt <= n.retries(); attempt++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(n.url())).timeout(n.timeout())
                        .header("Content-Type", "application/json").header("User-Agent", "djdeploy")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) return;
                last = "HTTP " + r.statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                last = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            }
            try {
                Thread.sleep(Math.min(2000, 250L << attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // the URL may hold a token: name the target by its host only
        next.emit(new Event.Warning(null, "notification '" + kind + "' to " + URI.create(n.url()).getHost()
                + " not delivered after " + (n.retries() + 1) + " attempt(s): " + redactor.apply(last)));
    }

    /** Gives pending notifications a bounded time to go out before the process exits. */
    public void awaitDelivery(Duration max) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            next.emit(new Event.Warning(null, "some notifications were still being sent when djdeploy finished"));
        } finally {
            pool.shutdownNow();
        }
    }
}
