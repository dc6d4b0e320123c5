package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import io.djdeploy.release.Json;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.List;
import java.util.Map;

/**
 * PREPARE of a container release, on each host: pull the release's image and verify by its
 * labels that it is this release at this commit. A tag can be overwritten in a registry; the
 * labels were set when this deploy built the image, so a mismatch means someone else pushed
 * the same tag and the host must not run it.
 */
public final class ImagePull implements Step {
    @Override
    public String name() {
        return "pull image";
    }

    @Override
    public List<Command> plan(HostRun host, RunContext ctx) {
        ImageConfig image = ctx.env().image();
        String id = ctx.releaseId() != null ? ctx.releaseId() : "<release>";
        return List.of(DockerCommands.pull(image, id), DockerCommands.imageLabels(image, id));
    }

    @Override
    public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        ImageConfig image = x.ctx().env().image();
        String id = x.ctx().releaseId();
        x.check(DockerCommands.pull(image, id));
        CommandResult labels = x.check(DockerCommands.imageLabels(image, id));
        String problem = mismatch(labels.stdout(), id, x.ctx().sha());
        if (problem != null) throw new StepFailure(image.name(id) + ": " + problem);
    }

    /** Why the labels are not those of release {@code id} at {@code sha}, or null when they are. */
    @SuppressWarnings("unchecked")
    static String mismatch(String labelsJson, String id, String sha) {
        Map<String, Object> labels;
        try {
            labels = Json.read(labelsJson.strip(), Map.class);
        } catch (RuntimeException e) {
            labels = null;
        }
        if (labels == null) return "the image has no labels: it was not built by djdeploy";
        Object release = labels.get(DockerCommands.LABEL_RELEASE);
        if (!id.equals(release)) return "its label " + DockerCommands.LABEL_RELEASE + " is " + release + ", not " + id
                + ": another build pushed this tag; nothing runs it";
        Object imageSha = labels.get(DockerCommands.LABEL_SHA);
        if (sha != null && !sha.equals(imageSha)) return "its label " + DockerCommands.LABEL_SHA + " is " + imageSha + ", not " + sha
                + ": another build pushed this tag; nothing runs it";
        return null;
    }
}
