package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/**
 * What the checks demand (djdeploy check, and every deploy). {@code publicUrl} and
 * {@code nginxSite} turn on the checks that `check --deploy` misses behind a proxy.
 */
public record ChecksConfig(List<String> requiredEnv, List<String> failOnWarnings, String publicUrl, String nginxSite,
                           int minFreeMb, int minFreeInodes, Duration maxClockSkew, String envFileOwner, boolean sharedMedia,
                           Severity migrationsMissing) {
    /** What a failing check does: stop the deploy, only warn, or not run at all. */
    public enum Severity { FAIL, WARN, OFF }

    public static final ChecksConfig DEFAULTS = new ChecksConfig(List.of("SECRET_KEY"),
            List.of("security.W018", "security.W020", "security.W009"), null, null, 200, 10_000, Duration.ofSeconds(5), "root", true,
            Severity.FAIL);
}
