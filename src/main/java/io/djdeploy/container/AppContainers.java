package io.djdeploy.container;

import io.djdeploy.config.DjangoConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every container of an app gets from its host, and the one-off containers of a release
 * (the GATE's helper, MIGRATE's manage.py, the build's manifest). One place, so the web, worker
 * and one-off containers of a release see the same environment: the env file through
 * {@code --env-file}, the shared dirs and files where the release directory would link them
 * (under {@link #APP_DIR}), {@code image.volumes}, a read-only root file system, the host's network.
 */
public final class AppContainers {
    private AppContainers() {}

    /** Where the image holds the release's tree (init's Dockerfile: WORKDIR /app, COPY . .). */
    public static final String APP_DIR = "/app";
    /** Where init's Dockerfile collects the static files (STATIC_ROOT at build time). */
    public static final String STATIC_DIR = APP_DIR + "/staticfiles";
    /** Where a one-off container sees the release directory's .djdeploy/ (the helper), read-only. */
    static final String HELPER_MOUNT = "/run/djdeploy-helper";
    /**
     * The host's network: the database is wherever the app's settings say, often on the host's
     * loopback; containers serve on a unix socket, so no port is published either way.
     */
    public static final String NETWORK = "host";

    /** The container options of this environment's app on a host laid out as {@code l}. */
    public static DockerCommands.ContainerSpec spec(EnvironmentConfig env, ReleaseLayout l) {
        Map<String, String> mounts = new LinkedHashMap<>();
        // what a release directory links to shared/ sits at the same place in the image's tree
        for (String d : env.shared().dirs()) mounts.put(l.shared() + "/" + d, APP_DIR + "/" + d);
        for (String f : env.shared().files()) mounts.put(l.shared() + "/" + f, APP_DIR + "/" + f);
        for (String v : env.image().volumes()) {
            int colon = v.indexOf(':');
            mounts.put(v.substring(0, colon), v.substring(colon + 1));
        }
        return new DockerCommands.ContainerSpec(env.app(), env.django().envFile(), mounts, true, NETWORK);
    }

    /** The directory that holds manage.py inside the image. */
    public static String projectDir(DjangoConfig django) {
        int slash = django.manage().lastIndexOf('/');
        return slash < 0 ? APP_DIR : APP_DIR + "/" + django.manage().substring(0, slash);
    }

    private static String manageFile(DjangoConfig django) {
        return django.manage().substring(django.manage().lastIndexOf('/') + 1);
    }

    /**
     * {@code python helper.py SUB [--settings M] ARGS} in a one-off container of release
     * {@code id}, with the helper of the release directory mounted read-only. No
     * {@code --env-file} for the helper: docker already put the env file's values in the environment.
     */
    public static Command helper(EnvironmentConfig env, ReleaseLayout l, String id, String sub, String... args) {
        return helper(env, l, id, List.of(), sub, args);
    }

    /** As {@link #helper(EnvironmentConfig, ReleaseLayout, String, String, String...)} with more {@code docker run} options (words or {@link io.djdeploy.remote.Shell#var}s). */
    public static Command helper(EnvironmentConfig env, ReleaseLayout l, String id, List<Object> options, String sub, String... args) {
        List<Object> run = new ArrayList<>(options);
        run.addAll(List.of("-v", l.release(id) + "/.djdeploy:" + HELPER_MOUNT + ":ro"));
        List<String> argv = new ArrayList<>(List.of("python", HELPER_MOUNT + "/helper.py", sub));
        settings(env.django(), argv);
        argv.addAll(List.of(args));
        return oneOff(env, l, id, run, argv);
    }

    /** {@code python manage.py ARGS} in a one-off container of release {@code id}; {@code environ}: extra variables (no secrets). */
    public static Command manage(EnvironmentConfig env, ReleaseLayout l, String id, Map<String, String> environ, String... args) {
        List<Object> run = new ArrayList<>();
        for (Map.Entry<String, String> e : environ.entrySet()) run.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
        List<String> argv = new ArrayList<>(List.of("python", manageFile(env.django())));
        argv.addAll(List.of(args));
        if (env.django().settings() != null) argv.addAll(List.of("--settings", env.django().settings()));
        return oneOff(env, l, id, run, argv);
    }

    private static Command oneOff(EnvironmentConfig env, ReleaseLayout l, String id, List<Object> run, List<String> argv) {
        List<Object> a = new ArrayList<>(List.of("docker", "run", "--rm", "-i"));
        a.addAll(spec(env, l).options());
        a.addAll(run);
        a.addAll(List.of("-w", projectDir(env.django()), env.image().name(id)));
        a.addAll(argv);
        return Command.of(a.toArray());
    }

    private static void settings(DjangoConfig django, List<String> argv) {
        if (django.settings() != null) argv.addAll(List.of("--settings", django.settings()));
    }

    /**
     * On the builder, right after the build: every migration the image's code knows, as the
     * helper's {@code migrations --all --no-sql} JSON (what becomes the io.djdeploy.manifest
     * label). No env file, no network, no database: settings get the build's placeholder
     * SECRET_KEY as collectstatic did, and the helper's --all mode needs no database. The
     * helper arrives on standard input ({@code python -}), so a remote builder needs no copy of it.
     */
    public static Command manifest(EnvironmentConfig env, String id, byte[] helper) {
        List<String> a = new ArrayList<>(List.of("docker", "run", "--rm", "-i", "--network", "none", "--read-only", "--tmpfs", "/tmp",
                "-e", "SECRET_KEY=manifest-only-not-a-secret", "-e", "DJANGO_SECRET_KEY=manifest-only-not-a-secret",
                "-w", projectDir(env.django()), env.image().name(id), "python", "-", "migrations", "--all", "--no-sql"));
        settings(env.django(), a);
        return Command.of(a).withStdin(helper);
    }
}
