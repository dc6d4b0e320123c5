package io.djdeploy.pipeline;

import io.djdeploy.step.Phase;
import io.djdeploy.step.Step;
import io.djdeploy.django.DjangoSteps;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseChecks;
import io.djdeploy.django.VenvStep;
import io.djdeploy.web.BlueGreen;
import io.djdeploy.web.WebSteps;

import java.util.List;

/**
 * The one place that lists what each command does, phase by phase, in order. SWITCH runs in
 * health-verified batches of web hosts, then the other hosts (see {@link Deployer}).
 */
public final class Pipelines {
    private Pipelines() {}

    public record PhaseSpec(Phase phase, List<Step> steps) {}

    /**
     * Blue-green boots and checks the idle color before `current` moves (a release that cannot
     * boot changes nothing), swaps the socket in the same command as the switch, and retires the old color only
     * once the health URL proved the new release serves through nginx. The other strategies
     * run the reload hook in the switch's command.
     */
    static final PhaseSpec SWITCH = new PhaseSpec(Phase.SWITCH, List.of(BlueGreen.boot(), WebSteps.switchAndActivate(),
            WebSteps.health(), BlueGreen.retire()));
    static final PhaseSpec WORKERS = new PhaseSpec(Phase.WORKERS, List.of(CoreSteps.restartWorkers(), CoreSteps.restartBeat()));

    public static List<PhaseSpec> deploy() {
        return List.of(
                new PhaseSpec(Phase.CONNECT, List.of(CoreSteps.connect())),
                new PhaseSpec(Phase.LOCK, List.of(CoreSteps.lock())),
                new PhaseSpec(Phase.PREFLIGHT, List.of(CoreSteps.inspect(), CoreSteps.tools(), HostChecks.step(), CoreSteps.fetch())),
                new PhaseSpec(Phase.PREPARE, List.of(CoreSteps.code(), CoreSteps.helper(), CoreSteps.shared(),
                        new VenvStep(), ReleaseChecks.checkDeploy(), DjangoSteps.collectstatic(), ReleaseChecks.settings(),
                        CoreSteps.revision())),
                new PhaseSpec(Phase.GATE, List.of(MigrationSteps.analyze())),
                new PhaseSpec(Phase.MIGRATE, List.of(MigrationSteps.manifest(), MigrationSteps.backup(), MigrationSteps.migrate())),
                SWITCH,
                WORKERS,
                new PhaseSpec(Phase.FINALIZE, List.of(CoreSteps.cleanup())));
    }

    /** A rollback: no git, no pip, no collectstatic: switch, reload, verify, restart workers. */
    public static List<PhaseSpec> rollback() {
        return List.of(
                new PhaseSpec(Phase.CONNECT, List.of(CoreSteps.connect())),
                new PhaseSpec(Phase.LOCK, List.of(CoreSteps.lock())),
                new PhaseSpec(Phase.PREFLIGHT, List.of(CoreSteps.inspect(), CoreSteps.envFile())),
                SWITCH,
                WORKERS);
    }
}
