package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import io.djdeploy.release.Revision;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;

import java.time.Duration;
import java.util.Map;

/**
 * PREPARE of a container release, once, on the builder (the deploying machine, or
 * {@code image.build: host NAME}): the release tree arrives as a gzip'd tar on standard input
 * (the same archive git.mode upload streams to hosts), gets its REVISION file, is built into
 * {@code <registry>/<repository>:<id>} with the release's labels and pushed. The build
 * directory is removed whatever happened.
 */
public final class ImageBuild {
    private ImageBuild() {}

    /** A first build on a slow builder downloads and compiles requirements. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    public static Command script(ImageConfig image, String app, Revision rev, byte[] releaseTree) {
        return script(image, app, rev, releaseTree, true);
    }

    /**
     * The same without the push: for a deploy, which labels the image with its migration
     * manifest (read by running the helper inside it) before pushing it ({@link #labelAndPush}).
     */
    public static Command buildOnly(ImageConfig image, String app, Revision rev, byte[] releaseTree) {
        return script(image, app, rev, releaseTree, false);
    }

    private static Command script(ImageConfig image, String app, Revision rev, byte[] releaseTree, boolean push) {
        Shell.Var dir = Shell.var("djdeploy_build");
        Command build = Command.of("tar", "-xzf", "-", "-C", dir)
                .then(Command.of("printf", "%s", rev.render()).pipe(Command.of("tee", dir.around("", "/REVISION")).silent()))
                .then(DockerCommands.build(image, rev.id(), dir, DockerCommands.labels(app, rev.id(), rev.ref(), rev.sha())));
        if (push) build = build.then(DockerCommands.push(image, rev.id()));
        return Command.assign("djdeploy_build", Command.of("mktemp", "-d", "-t", "djdeploy-build.XXXXXX"))
                .then(build)
                .andAlso(Command.sh("djdeploy_status=$?"))
                .andAlso(Command.sh("rm -rf \"$djdeploy_build\""))
                .andAlso(Command.sh("[ \"$djdeploy_status\" = 0 ]"))
                .withStdin(releaseTree)
                .withTimeout(TIMEOUT);
    }

    /** After {@link #buildOnly}: labels known only once the image exists (the migration manifest), then the push. */
    public static Command labelAndPush(ImageConfig image, String releaseId, Map<String, String> labels) {
        Command push = DockerCommands.push(image, releaseId).withTimeout(TIMEOUT);
        return labels.isEmpty() ? push : DockerCommands.addLabels(image, releaseId, labels).then(push).withTimeout(TIMEOUT);
    }

    /** The labels a host checks after its pull ({@link ImagePull}). */
    public static Map<String, String> labels(String app, Revision rev) {
        return DockerCommands.labels(app, rev.id(), rev.ref(), rev.sha());
    }
}
