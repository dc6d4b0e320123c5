package io.djdeploy.container;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.List;

/**
 * FINALIZE of a container release, on each host, after the release directories' cleanup: this
 * app's stopped containers (retired colors, replaced workers) go first, so no image is held by
 * a container nobody runs; then the release images beyond keep_releases, never the run's
 * release or the host's previous one (the rollback target, whose IMAGE file names it).
 * An image a running container uses stays, and is said so.
 */
public final class ImagePrune implements Step {
    public static final String NAME = "prune images";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean appliesTo(HostRun host, RunContext ctx) {
        return ctx.env().containers();
    }

    @Override
    public List<Command> plan(HostRun host, RunContext ctx) {
        String app = ctx.env().app();
        return List.of(DockerCommands.pruneContainers(app).orTrue(),
                DockerCommands.pruneImages(ctx.env().image(), app, ctx.env().keepReleases(), ctx.releaseId(), host.previous()));
    }

    @Override
    public Scripted scripted(HostRun host, RunContext ctx) {
        // "kept ID: in use" lines are the step's own info
        return Scripted.checked(plan(host, ctx)).withInfo("kept ");
    }

    @Override
    public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        scripted(x.host(), x.ctx()).runAlone(x);
    }
}
