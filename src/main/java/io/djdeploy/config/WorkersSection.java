package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code workers}: restart commands for Celery workers and beat, or (runtime: container) what their containers run. */
final class WorkersSection implements Section<WorkersConfig> {
    static final Key<String> RESTART = Key.text("restart", null, Rules::command);
    static final Key<String> BEAT_RESTART = Key.text("beat_restart", null, Rules::command);
    static final Key<String> COMMAND = Key.text("command", null, Rules::command);
    static final Key<String> BEAT_COMMAND = Key.text("beat_command", null, Rules::command);
    static final Key<Duration> STOP_TIMEOUT = Key.duration("stop_timeout", WorkersConfig.DEFAULT_STOP_TIMEOUT);

    @Override
    public List<Key<?>> keys() {
        return List.of(RESTART, BEAT_RESTART, COMMAND, BEAT_COMMAND, STOP_TIMEOUT);
    }

    @Override
    public WorkersConfig read(Values v) {
        return new WorkersConfig(v.get(RESTART), v.get(BEAT_RESTART), v.get(COMMAND), v.get(BEAT_COMMAND), v.get(STOP_TIMEOUT));
    }
}
