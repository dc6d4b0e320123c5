package io.djdeploy.pipeline;

import io.djdeploy.config.HookConfig;
import io.djdeploy.container.EngineChecks;
import io.djdeploy.container.ImagePull;
import io.djdeploy.django.ContainerMigrations;
import io.djdeploy.django.DjangoSteps;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseChecks;
import io.djdeploy.django.VenvStep;
import io.djdeploy.step.Phase;
import io.djdeploy.step.Step;
import io.djdeploy.web.BlueGreen;
import io.djdeploy.web.StaticArchive;
import io.djdeploy.web.WebSteps;

import java.util.ArrayList;
import java.util.List;

/**
 * The checklist as data: what each command does, phase by phase, in order, with each phase's
 * policy and what runs between phases. {@link PhaseRunner} runs a phase by its policy,
 * {@link Recovery} cleans up when one fails; neither knows any particular phase or step.
 */
public final class Pipelines {
    private Pipelines() {}

    /** How a phase runs across hosts, and what its failure means. */
    public enum Policy {
        /** Every host in parallel; no host starts the next phase until all passed. Before SWITCH the first failure cancels the others. */
        BARRIER,
        /** Web hosts in batches of switch.batch_size, each batch health-verified before the next; then the other hosts. A failing batch stops the phase: later batches never switch. */
        BATCHED,
        /** Failures are warnings: the run already succeeded. */
        BEST_EFFORT
    }

    /**
     * One phase: its steps (each host runs those that apply to it, in order), its policy, and
     * the checkpoints that run once it passed on every host, in order.
     * @param failsAs the result a failure here ends the run with, when it is not the usual clean-up
     */
    public record PhaseSpec(Phase phase, Policy policy, List<Step> steps, List<Checkpoint> after, RunResult.Result failsAs) {
        public PhaseSpec {
            steps = List.copyOf(steps);
            after = List.copyOf(after);
        }

        public PhaseSpec then(Checkpoint next) {
            List<Checkpoint> all = new ArrayList<>(after);
            all.add(next);
            return new PhaseSpec(phase, policy, steps, all, failsAs);
        }

        PhaseSpec failingAs(RunResult.Result result) {
            return new PhaseSpec(phase, policy, steps, after, result);
        }
    }

    static PhaseSpec barrier(Phase phase, Step... steps) {
        return new PhaseSpec(phase, Policy.BARRIER, List.of(steps), List.of(), null);
    }

    static PhaseSpec batched(Phase phase, Step... steps) {
        return new PhaseSpec(phase, Policy.BATCHED, List.of(steps), List.of(), null);
    }

    static PhaseSpec bestEffort(Phase phase, Step... steps) {
        return new PhaseSpec(phase, Policy.BEST_EFFORT, List.of(steps), List.of(), null);
    }

    /** The project's local hooks (front-end builds...), on the deploying machine: a failure leaves nothing to undo. */
    static final PhaseSpec BUILD = barrier(Phase.BUILD, LocalHooks.build());
    /** Nothing is held yet: a host that cannot be reached stops the run with nothing to undo. */
    static final PhaseSpec CONNECT = barrier(Phase.CONNECT, CoreSteps.connect()).failingAs(RunResult.Result.CONNECT_FAILED);
    static final PhaseSpec LOCK = barrier(Phase.LOCK, CoreSteps.lock());
    /** Ends with every host agreeing on the commit, and the new release id. */
    static final PhaseSpec PREFLIGHT = barrier(Phase.PREFLIGHT,
            CoreSteps.inspect(), CoreSteps.tools(), HostChecks.step(), GitSteps.reachable(), CoreSteps.fetch())
            .then(LocalCode::resolve)             // git.mode upload: this machine resolves the ref and builds the tree
            .then(CommitAgreement::agree);
    static final PhaseSpec PREPARE = barrier(Phase.PREPARE,
            CoreSteps.code(), LocalHooks.upload(), CoreSteps.helper(), CoreSteps.shared(), new VenvStep(), ReleaseChecks.checkDeploy(),
            DjangoSteps.collectstatic(), StaticArchive.link(), ReleaseChecks.settings(), CoreSteps.revision(),
            HookSteps.at(HookConfig.Point.AFTER_PREPARE));
    static final PhaseSpec GATE = barrier(Phase.GATE,
            MigrationSteps.analyze());
    static final PhaseSpec MIGRATE = barrier(Phase.MIGRATE,
            MigrationSteps.manifest(), MigrationSteps.backup(), MigrationSteps.migrate());
    /**
     * Blue-green boots and checks the idle color before `current` moves (a release that cannot
     * boot changes nothing), swaps the socket in the same command as the switch, and retires the old color only
     * once the health URL proved the new release serves through nginx. The other strategies
     * run the reload hook in the switch's command.
     */
    static final PhaseSpec SWITCH = batched(Phase.SWITCH,
            BlueGreen.boot(), WebSteps.switchAndActivate(), WebSteps.health(), BlueGreen.retire());
    /** Also run by a switch back, so workers run the code of the release the web tier serves. */
    static final PhaseSpec WORKERS = barrier(Phase.WORKERS,
            CoreSteps.restartWorkers(), CoreSteps.restartBeat());
    /**
     * A hook point that must wait for every host (no host's before_switch hook before the migrate
     * host migrated): a barrier of its own inside its phase, run only when some host has such a hook.
     */
    static PhaseSpec hooks(Phase phase, HookConfig.Point point) {
        return barrier(phase, HookSteps.at(point));
    }

    static final PhaseSpec FINALIZE = bestEffort(Phase.FINALIZE,
            CoreSteps.cleanup(), StaticArchive.prune());
    /**
     * runtime: container: the release directories' cleanup as above, then the app's stopped
     * containers and its images beyond keep_releases (never the run's or the previous release's).
     */
    static final PhaseSpec CONTAINER_FINALIZE = bestEffort(Phase.FINALIZE,
            CoreSteps.cleanup(), new io.djdeploy.container.ImagePrune());

    public static List<PhaseSpec> deploy() {
        return List.of(
                BUILD,
                CONNECT,
                LOCK,
                PREFLIGHT.then(RunLedger::started),   // the "started" line: written before anything changes
                PREPARE,                              // ends with the after_prepare hooks
                GATE.then(MigrationGate::apply),      // review-class migrations stop here unless approved
                hooks(Phase.MIGRATE, HookConfig.Point.BEFORE_MIGRATE),
                MIGRATE,
                hooks(Phase.MIGRATE, HookConfig.Point.AFTER_MIGRATE),
                hooks(Phase.MIGRATE, HookConfig.Point.BEFORE_SWITCH),   // a failure here still changes nothing users see
                SWITCH,
                WORKERS,
                hooks(Phase.WORKERS, HookConfig.Point.AFTER_SWITCH),    // a failure here switches back, as a failed health check does
                FINALIZE);
    }

    /** The deploy of this environment's runtime: a release directory with its venv, or an image ({@link #containerDeploy}). */
    public static List<PhaseSpec> deploy(io.djdeploy.config.EnvironmentConfig env) {
        return env.containers() ? containerDeploy() : deploy();
    }

    // ---------------------------------------------------------------- runtime: container (docs/containers.md)

    /** The engine instead of the venv's tools; this machine resolves the ref and builds the tree the image is built from. */
    static final PhaseSpec CONTAINER_PREFLIGHT = barrier(Phase.PREFLIGHT,
            CoreSteps.inspect(), new EngineChecks(), HostChecks.step())
            .then(ContainerBuild::resolve)
            .then(CommitAgreement::agree);
    /** The image, once for all hosts (on this machine or image.build's host): built, its manifest labelled, pushed. */
    static final PhaseSpec CONTAINER_BUILD = barrier(Phase.PREPARE, ContainerBuild.step());
    /**
     * Every host pulls it and writes the release directory the rest keeps working on: IMAGE,
     * the manifest, staticfiles/, the helper (for the GATE's one-off container), REVISION last.
     */
    static final PhaseSpec CONTAINER_PULL = barrier(Phase.PREPARE,
            new ImagePull(), CoreSteps.helper(), CoreSteps.revision());
    static final PhaseSpec CONTAINER_GATE = barrier(Phase.GATE,
            ContainerMigrations.analyze());
    static final PhaseSpec CONTAINER_MIGRATE = barrier(Phase.MIGRATE,
            ContainerMigrations.backup(), ContainerMigrations.migrate());

    /**
     * A container release: the same phases, barriers, gate and recovery as {@link #deploy()};
     * PREPARE builds one image and every host pulls it; GATE and MIGRATE run in one-off
     * containers of it on the migrate host. SWITCH is blue-green with containers as the colors
     * (web.start/web.stop).
     */
    public static List<PhaseSpec> containerDeploy() {
        return List.of(
                BUILD,
                CONNECT,
                LOCK,
                CONTAINER_PREFLIGHT.then(RunLedger::started),
                CONTAINER_BUILD,
                CONTAINER_PULL,
                CONTAINER_GATE.then(MigrationGate::apply),
                hooks(Phase.MIGRATE, HookConfig.Point.BEFORE_MIGRATE),
                CONTAINER_MIGRATE,
                hooks(Phase.MIGRATE, HookConfig.Point.AFTER_MIGRATE),
                hooks(Phase.MIGRATE, HookConfig.Point.BEFORE_SWITCH),
                SWITCH,
                WORKERS,
                hooks(Phase.WORKERS, HookConfig.Point.AFTER_SWITCH),
                CONTAINER_FINALIZE);
    }

    /** `djdeploy check`: every check a deploy runs; the caller removes the release. Nothing is recorded. */
    public static List<PhaseSpec> check() {
        return List.of(CONNECT, LOCK, PREFLIGHT, PREPARE);
    }

    public static List<PhaseSpec> check(io.djdeploy.config.EnvironmentConfig env) {
        return env.containers() ? List.of(CONNECT, LOCK, CONTAINER_PREFLIGHT, CONTAINER_BUILD, CONTAINER_PULL) : check();
    }

    public static List<PhaseSpec> analyze(io.djdeploy.config.EnvironmentConfig env) {
        return env.containers() ? List.of(CONNECT, LOCK, CONTAINER_PREFLIGHT, CONTAINER_BUILD, CONTAINER_PULL, CONTAINER_GATE) : analyze();
    }

    /** `djdeploy migrations ENV`: a deploy through the GATE analysis; the caller reports the plan and removes the release. */
    public static List<PhaseSpec> analyze() {
        return List.of(CONNECT, LOCK, PREFLIGHT, PREPARE, GATE);
    }

    /** A rollback: no git, no pip, no collectstatic: switch, reload, verify, restart workers. */
    public static List<PhaseSpec> rollback(String to, Deployer.SchemaMode schema) {
        return List.of(
                CONNECT,
                LOCK,
                barrier(Phase.PREFLIGHT, CoreSteps.inspect(), CoreSteps.envFile())
                        .then(new RollbackTarget(to))          // --to, or the newest good release before current
                        .then(new SchemaGuard(schema))         // the database's migrations against the target's manifest
                        .then(RollbackTarget::ensureHelper)    // health checks run the target's helper
                        .then(RunLedger::started),
                SWITCH,
                WORKERS,
                hooks(Phase.WORKERS, HookConfig.Point.AFTER_ROLLBACK));   // failures only warn: the rollback is done
    }
}
