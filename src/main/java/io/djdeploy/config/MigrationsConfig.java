package io.djdeploy.config;

import java.time.Duration;

/**
 * What a deploy does with migrations. {@code GATE} (default) stops a deploy whose plan holds
 * review-class operations until they are approved; {@code AUTO} applies everything;
 * {@code OFF} never migrates. Timeouts apply on PostgreSQL only.
 */
public record MigrationsConfig(Policy policy, Backup backup, Duration lockTimeout, Duration statementTimeout) {
    public enum Policy { GATE, AUTO, OFF }

    /** A backup before migrations run: a preset (postgresql, mariadb, sqlite) or the user's command. */
    public record Backup(String preset, String command) {}

    /** A blocked ALTER fails after this instead of queueing the site's queries behind it (0 turns it off). */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);

    public static final MigrationsConfig DEFAULTS = new MigrationsConfig(Policy.GATE, null, DEFAULT_LOCK_TIMEOUT, null);
}
