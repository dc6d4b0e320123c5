package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builders for the docker commands of a container release. Every value is an argument of
 * {@link Command#of}, so it is quoted; secrets never appear: the app's environment reaches a
 * container through {@code --env-file} (a file on the host), registry credentials through
 * {@code docker login} done once on each host (docs/containers.md).
 */
public final class DockerCommands {
    private DockerCommands() {}

    /** Labels on each release image: what it is, readable on a host without the registry. */
    public static final String LABEL_RELEASE = "io.djdeploy.release";
    public static final String LABEL_REF = "io.djdeploy.ref";
    public static final String LABEL_SHA = "io.djdeploy.sha";
    /** Every migration the image's code knows, classified: the release directory's .djdeploy/migrations.json, as one JSON line. */
    public static final String LABEL_MANIFEST = "io.djdeploy.manifest";
    /** Where a web container sees the host's socket directory (shared with nginx). */
    public static final String SOCKET_MOUNT = "/run/djdeploy";
    /** The docker label every container djdeploy starts carries: its app, so pruning touches nothing else. */
    public static final String LABEL_APP = "io.djdeploy.app";

    /** PREFLIGHT: the engine answers (the server's version, not only the client's). */
    public static Command engineVersion() {
        return Command.of("docker", "version", "--format", "{{.Server.Version}}");
    }

    /** PREFLIGHT: free space, in KiB, on the file system of the engine's data root. */
    public static Command engineDiskFreeKb() {
        return Command.sh("df -Pk \"$(docker info --format '{{.DockerRootDir}}' 2>/dev/null)\" 2>/dev/null | awk 'NR==2 {print $4}'");
    }

    /**
     * PREFLIGHT: the registry answers its API root. Any HTTP status will do (401 asks for the
     * credentials `docker login` stored); no answer fails. Loopback registries speak plain HTTP,
     * as Docker itself allows them to.
     */
    public static Command registryAnswers(String registry) {
        String host = registry.contains("/") ? registry.substring(0, registry.indexOf('/')) : registry;
        String scheme = loopback(host) ? "http" : "https";
        return Command.of("curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", scheme + "://" + host + "/v2/");
    }

    static boolean loopback(String hostPort) {
        String h = hostPort.replaceFirst(":[0-9]+$", "");
        return h.equals("localhost") || h.startsWith("127.");
    }

    /** The labels of release {@code releaseId}, in a stable order. */
    public static Map<String, String> labels(String app, String releaseId, String ref, String sha) {
        Map<String, String> l = new TreeMap<>();
        l.put(LABEL_APP, app);
        l.put(LABEL_RELEASE, releaseId);
        l.put(LABEL_REF, ref);
        l.put(LABEL_SHA, sha);
        return l;
    }

    /**
     * PREPARE (on the builder): the release's image from {@code contextDir} (the commit's tree
     * plus its REVISION file). {@code --pull=false}: the base image is whatever the builder has
     * or the registry named in BASE_IMAGE serves, never a newer one picked up mid-deploy.
     * {@code context} is a path, or a {@link Shell#var} naming a directory the same script made.
     */
    public static Command build(ImageConfig image, String releaseId, Object context, Map<String, String> labels) {
        List<Object> a = new ArrayList<>(List.of("docker", "build", "--pull=false", "-f"));
        a.add(context instanceof Shell.Var v ? v.around("", "/" + image.dockerfile()) : context + "/" + image.dockerfile());
        if (image.baseImage() != null) a.addAll(List.of("--build-arg", "BASE_IMAGE=" + image.baseImage()));
        for (Map.Entry<String, String> e : labels.entrySet()) a.addAll(List.of("--label", e.getKey() + "=" + e.getValue()));
        a.addAll(List.of("-t", image.name(releaseId), context));
        return Command.of(a.toArray());
    }

    public static Command push(ImageConfig image, String releaseId) {
        return Command.of("docker", "push", image.name(releaseId));
    }

    /** PREPARE (every host): the image of the release, by its tag. */
    public static Command pull(ImageConfig image, String releaseId) {
        return Command.of("docker", "pull", "-q", image.name(releaseId));
    }

    /**
     * Adds labels to a built image under the same tag: a Dockerfile of one {@code FROM} line on
     * standard input, so no layer and no build context (0.2 s here). For what is known only
     * after the build, such as the migration manifest the helper reads inside the image. The
     * untagged previous image stays as the new one's parent (checked with Docker 20.10's
     * builder) and goes when it goes; so run this before the push, which sends the final one.
     */
    public static Command addLabels(ImageConfig image, String releaseId, Map<String, String> labels) {
        List<String> a = new ArrayList<>(List.of("docker", "build", "-q"));
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) a.addAll(List.of("--label", e.getKey() + "=" + e.getValue()));
        a.addAll(List.of("-t", image.name(releaseId), "-"));
        return Command.of("printf", "FROM %s\\n", image.name(releaseId)).pipe(Command.of(a));
    }

    /**
     * FINALIZE: removes this app's release images beyond the newest {@code keep} (release ids
     * sort by time), never {@code current} or {@code previous} (either may be null), then the
     * untagged images of the repository. An image a container still uses is not removed:
     * {@code docker rmi} without {@code -f} refuses it, and that is not an error here.
     */
    public static Command pruneImages(ImageConfig image, String app, int keep, String current, String previous) {
        Command tags = Command.of("docker", "images", "--format", "{{.Tag}}", image.repositoryName())
                .pipe(Command.of("grep", "-E", "^[0-9]{14}$")).pipe(Command.of("sort", "-r"))
                .pipe(Command.of("tail", "-n", "+" + (keep + 1)));
        List<String> spare = new ArrayList<>(List.of("grep", "-v", "-x"));
        for (String id : new String[] {current, previous}) if (id != null) spare.addAll(List.of("-e", id));
        if (spare.size() > 3) tags = tags.pipe(Command.of(spare));
        Command remove = Command.sh("while read -r tag; do docker rmi " + Shell.quote(image.repositoryName() + ":")
                + "\"$tag\" >/dev/null 2>&1 || echo \"kept $tag: in use\"; done");
        return tags.pipe(remove).andAlso(Command.of("docker", "image", "prune", "-f", "--filter", "label=" + LABEL_APP + "=" + app).silent().orTrue());
    }

    /** The labels of an image present on the host, as one JSON object. */
    public static Command imageLabels(ImageConfig image, String releaseId) {
        return Command.of("docker", "image", "inspect", "--format", "{{json .Config.Labels}}", image.name(releaseId));
    }

    /**
     * What a container of this app needs from its host: the env file (secrets as a file, never
     * arguments), the shared directories mounted at the same paths the settings name, and a
     * read-only root file system with a private /tmp.
     *
     * @param envFile the host's env file (django.env_file), or null
     * @param mounts  host path to container path
     */
    public record ContainerSpec(String app, String envFile, Map<String, String> mounts, boolean readOnly, String network) {
        public ContainerSpec {
            mounts = Map.copyOf(new TreeMap<>(mounts));
        }

        List<String> options() {
            List<String> a = new ArrayList<>(List.of("--label", LABEL_APP + "=" + app, "--network", network));
            if (readOnly) a.addAll(List.of("--read-only", "--tmpfs", "/tmp"));
            if (envFile != null) a.addAll(List.of("--env-file", envFile));
            for (Map.Entry<String, String> m : new TreeMap<>(mounts).entrySet()) a.addAll(List.of("-v", m.getKey() + ":" + m.getValue()));
            return a;
        }
    }

    /** The web container of one color: {@code <app>-web-<color>}. */
    public static String webContainer(String app, String color) {
        return app + "-web-" + color;
    }

    /**
     * SWITCH: the color's container, serving gunicorn on {@code <socketDir>/<socketFile>} (the
     * host's directory, mounted at {@link #SOCKET_MOUNT}). It restarts with the engine unless
     * stopped, so a host's reboot brings the live color back.
     *
     * @param imageRef the image: a name, or a {@link Shell#var} holding the reference read on the host
     */
    public static Command runWeb(ContainerSpec rt, Object imageRef, String releaseId, String color, String socketDir, String socketFile) {
        List<Object> a = new ArrayList<>(List.of("docker", "run", "-d", "--name", webContainer(rt.app(), color),
                "--restart", "unless-stopped", "--label", LABEL_RELEASE + "=" + releaseId));
        a.addAll(rt.options());
        a.addAll(List.of("-v", socketDir + ":" + SOCKET_MOUNT,
                "-e", "GUNICORN_CMD_ARGS=--bind unix:" + SOCKET_MOUNT + "/" + socketFile, imageRef));
        return Command.of(a.toArray());
    }

    /**
     * {@code djdeploy_image=$(cat RELEASE_DIR/IMAGE)}: the image a release runs, as PREPARE
     * recorded it on this host, so a color or a worker of release X runs exactly the image X
     * pulled (also on a rollback, long after its tag could have moved in the registry).
     * {@code releaseDir} is shell text: a quoted path, or a template's {@code {release_path}}.
     */
    static Command readImage(String releaseDirShell) {
        return Command.assign(IMAGE_VAR, Command.sh("cat " + releaseDirShell + "/" + ImagePull.IMAGE_FILE));
    }

    private static final String IMAGE_VAR = "djdeploy_image";

    /**
     * The blue-green strategy's {@code web.start} for containers: the color's container
     * replaced by one of release {@code {release}} (its image from {@code {release_path}/IMAGE}),
     * serving on {@code <socketDir>/{color}.sock}. The blue-green machinery (boot, probe on
     * the color's socket, web.sock swap, standby timer) fills {@code {color}}, {@code {release}}
     * and {@code {release_path}} (each quoted) as it does for services, so the container SWITCH
     * is the same switch (docs/containers.md).
     */
    public static String webStartTemplate(ContainerSpec rt, String socketDir) {
        // a container of that color left from an earlier run (stopped or crashed) would hold its name
        return Command.of("docker", "rm", "-f", webContainer(rt.app(), "{color}")).silent().orTrue()
                .andAlso(readImage("{release_path}")
                        .then(runWeb(rt, Shell.var(IMAGE_VAR), "{release}", "{color}", socketDir, "{color}.sock"))).script();
    }

    /** {@code web.stop} for containers: gunicorn's graceful stop (TERM, then KILL after {@code graceSeconds}). */
    public static String webStopTemplate(String app, int graceSeconds) {
        return Command.of("docker", "stop", "-t", String.valueOf(graceSeconds), webContainer(app, "{color}")).script();
    }

    /** {@code web.log} for containers: what the color's gunicorn printed last (shown when its boot check fails). */
    public static String webLogTemplate(String app) {
        return Command.of("docker", "logs", "--tail", "30", webContainer(app, "{color}")).script();
    }

    /** The Celery container of a host: {@code <app>-worker} or {@code <app>-beat}. */
    public static String workerContainer(String app, String kind) {
        return app + "-" + kind;
    }

    /**
     * WORKERS: the host's Celery container {@code <app>-<kind>} replaced by one of the release
     * in {@code releaseDir} running {@code command}: the old one stopped first with
     * {@code docker stop -t grace} (TERM: Celery's warm shutdown lets running tasks finish,
     * docs/celery.md), then removed, then the new one started. {@code exec} makes Celery the
     * container's main process, so the next stop's TERM reaches it, not a shell.
     */
    public static Command replaceWorker(ContainerSpec rt, String releaseDir, String releaseId, String kind, String command, int graceSeconds) {
        String name = workerContainer(rt.app(), kind);
        List<Object> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--restart", "unless-stopped",
                "--label", LABEL_RELEASE + "=" + releaseId));
        run.addAll(rt.options());
        run.addAll(List.of(Shell.var(IMAGE_VAR), "sh", "-c", "exec " + command));
        return Command.of("docker", "stop", "-t", String.valueOf(graceSeconds), name).silent().orTrue()
                .andAlso(Command.of("docker", "rm", "-f", name).silent().orTrue())
                .andAlso(readImage(Shell.quote(releaseDir)).then(Command.of(run.toArray())));
    }

    /**
     * FINALIZE: this app's stopped containers (a retired color, a replaced worker) are removed,
     * so they hold no image that the prune after them should remove; running ones are untouched.
     */
    public static Command pruneContainers(String app) {
        return Command.of("docker", "container", "prune", "-f", "--filter", "label=" + LABEL_APP + "=" + app).silent();
    }

    /** GATE and MIGRATE: a one-off container of the release's image running {@code args} (removed when done). */
    public static Command oneOff(ContainerSpec rt, ImageConfig image, String releaseId, List<String> args) {
        List<String> a = new ArrayList<>(List.of("docker", "run", "--rm", "-i"));
        a.addAll(rt.options());
        a.add(image.name(releaseId));
        a.addAll(args);
        return Command.of(a);
    }

    /** Stops and removes a container; nothing to remove is fine. */
    public static Command remove(String container) {
        return Command.of("docker", "rm", "-f", container).orTrue();
    }
}
