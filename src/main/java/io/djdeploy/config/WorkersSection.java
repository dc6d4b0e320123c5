package io.djdeploy.config;

import java.util.List;

/** {@code workers}: restart commands for Celery workers and beat. */
final class WorkersSection implements Section<WorkersConfig> {
    static final Key<String> RESTART = Key.text("restart", null, Rules::command);
    static final Key<String> BEAT_RESTART = Key.text("beat_restart", null, Rules::command);

    @Override
    public List<Key<?>> keys() {
        return List.of(RESTART, BEAT_RESTART);
    }

    @Override
    public WorkersConfig read(Values v) {
        return new WorkersConfig(v.get(RESTART), v.get(BEAT_RESTART));
    }
}
