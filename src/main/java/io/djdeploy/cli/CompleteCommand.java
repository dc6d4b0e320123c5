package io.djdeploy.cli;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.DeployConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.pipeline.Operations;
import io.djdeploy.step.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * `djdeploy __complete KIND [ENV]`: candidates for the completion scripts, one a line. Hidden;
 * it never fails: a config that does not load or a host that does not answer gives no candidates.
 */
@Command(name = "__complete", hidden = true, description = "Completion candidates: envs, hosts, roles or releases.")
class CompleteCommand implements Callable<Integer> {
    enum Kind { envs, hosts, roles, releases }

    @Parameters(index = "0") Kind kind;

    @Parameters(index = "1", arity = "0..1") String environment;

    @Option(names = {"-c", "--config"}, defaultValue = "deploy.yml") Path config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            for (String c : candidates()) spec.commandLine().getOut().println(c);
        } catch (Exception | LinkageError e) {
            // completion must stay quiet: no candidates
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    Collection<String> candidates() throws Exception {
        DeployConfig cfg = new ConfigLoader().load(config);
        if (kind == Kind.envs) return cfg.environments().keySet();
        EnvironmentConfig one = environment == null ? null : cfg.environments().get(environment);
        Collection<EnvironmentConfig> envs = one != null ? List.of(one) : cfg.environments().values();
        Set<String> out = new LinkedHashSet<>();
        switch (kind) {
            case hosts -> envs.forEach(e -> e.hosts().forEach(h -> out.add(h.host())));
            case roles -> {
                envs.forEach(e -> e.hosts().forEach(h -> out.addAll(h.roles())));
                out.addAll(List.of(HostConfig.WEB, HostConfig.MIGRATE, HostConfig.WORKER, HostConfig.BEAT));
            }
            case releases -> {
                if (one == null) return out;
                // the first host's ledger, newest first: what rollback --to and report take
                Operations ops = new Operations(one, io.djdeploy.remote.ssh.Transports.factory(one, false, System.getenv()),
                        Identity.current(System.getenv()), Clock.systemUTC());
                ops.releases().forEach(r -> {
                    if (r.release() != null) out.add(r.release());
                });
            }
            default -> { }
        }
        return out;
    }
}
