package io.djdeploy.config;

import java.time.Duration;

/**
 * Celery workers (hosts with role worker) and beat (the one beat host): restart commands for
 * the virtualenv runtime; for {@code runtime: container} the command each container runs in
 * the release's image, and how long a stop waits for running tasks (docs/celery.md).
 */
public record WorkersConfig(String restart, String beatRestart, String command, String beatCommand, Duration stopTimeout) {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(60);
    public static final WorkersConfig NONE = new WorkersConfig(null, null);

    public WorkersConfig(String restart, String beatRestart) {
        this(restart, beatRestart, null, null, DEFAULT_STOP_TIMEOUT);
    }
}
