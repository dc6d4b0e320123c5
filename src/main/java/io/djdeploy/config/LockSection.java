package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code lock}: when a held lock is reported as stale. */
final class LockSection implements Section<Duration> {
    static final Key<Duration> STALE_AFTER = Key.duration("stale_after", SafetyConfig.DEFAULTS.staleLockAfter());

    @Override
    public List<Key<?>> keys() {
        return List.of(STALE_AFTER);
    }

    @Override
    public Duration read(Values v) {
        return v.get(STALE_AFTER);
    }
}
