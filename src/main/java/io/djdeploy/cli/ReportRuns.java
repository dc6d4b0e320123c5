package io.djdeploy.cli;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LedgerEntry.StepEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runs of {@code djdeploy report}: each deploy or rollback gathered from the ledgers of its
 * hosts, and each host's steps placed on a timeline. Pure: reads records, returns records.
 */
public final class ReportRuns {
    private ReportRuns() {}

    /**
     * One run of deploy or rollback: each host writes its own ledger line with the same event,
     * release and start time, so those three identify the run across hosts.
     *
     * @param hosts host name to its ledger entry, in the config's host order
     */
    public record Run(String event, String release, String started, Map<String, LedgerEntry> hosts) {
        /** The first host's entry: event, release, ref, sha, who and when are the same on every host. */
        public LedgerEntry first() {
            return hosts.values().iterator().next();
        }
    }

    /** A step placed on the timeline: milliseconds from the run's start. */
    record Placed(StepEntry step, long start, long end) {}

    /**
     * Every deploy and rollback in these ledgers, oldest first.
     *
     * @param ledgers host name (config order) to its ledger, oldest first
     */
    public static List<Run> runs(Map<String, List<LedgerEntry>> ledgers) {
        List<String> order = new ArrayList<>(ledgers.keySet());
        Map<List<String>, Map<String, LedgerEntry>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<LedgerEntry>> l : ledgers.entrySet()) {
            for (LedgerEntry e : l.getValue()) {
                if (!"deploy".equals(e.event()) && !"rollback".equals(e.event())) continue;
                // the entry names its host; two hosts sharing one file (local transport) then still count once each
                String host = e.host() != null ? e.host() : l.getKey();
                if (!order.contains(host)) order.add(host);
                groups.computeIfAbsent(key(e), k -> new LinkedHashMap<>()).put(host, e);
            }
        }
        List<Run> runs = new ArrayList<>();
        for (Map.Entry<List<String>, Map<String, LedgerEntry>> g : groups.entrySet()) {
            Map<String, LedgerEntry> byHost = new LinkedHashMap<>();
            for (String h : order) {
                if (g.getValue().containsKey(h)) byHost.put(h, g.getValue().get(h));
            }
            LedgerEntry any = byHost.values().iterator().next();
            runs.add(new Run(any.event(), any.release(), any.started(), byHost));
        }
        runs.sort(Comparator.comparing((Run r) -> Objects.toString(r.started(), ""))
                .thenComparing(r -> Objects.toString(r.release(), "")));
        return runs;
    }

    private static List<String> key(LedgerEntry e) {
        return java.util.Arrays.asList(e.event(), e.release(), e.started());
    }

    /**
     * The run to report: without an id the newest deploy or rollback; with one, the deploy that
     * created that release, or (when the ledger has none) the newest rollback to it.
     */
    public static Optional<Run> pick(List<Run> runs, String id) {
        if (runs.isEmpty()) return Optional.empty();
        if (id == null) return Optional.of(runs.get(runs.size() - 1));
        Run found = null;
        for (Run r : runs) {
            if (!id.equals(r.release())) continue;
            if (found == null || !"deploy".equals(found.event()) || "deploy".equals(r.event())) found = r;
        }
        return Optional.ofNullable(found);
    }

    /**
     * Steps on the time axis. Entries written before {@code start_ms} existed have no start
     * offsets: such steps are laid end to end after the previous one.
     */
    static List<Placed> place(List<StepEntry> steps) {
        List<Placed> out = new ArrayList<>();
        long cursor = 0;
        if (steps == null) return out;
        for (StepEntry s : steps) {
            long start = s.startMs() != null ? Math.max(0, s.startMs()) : cursor;
            long end = start + Math.max(0, s.durationMs());
            out.add(new Placed(s, start, end));
            cursor = end;
        }
        return out;
    }
}
