package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.ReleaseLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollback", description = "Switch back to a kept release: no git, no pip, no collectstatic.")
class RollbackCommand extends EnvCommand {
    @Option(names = "--to", paramLabel = "ID", description = "Release id (default: the newest good release before current).")
    String to;

    @Option(names = "--migrate-back", description = "Unapply migrations the target does not know before switching, with the code of a kept release that has their files (prints the reverse plan; backs up first when migrations.backup is set).")
    boolean migrateBack;

    @Option(names = "--approve-migrations", arity = "0..1", split = ",", paramLabel = "APP.MIGRATION", fallbackValue = "*",
            description = "With --migrate-back: approve unapplying migrations whose reverse drops tables or columns (all, or the listed ones).")
    java.util.List<String> approve;

    @Option(names = "--ignore-schema", description = "Switch even though the target's code does not know applied migrations (recorded as forced).")
    boolean ignoreSchema;

    /** A container release keeps its directory (IMAGE, manifest): the blue-green rollback runs the target's image (docs/containers.md). */
    @Override
    boolean containersSupported() {
        return true;
    }

    @Override
    public Integer call() {
        if (to != null && !ReleaseLayout.isId(to)) {
            throw new CliException(ExitCode.USAGE, "--to: '" + to + "' is not a release id (14 digits, e.g. 20261123194512)");
        }
        EnvironmentConfig env = env();
        if (migrateBack && ignoreSchema) throw new CliException(ExitCode.USAGE, "--migrate-back and --ignore-schema exclude each other");
        if (migrateBack && env.containers()) {
            // MigrateBack runs a kept release's manage.py from its venv; a container release has none on the host
            throw new CliException(ExitCode.CONFIG, "--migrate-back: not supported for runtime: container yet (nothing was done);"
                    + " unapply with a one-off container of the newer image (docker run --rm --env-file ... IMAGE python manage.py migrate APP NAME),"
                    + " then roll back");
        }
        io.djdeploy.pipeline.Deployer.SchemaMode mode = migrateBack ? io.djdeploy.pipeline.Deployer.SchemaMode.MIGRATE_BACK
                : ignoreSchema ? io.djdeploy.pipeline.Deployer.SchemaMode.IGNORE : io.djdeploy.pipeline.Deployer.SchemaMode.CHECK;
        java.util.Set<String> approved = approve == null ? java.util.Set.of() : new java.util.LinkedHashSet<>(approve);
        if (!approved.isEmpty() && !migrateBack) throw new CliException(ExitCode.USAGE, "--approve-migrations goes with --migrate-back");
        return runWithHook(deployer(env, sink(), 8), d -> d.rollback(to, mode, approved));
    }
}
