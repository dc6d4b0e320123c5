package io.djdeploy.pipeline;

import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.StepFailure;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/** After PREFLIGHT: every host must build the same commit, and the new release gets its id. */
final class CommitAgreement {
    private CommitAgreement() {}

    /** Checkpoint: a ref that moved between two hosts' fetches is an error. */
    static RunResult agree(Run run) throws StepFailure {
        Set<String> shas = new LinkedHashSet<>();
        Set<String> existing = new TreeSet<>();
        for (HostRun h : run.hosts()) {
            shas.add(h.resolvedSha());
            existing.addAll(h.existing());
        }
        if (shas.size() != 1) {
            throw new StepFailure("hosts resolved " + run.ctx().ref() + " to different commits " + shas + "; deploy a sha or a tag");
        }
        run.ctx().sha(shas.iterator().next());
        run.ctx().releaseId(ReleaseLayout.nextId(run.ctx().started(), existing));
        run.info(null, "new release " + run.ctx().releaseId() + " from " + run.ctx().ref() + " (" + Run.shortSha(run.ctx().sha()) + ")");
        return null;
    }
}
