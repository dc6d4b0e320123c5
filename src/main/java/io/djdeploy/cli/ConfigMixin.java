package io.djdeploy.cli;

import io.djdeploy.config.ConfigException;
import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.DeployConfig;
import io.djdeploy.config.EnvironmentConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** -c/--config and loading one environment from it; nothing connects until this succeeded. */
public class ConfigMixin {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "deploy.yml",
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    public EnvironmentConfig environment(String name) {
        return environment(name, false);
    }

    /**
     * @param containers whether the calling command handles {@code runtime: container}; the
     *                   others refuse such an environment with exit 3 before connecting
     */
    public EnvironmentConfig environment(String name, boolean containers) {
        DeployConfig cfg;
        try {
            cfg = new ConfigLoader().load(config);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.CONFIG, e.getMessage(), e.errors());
        }
        EnvironmentConfig env = cfg.environments().get(name);
        if (env == null) {
            io.djdeploy.config.ConfigError unknown = new io.djdeploy.config.ConfigError(config.toString(), 0, "environments." + name,
                    "unknown environment (defined: " + String.join(", ", cfg.environments().keySet()) + ")");
            throw new CliException(ExitCode.CONFIG, unknown.toString(), java.util.List.of(unknown));
        }
        if (env.containers() && !containers) {
            // the engine would otherwise deploy a checkout and venv where the team expects an image
            throw new CliException(ExitCode.CONFIG, config + ": environments." + name + ": runtime: container is not supported by "
                    + "this command yet; docs/containers.md says what works so far (nothing was done)");
        }
        return env;
    }
}
