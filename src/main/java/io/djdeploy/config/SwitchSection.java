package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code switch}: SWITCH goes in health-verified batches of web hosts. */
final class SwitchSection implements Section<SwitchConfig> {
    static final Key<String> BATCH_SIZE = Key.text("batch_size", "100%", v -> v.matches("[1-9][0-9]{0,5}%?") && (!v.endsWith("%")
            || Integer.parseInt(v.substring(0, v.length() - 1)) <= 100) ? null
            : "must be a number of hosts (e.g. 2) or a percentage of the web hosts from 1% to 100% (e.g. 25%), got '" + v + "'");
    static final Key<Duration> PAUSE = Key.duration("pause", Duration.ZERO).documented("none");

    @Override
    public List<Key<?>> keys() {
        return List.of(BATCH_SIZE, PAUSE);
    }

    @Override
    public SwitchConfig read(Values v) {
        String size = v.get(BATCH_SIZE);
        boolean percent = size.endsWith("%");
        return new SwitchConfig(Integer.parseInt(percent ? size.substring(0, size.length() - 1) : size), percent, v.get(PAUSE));
    }
}
