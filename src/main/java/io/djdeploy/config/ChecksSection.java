package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code checks}: what the checks of `djdeploy check` (and every deploy) demand. */
final class ChecksSection implements Section<ChecksConfig> {
    private static final ChecksConfig D = ChecksConfig.DEFAULTS;
    static final Key<List<String>> REQUIRED_ENV = Key.list("required_env", D.requiredEnv(), v -> v.matches("[A-Za-z_][A-Za-z0-9_]*") ? null
            : "'" + v + "' is not an environment variable name");
    static final Key<List<String>> FAIL_ON_WARNINGS = Key.list("fail_on_warnings", D.failOnWarnings(), v -> v.matches("[a-z_.]+\\.[WE]\\d{3}") ? null
            : "'" + v + "' is not a Django check id (e.g. security.W018)");
    static final Key<String> PUBLIC_URL = Key.text("public_url", null, Rules::url);
    static final Key<String> NGINX_SITE = Key.text("nginx_site", null, Rules::absolutePath);
    static final Key<Integer> MIN_FREE_MB = Key.integer("min_free_mb", D.minFreeMb(), 0, 10_000_000);
    static final Key<Integer> MIN_FREE_INODES = Key.integer("min_free_inodes", D.minFreeInodes(), 0, 1_000_000_000);
    static final Key<Duration> MAX_CLOCK_SKEW = Key.duration("max_clock_skew", D.maxClockSkew());
    static final Key<String> ENV_FILE_OWNER = Key.text("env_file_owner", D.envFileOwner(), v -> Rules.USER.matcher(v).matches() ? null
            : "'" + v + "' is not a user name");
    static final Key<Boolean> SHARED_MEDIA = Key.bool("shared_media", D.sharedMedia());
    static final Key<ChecksConfig.Severity> MIGRATIONS_MISSING = Key.oneOf("migrations_missing", ChecksConfig.Severity.class, D.migrationsMissing());

    @Override
    public List<Key<?>> keys() {
        return List.of(REQUIRED_ENV, FAIL_ON_WARNINGS, PUBLIC_URL, NGINX_SITE, MIN_FREE_MB, MIN_FREE_INODES, MAX_CLOCK_SKEW, ENV_FILE_OWNER, SHARED_MEDIA, MIGRATIONS_MISSING);
    }

    @Override
    public ChecksConfig read(Values v) {
        return new ChecksConfig(v.get(REQUIRED_ENV), v.get(FAIL_ON_WARNINGS), v.get(PUBLIC_URL), v.get(NGINX_SITE),
                v.get(MIN_FREE_MB), v.get(MIN_FREE_INODES), v.get(MAX_CLOCK_SKEW), v.get(ENV_FILE_OWNER), v.get(SHARED_MEDIA),
                v.get(MIGRATIONS_MISSING));
    }
}
