package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** One item of {@code notify}: a webhook that gets a POST on run events. */
final class NotifySection implements Section<NotifyConfig> {
    static final Key<String> URL = Key.text("url", null, Rules::url).required();
    static final Key<NotifyConfig.Format> FORMAT = Key.oneOf("format", NotifyConfig.Format.class, NotifyConfig.Format.JSON);
    static final Key<List<String>> EVENTS = Key.list("events", NotifyConfig.EVENTS, v -> NotifyConfig.EVENTS.contains(v) ? null
            : "'" + v + "' is not an event (" + String.join(", ", NotifyConfig.EVENTS) + ")").documented("all");
    static final Key<Duration> TIMEOUT = Key.duration("timeout", Duration.ofSeconds(5));
    static final Key<Integer> RETRIES = Key.integer("retries", 3, 0, 10);

    @Override
    public List<Key<?>> keys() {
        return List.of(URL, FORMAT, EVENTS, TIMEOUT, RETRIES);
    }

    @Override
    public NotifyConfig read(Values v) {
        if (!v.has(URL)) v.missing(URL, "is required");
        return new NotifyConfig(v.get(URL), v.get(FORMAT), v.get(EVENTS), v.get(TIMEOUT), v.get(RETRIES));
    }
}
