package io.djdeploy.web;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.WebConfig;
import io.djdeploy.container.AppContainers;
import io.djdeploy.container.DockerCommands;
import io.djdeploy.release.ReleaseLayout;

/**
 * {@code runtime: container}: the blue-green colors are containers {@code <app>-web-<color>}
 * (docs/containers.md). web.start, web.stop and web.log default to {@link DockerCommands}'
 * templates, so boot, the probe on the color's socket, the web.sock swap, standby and retire
 * stay the strategy's own; a team may still set its own commands, which win.
 */
final class ContainerColors {
    /**
     * {@code docker stop -t}: gunicorn's own graceful_timeout (30 s by default). Gunicorn exits
     * as soon as its running requests finished, so a drained color stops at once (0.8 s here).
     */
    static final int STOP_GRACE_SECONDS = 30;

    private ContainerColors() {}

    static String start(EnvironmentConfig env) {
        WebConfig w = env.web();
        if (w.start() != null || !env.containers()) return w.start();
        return DockerCommands.webStartTemplate(AppContainers.spec(env, ReleaseLayout.of(env)), BlueGreen.socketDir(env));
    }

    static String stop(EnvironmentConfig env) {
        WebConfig w = env.web();
        if (w.stop() != null || !env.containers()) return w.stop();
        return DockerCommands.webStopTemplate(env.app(), STOP_GRACE_SECONDS);
    }

    static String log(EnvironmentConfig env) {
        WebConfig w = env.web();
        if (w.log() != null || !env.containers() || w.start() != null) return w.log();
        return DockerCommands.webLogTemplate(env.app());
    }
}
