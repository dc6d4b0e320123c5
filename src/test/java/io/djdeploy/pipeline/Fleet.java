package io.djdeploy.pipeline;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.step.Event;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Phase;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Four fake hosts (web1 with the migrate role, web2, web3, worker1) that already serve
 * release {@link #OLD} with {@link #OLDER} kept, and a {@link Deployer} wired to them with a
 * fixed clock, so the new release's id is {@link #NEW}. Web hosts switch one at a time.
 */
final class Fleet implements AutoCloseable {
    static final String DEPLOY_TO = "/srv/shop";
    static final String OLDER = "20261101000000";
    static final String OLD = "20261115000000";
    static final String NEW = "20261201100000";
    static final List<String> HOSTS = List.of("web1", "web2", "web3", "worker1");

    private static final String CONFIG = """
            app: shop
            repo: https://git.example.com/shop.git
            python:
              requirements: []
            web:
              strategy: restart
              reload: supervisorctl restart shop-web
            health:
              url: http://127.0.0.1:8000/healthz/
              retries: 1
            workers:
              restart: supervisorctl restart shop-worker
            switch:
              batch_size: 1
            checks:
              required_env: []
            %s
            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - {host: web1, roles: [web, migrate], transport: local}
                  - {host: web2, roles: [web], transport: local}
                  - {host: web3, roles: [web], transport: local}
                  - {host: worker1, roles: [worker], transport: local}
            """;

    final EnvironmentConfig env;
    final Map<String, FakeHost> hosts = new LinkedHashMap<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Deployer deployer;

    Fleet() {
        this("");
    }

    Fleet(String sections) {
        this(sections, 4);
    }

    /** The same fleet with the blue-green web strategy (colors as supervisor programs, 10 minutes of standby). */
    static Fleet blueGreen() {
        return new Fleet(CONFIG.replace("""
                  strategy: restart
                  reload: supervisorctl restart shop-web
                """, """
                  strategy: blue-green
                  start: supervisorctl start shop-web-{color}
                  stop: supervisorctl stop shop-web-{color}
                  standby: 10m
                """), "", 4);
    }

    /**
     * @param sections extra top-level YAML (e.g. "rollback: {auto: false}")
     * @param parallel hosts at a time (--parallel)
     */
    Fleet(String sections, int parallel) {
        this(CONFIG, sections, parallel);
    }

    private Fleet(String config, String sections, int parallel) {
        try {
            env = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), config.formatted(sections)).environments().get("production");
        } catch (io.djdeploy.config.ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        for (String name : HOSTS) {
            FakeHost h = new FakeHost(name, DEPLOY_TO).release(OLDER, "v1").release(OLD, "v2").current(OLD);
            h.file(DEPLOY_TO + "/.djdeploy/history.jsonl", ledgerLine(OLDER, null) + ledgerLine(OLD, OLDER));
            hosts.put(name, h);
        }
        deployer = new Deployer(env, hc -> hosts.get(hc.host()), events::add, new Identity("ci", "laptop", 4242),
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC), "# helper".getBytes(), parallel);
    }

    private static String ledgerLine(String release, String previous) {
        return Json.line(new LedgerEntry("deploy", "success", release, previous, "v", FakeHost.SHA, "ci", "laptop", "web1",
                null, null, 0L, null, List.of(), null, null, null, null)) + "\n";
    }

    FakeHost host(String name) {
        return hosts.get(name);
    }

    /** The lines this run added to a host's ledger, as "event outcome release". */
    List<String> ledger(String host) {
        List<String> out = new ArrayList<>();
        List<String> lines = host(host).ledgerLines();
        for (String l : lines.subList(2, lines.size())) {
            LedgerEntry e = Json.read(l, LedgerEntry.class);
            out.add(e.event() + " " + e.outcome() + " " + e.release());
        }
        return out;
    }

    LedgerEntry lastLedger(String host) {
        List<String> lines = host(host).ledgerLines();
        return Json.read(lines.get(lines.size() - 1), LedgerEntry.class);
    }

    <T extends Event> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Phase> phasesStarted() {
        return events(Event.PhaseStarted.class).stream().map(Event.PhaseStarted::phase).toList();
    }

    /** "phase/step status" of every step a host ran, in order. */
    List<String> steps(String host) {
        return events(Event.StepFinished.class).stream().filter(e -> host.equals(e.host()))
                .map(e -> e.phase().label() + "/" + e.step() + " " + e.status()).toList();
    }

    List<String> warnings() {
        return events(Event.Warning.class).stream().map(w -> w.host() + ": " + w.message()).toList();
    }

    Event.RunFinished finished() {
        List<Event.RunFinished> f = events(Event.RunFinished.class);
        return f.get(f.size() - 1);
    }

    /** Every host's `current` link. */
    Map<String, String> currents() {
        Map<String, String> out = new LinkedHashMap<>();
        hosts.forEach((n, h) -> out.put(n, h.current()));
        return out;
    }

    boolean anyLocked() {
        return hosts.values().stream().anyMatch(FakeHost::locked);
    }

    @Override
    public void close() {
        deployer.close();
    }
}
