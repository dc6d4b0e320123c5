package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", description = "Run every check a deploy runs (env file, disk, clock, nginx, git ref, check --deploy, "
        + "database, proxy settings) without deploying. Exit 15 when one fails.")
class CheckCommand extends EnvCommand {
    @Mixin
    RefMixin ref;

    /** A container release is checked as it deploys: built, pulled, its release directory removed again. */
    @Override
    boolean containersSupported() {
        return true;
    }

    @Override
    public Integer call() {
        ref.check();
        EnvironmentConfig env = env();
        return runWithHook(deployer(env, sink(), 8), d -> d.check(ref.or(env)));
    }
}
