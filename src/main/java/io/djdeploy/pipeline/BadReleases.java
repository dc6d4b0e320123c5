package io.djdeploy.pipeline;

import io.djdeploy.release.LedgerEntry;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Releases never chosen as a default rollback target: one whose deploy failed (a failed,
 * rolled-back or gated deploy), one whose deploy never finished (its last entry is the
 * "started" line: the run was killed), and one that a rollback moved away from.
 */
public final class BadReleases {
    private BadReleases() {}

    public static Set<String> of(List<LedgerEntry> ledger) {
        Set<String> bad = new LinkedHashSet<>();
        java.util.Map<String, String> lastDeploy = new java.util.LinkedHashMap<>();
        for (LedgerEntry e : ledger) {
            if ("deploy".equals(e.event()) && e.release() != null) lastDeploy.put(e.release(), e.outcome());
        }
        lastDeploy.forEach((release, outcome) -> {
            if (!"success".equals(outcome)) bad.add(release);
        });
        for (LedgerEntry e : ledger) {
            boolean movedAway = e.success() || "forced".equals(e.outcome()) || "migrated-back".equals(e.outcome());
            if ("rollback".equals(e.event()) && movedAway && e.previous() != null) bad.add(e.previous());
        }
        return bad;
    }
}
