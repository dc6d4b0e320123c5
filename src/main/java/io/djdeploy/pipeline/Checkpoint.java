package io.djdeploy.pipeline;

import io.djdeploy.step.StepFailure;

/**
 * What runs between two phases, once a phase passed on every host: a decision (the migration
 * gate, the rollback target, the schema guard), an agreement between hosts, or a record (the
 * ledger's "started" line). Listed per phase in {@link Pipelines}.
 */
@FunctionalInterface
public interface Checkpoint {
    /**
     * @return null to go on, or the result the run stops with (before anything switched;
     *         {@link Recovery#stop} cleans up)
     * @throws StepFailure to fail the phase, as if a step had failed
     */
    RunResult after(Run run) throws StepFailure;
}
