package io.djdeploy.release;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Whether a held lock is stale: its holder process is gone (when it was taken from this
 * machine, where we can check), or it is older than the configured age. A stale lock is
 * reported with its details; it is never removed silently (only `unlock --force`). A
 * maintenance hold (`djdeploy lock`) is never stale: it lasts until someone unlocks it.
 */
public final class Staleness {
    /** The lock's time has whole seconds and /proc's boot time too: allow for both. */
    private static final Duration START_SLACK = Duration.ofSeconds(5);

    private Staleness() {}

    /** @return why the lock is stale, or null while its holder may still be working (or holds it on purpose) */
    public static String why(LockInfo lock, String thisOrigin, Duration staleAfter, Instant now) {
        if (lock.maintenance()) return null;
        if (local(lock, thisOrigin) && lock.pid() != null && !running(lock, thisOrigin)) {
            return "its process " + lock.pid() + " on " + lock.origin() + " is gone";
        }
        if (lock.started() != null) {
            try {
                Duration age = Duration.between(Instant.parse(lock.started()), now);
                if (age.compareTo(staleAfter) > 0) return "it is " + human(age) + " old (lock.stale_after is " + human(staleAfter) + ")";
            } catch (DateTimeParseException e) {
                return "its start time '" + lock.started() + "' cannot be read";
            }
        }
        return null;
    }

    /**
     * Whether the lock's process is known to run: it was taken from this machine and its pid is
     * alive, and that process is not a newer one that reuses the pid (it started after the lock).
     */
    public static boolean running(LockInfo lock, String thisOrigin) {
        if (!local(lock, thisOrigin) || lock.pid() == null) return false;
        return ProcessHandle.of(lock.pid()).filter(ProcessHandle::isAlive).map(p -> !startedAfter(p, lock)).orElse(false);
    }

    private static boolean local(LockInfo lock, String thisOrigin) {
        return lock.origin() != null && lock.origin().equals(thisOrigin);
    }

    private static boolean startedAfter(ProcessHandle p, LockInfo lock) {
        if (lock.started() == null) return false;
        try {
            Instant taken = Instant.parse(lock.started());
            return p.info().startInstant().map(s -> s.isAfter(taken.plus(START_SLACK))).orElse(false);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) return (s / 3600) + "h" + (s % 3600 / 60 > 0 ? (s % 3600 / 60) + "m" : "");
        if (s >= 60) return (s / 60) + "m";
        return s + "s";
    }
}
