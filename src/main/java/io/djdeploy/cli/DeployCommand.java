package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", description = "Deploy a ref to an environment: lock, prepare, migrate, switch, verify.")
class DeployCommand extends EnvCommand {
    @Mixin
    RefMixin ref;

    @Option(names = "--approve-migrations", arity = "0..1", split = ",", paramLabel = "APP.MIGRATION", fallbackValue = "*",
            description = "Let review-class migrations run: all of them, or the ones named (e.g. notes.0003_remove_note_body).")
    java.util.List<String> approve;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8", description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--maintenance", description = "Maintenance page on (nginx answers 503) from right before MIGRATE until SWITCH passed;"
            + " on failure back to what it was. For migrations that cannot run under traffic.")
    boolean maintenance;

    @Option(names = "--message", paramLabel = "TEXT", description = "With --maintenance: the text on the page.")
    String message;

    /** A container release deploys as an image (docs/containers.md). */
    @Override
    boolean containersSupported() {
        return true;
    }

    @Override
    public Integer call() {
        ref.check();
        if (parallel < 1) throw new CliException(ExitCode.USAGE, "--parallel: must be at least 1, got " + parallel);
        // the whole command line is checked before the config is read
        java.util.Set<String> approved = approve == null ? java.util.Set.of() : new java.util.LinkedHashSet<>(approve);
        for (String id : approved) {
            if (!id.equals("*") && !id.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z0-9_]+")) {
                throw new CliException(ExitCode.USAGE, "--approve-migrations: '" + id + "' is not app.migration (e.g. notes.0003_remove_note_body)");
            }
        }
        if (message != null && !maintenance) throw new CliException(ExitCode.USAGE, "--message: only with --maintenance");
        EnvironmentConfig env = env();
        io.djdeploy.pipeline.Deployer d = deployer(env, sink(), parallel);
        if (maintenance) d.maintenance(MaintenanceCommand.page(config.config, env, message));
        return runWithHook(d, x -> x.deploy(ref.or(env), approved));
    }
}
