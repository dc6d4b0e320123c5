package io.djdeploy.pipeline;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.Json;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.Staleness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BadReleasesTest {
    static LedgerEntry e(String event, String outcome, String release, String previous) {
        return new LedgerEntry(event, outcome, release, previous, null, null, "u", "o", "h", null, null, 0L, null, null, null, null, null, null);
    }

    @Test
    void failedDeploysAndReleasesRolledAwayFromAreBad() {
        var bad = BadReleases.of(List.of(
                e("deploy", "success", "20260101000000", null),
                e("deploy", "success", "20260102000000", "20260101000000"),
                e("deploy", "failed", "20260103000000", "20260102000000"),
                e("deploy", "gated", "20260104000000", "20260102000000"),
                e("rollback", "success", "20260101000000", "20260102000000"),
                e("rollback", "refused", "20260101000000", "20260105000000")));
        assertThat(bad).containsExactlyInAnyOrder("20260103000000", "20260104000000", "20260102000000");
    }

    @Test
    void aLockIsStaleWhenItsLocalProcessIsGoneOrItIsTooOld() {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        long self = ProcessHandle.current().pid();
        // taken after this process started (a lock older than its pid's process is a reused pid)
        LockInfo alive = new LockInfo("alice", "here", self, "v1", "2999-11-24T11:59:00Z", "deploy", "r");
        LockInfo dead = new LockInfo("alice", "here", 999_999_999L, "v1", "2026-11-24T11:59:00Z", "deploy", "r");
        LockInfo elsewhere = new LockInfo("bob", "ci-7", 999_999_999L, "v1", "2026-11-24T11:59:00Z", "deploy", "r");
        LockInfo old = new LockInfo("bob", "ci-7", 1L, "v1", "2026-11-24T08:00:00Z", "deploy", "r");
        assertThat(Staleness.why(alive, "here", Duration.ofHours(2), now)).isNull();
        assertThat(Staleness.why(dead, "here", Duration.ofHours(2), now)).contains("process 999999999 on here is gone");
        assertThat(Staleness.why(elsewhere, "here", Duration.ofHours(2), now)).isNull();
        assertThat(Staleness.why(old, "here", Duration.ofHours(2), now)).contains("4h old", "lock.stale_after is 2h");
    }

    @Test
    void aLivePidThatStartedAfterTheLockWasTakenIsNotItsHolder() {
        // the deploy died and its pid went to a newer process (containers reuse small pids)
        long self = ProcessHandle.current().pid();
        LockInfo reused = new LockInfo("alice", "here", self, "v1", "2026-01-01T00:00:00Z", "deploy", "r");
        assertThat(Staleness.running(reused, "here")).isFalse();
        assertThat(Staleness.why(reused, "here", Duration.ofDays(9999), Instant.parse("2026-01-01T00:01:00Z")))
                .contains("process " + self + " on here is gone");
    }

    @Test
    void aMaintenanceHoldIsNeverStale() {
        LockInfo hold = new LockInfo("alice", "here", 999_999_999L, null, "2026-11-20T08:00:00Z", "lock", "r");
        assertThat(hold.maintenance()).isTrue();
        assertThat(Staleness.why(hold, "here", Duration.ofHours(2), Instant.parse("2026-11-24T12:00:00Z"))).isNull();
        assertThat(hold.holder()).isEqualTo("held for maintenance by alice@here since 2026-11-20T08:00:00Z");
        assertThat(Json.line(hold)).doesNotContain("maintenance");
    }
}
