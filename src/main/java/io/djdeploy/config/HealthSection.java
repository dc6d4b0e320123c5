package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code health}: how a deploy proves the new release serves. Without the section nothing is checked. */
final class HealthSection implements Section<HealthConfig> {
    static final Key<String> URL = Key.text("url", null, Rules::url).documented("required when `health` is present");
    static final Key<Integer> STATUS = Key.integer("status", 200, 100, 599);
    static final Key<Duration> TIMEOUT = Key.duration("timeout", Duration.ofSeconds(5));
    static final Key<Integer> RETRIES = Key.integer("retries", 30, 1, 10_000);
    static final Key<Duration> INTERVAL = Key.duration("interval", Duration.ofSeconds(1));
    static final Key<HealthConfig.ReleaseCheck> RELEASE = Key.oneOf("release", HealthConfig.ReleaseCheck.class, HealthConfig.ReleaseCheck.HEADER);
    static final Key<String> HEADER = Key.text("header", "X-Release", v -> v.matches("[A-Za-z0-9-]+") ? null : "must be an HTTP header name");

    @Override
    public List<Key<?>> keys() {
        return List.of(URL, STATUS, TIMEOUT, RETRIES, INTERVAL, RELEASE, HEADER);
    }

    @Override
    public HealthConfig read(Values v) {
        String url = v.get(URL);
        if (!v.has(URL)) v.missing(URL, "is required: the URL that proves the release serves");
        return new HealthConfig(url, v.get(STATUS), v.get(TIMEOUT), v.get(RETRIES), v.get(INTERVAL), v.get(RELEASE), v.get(HEADER));
    }

    @Override
    public HealthConfig absent(Values v) {
        return null;
    }
}
