package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.step.Event;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;

import java.util.List;

/** One run of a pipeline: what the runner, the checkpoints and the recovery share. */
public record Run(EnvironmentConfig env, RunContext ctx, List<HostRun> hosts, EventSink events, RunLedger ledger) {
    public Run {
        hosts = List.copyOf(hosts);
    }

    /** The host with role `migrate` in this run, or null (--hosts may leave it out). */
    HostRun migrateHost() {
        return hosts.stream().filter(h -> h.config().hasRole(HostConfig.MIGRATE)).findFirst().orElse(null);
    }

    List<String> names() {
        return names(hosts);
    }

    static List<String> names(List<HostRun> hosts) {
        return hosts.stream().map(HostRun::name).toList();
    }

    void info(String host, String message) {
        events.emit(new Event.Info(host, message));
    }

    void warn(String host, String message) {
        events.emit(new Event.Warning(host, message));
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
