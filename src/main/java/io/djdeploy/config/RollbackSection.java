package io.djdeploy.config;

import java.util.List;

/** {@code rollback}: whether a failed verification at SWITCH puts the switched hosts back. */
final class RollbackSection implements Section<Boolean> {
    static final Key<Boolean> AUTO = Key.bool("auto", SafetyConfig.DEFAULTS.autoRollback());

    @Override
    public List<Key<?>> keys() {
        return List.of(AUTO);
    }

    @Override
    public Boolean read(Values v) {
        return v.get(AUTO);
    }
}
