package io.djdeploy.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One item of {@code hooks}: a command run at a named point of a deploy (see docs/hooks.md).
 * Remote hooks run on hosts chosen by {@code roles} (none: every host) or on the one migrate
 * host ({@code once}); a {@code local} hook runs on the deploying machine and may name paths
 * of the project that PREPARE copies into every new release.
 */
public record HookConfig(Point at, String command, List<String> roles, boolean once, Duration timeout, OnError onError,
                         List<String> upload) {
    public HookConfig {
        roles = List.copyOf(roles);
        upload = List.copyOf(upload);
    }

    /** Where a hook runs, in deploy order. */
    public enum Point {
        LOCAL, AFTER_PREPARE, BEFORE_MIGRATE, AFTER_MIGRATE, BEFORE_SWITCH, AFTER_SWITCH, AFTER_ROLLBACK, ON_FAILURE;

        /** As deploy.yml writes it: after_prepare. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Point of(String label) {
            for (Point p : values()) if (p.label().equals(label)) return p;
            return null;
        }

        static String labels() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Point::label).toList());
        }
    }

    /** What a failing after_switch hook does: the automatic rollback of a failed health check, or a warning. */
    public enum OnError { ROLLBACK, WARN }

    /** Whether this remote hook runs on a host with these roles ({@code migrate}: the once host). */
    public boolean runsOn(HostConfig host, HostConfig onceHost) {
        if (once) return host.equals(onceHost);
        return roles.isEmpty() || roles.stream().anyMatch(host::hasRole);
    }
}
