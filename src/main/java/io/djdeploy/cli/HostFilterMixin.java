package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** --hosts and --roles limit a command to some of the environment's hosts; --accept-new-host-keys is how they are reached. */
public class HostFilterMixin {
    @Option(names = "--accept-new-host-keys",
            description = "Trust and record the SSH key of a host not yet in known_hosts (a changed key is always refused).")
    boolean acceptNewHostKeys;

    /** How to reach each host of {@code env}. */
    public java.util.function.Function<HostConfig, io.djdeploy.remote.Transport> transports(EnvironmentConfig env) {
        return io.djdeploy.remote.ssh.Transports.factory(env, acceptNewHostKeys, System.getenv());
    }

    @Option(names = "--hosts", split = ",", paramLabel = "HOST", description = "Only these hosts (comma-separated, as in the config).")
    List<String> hosts;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "Only hosts with any of these roles.")
    List<String> roles;

    public EnvironmentConfig apply(EnvironmentConfig env) {
        if (hosts == null && roles == null) return env;
        if (hosts != null) {
            for (String h : hosts) {
                if (env.hosts().stream().noneMatch(c -> c.host().equals(h))) {
                    throw new CliException(ExitCode.USAGE, "--hosts: " + h + " is not a host of environment " + env.name()
                            + " (its hosts: " + String.join(", ", env.hosts().stream().map(HostConfig::host).toList()) + ")");
                }
            }
        }
        List<HostConfig> kept = new ArrayList<>();
        for (HostConfig h : env.hosts()) {
            if (hosts != null && !hosts.contains(h.host())) continue;
            if (roles != null && h.roles().stream().noneMatch(roles::contains)) continue;
            kept.add(h);
        }
        if (kept.isEmpty()) {
            // only --roles can empty the list: every --hosts name was checked above
            java.util.Set<String> inUse = new java.util.TreeSet<>();
            for (HostConfig h : env.hosts()) {
                if (hosts == null || hosts.contains(h.host())) inUse.addAll(h.roles());
            }
            throw new CliException(ExitCode.USAGE, "--roles: no host of environment " + env.name()
                    + (hosts != null ? " among --hosts " + String.join(",", hosts) : "")
                    + " has the role " + String.join(" or ", roles) + " (roles there: " + String.join(", ", inUse) + ")");
        }
        return env.withHosts(kept);
    }
}
