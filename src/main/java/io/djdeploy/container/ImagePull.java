package io.djdeploy.container;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.ImageConfig;
import io.djdeploy.release.Json;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.List;
import java.util.Map;

/**
 * PREPARE of a container release, on each host, in one command: pull the release's image,
 * refuse it unless its labels say it is this release at this commit, and write the small
 * release directory everything else keeps working on (docs/containers.md): IMAGE (the pulled
 * reference with its digest), .djdeploy/migrations.json from the image's manifest label, and
 * staticfiles/ copied out of the image for nginx's /static/ alias. REVISION, written last by
 * the revision step, marks it complete as for a virtualenv release.
 *
 * <p>A tag can be overwritten in a registry; the labels were set when this deploy built the
 * image, so a mismatch means someone else pushed the same tag and the host must not run it.
 */
public final class ImagePull implements Step {
    public static final String NAME = "pull image";
    /** The file in a release directory that names the image it runs, by digest. */
    public static final String IMAGE_FILE = "IMAGE";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String waitsFor(HostRun host, RunContext ctx) {
        return "docker pull of the release's image from " + ctx.env().image().registry() + " (only layers the host lacks move)";
    }

    @Override
    public List<Command> plan(HostRun host, RunContext ctx) {
        EnvironmentConfig env = ctx.env();
        ImageConfig image = env.image();
        ReleaseLayout l = host.ops().layout();
        String id = ctx.releaseId() != null ? ctx.releaseId() : "<release>";
        String sha = ctx.sha() != null ? ctx.sha() : "<commit of " + ctx.ref() + ">";
        String rel = l.release(id);
        String name = image.name(id);
        return List.of(
                // mkdir fails if the dir exists: never take over another run's dir
                Command.of("mkdir", "-p", l.releases()).then(Command.of("mkdir", rel)),
                DockerCommands.pull(image, id),
                DockerCommands.imageLabels(image, id),
                label(name, DockerCommands.LABEL_RELEASE).outputIs(id)
                        .then(label(name, DockerCommands.LABEL_SHA).outputIs(sha))
                        .orElse(Command.fail(name + ": its labels are not release " + id + " at " + sha
                                + ": another build pushed this tag; nothing runs it", 1)),
                digest(image, id).writeTo(rel + "/" + IMAGE_FILE),
                manifest(name, rel),
                staticFiles(env.app(), name, id, rel));
    }

    /** One label's value ("" when the image has none). */
    static Command label(String image, String key) {
        return Command.of("docker", "image", "inspect", "--format", "{{index .Config.Labels " + Json.line(key) + "}}", image);
    }

    /** The pulled reference with its digest, e.g. 127.0.0.1:5080/demo@sha256:...: what the registry served. */
    static Command digest(ImageConfig image, String id) {
        return Command.of("docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", image.name(id))
                .pipe(Command.of("grep", "-m", "1", "-F", image.repositoryName() + "@"));
    }

    /** The manifest label as the release's migrations.json (nothing when the image has none: migrations are off). */
    static Command manifest(String image, String rel) {
        String dir = rel + "/.djdeploy";
        String tmp = dir + "/.migrations.json.tmp";
        return Command.of("mkdir", "-p", dir)
                .then(label(image, DockerCommands.LABEL_MANIFEST).writeTo(tmp))
                .then(Command.ifElse(Command.of("grep", "-q", ".", tmp), Command.of("mv", "-f", tmp, dir + "/migrations.json"),
                        Command.of("rm", "-f", tmp)));
    }

    /** staticfiles/ out of the image: a created (never started) container, docker cp, removed whatever happened. */
    static Command staticFiles(String app, String image, String id, String rel) {
        String c = app + "-static-" + id;
        return DockerCommands.remove(c).silent()
                .then(Command.of("docker", "create", "--name", c, image).silent())
                .then(Command.of("docker", "cp", c + ":" + AppContainers.STATIC_DIR, rel + "/staticfiles")
                        .andAlso(Command.sh("djdeploy_cp=$?"))
                        .andAlso(Command.of("docker", "rm", "-f", c).silent())
                        .andAlso(Command.sh("[ \"$djdeploy_cp\" = 0 ]")).grouped());
    }

    @Override
    public Scripted scripted(HostRun host, RunContext ctx) {
        return Scripted.checked(plan(host, ctx)).quietAt(1).quietAt(2).withJudge((x, r) -> {
            // once mkdir succeeded, even a half-made dir is ours to remove on failure
            if (r.get(0).ok()) x.host().markReleaseCreated();
            if (r.size() == 4 && !r.get(3).ok()) {
                String problem = mismatch(r.get(2).stdout(), x.ctx().releaseId(), x.ctx().sha());
                if (problem != null) throw new StepFailure(x.ctx().env().image().name(x.ctx().releaseId()) + ": " + problem);
            }
        });
    }

    @Override
    public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        scripted(x.host(), x.ctx()).runAlone(x);
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
