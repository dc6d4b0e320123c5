package io.djdeploy.release;

import java.util.List;

/**
 * One line of {@code .djdeploy/history.jsonl}: a deploy, rollback, failure, lock or unlock.
 * Append-only; readers skip lines they cannot parse rather than lose the rest.
 *
 * @param event    deploy | rollback | unlock
 * @param outcome  success | failed | rolled_back | interrupted | forced | migrated-back
 * @param previous the release current pointed to before this event
 */
public record LedgerEntry(
        String event,
        String outcome,
        String release,
        String previous,
        String ref,
        String sha,
        String user,
        String origin,
        String host,
        String started,
        String finished,
        Long durationMs,
        String error,
        List<StepEntry> steps,
        String note,
        List<MigrationEntry> migrations,
        List<String> approved,
        List<MigrationEntry> manifest) {

    /**
     * A migration as the ledger records it: the pending plan (migrations) or the release's
     * manifest. {@code expandOnly}: it only adds (tables, nullable columns, indexes), so code
     * that does not know it still runs on the schema it leaves.
     */
    public record MigrationEntry(String id, String cls, List<String> reasons, Boolean expandOnly, List<String> operations) {
        public String app() {
            return id.substring(0, id.indexOf('.'));
        }

        public boolean irreversible() {
            return reasons != null && reasons.contains("irreversible");
        }
    }

    /** One step as it ran on this host. */
    /** One step's outcome; {@code startMs} is its start as an offset from the run's start (null in entries before 0.1). */
    public record StepEntry(String phase, String step, String status, long durationMs, Long startMs) {
        public StepEntry(String phase, String step, String status, long durationMs) {
            this(phase, step, status, durationMs, null);
        }
    }

    /**
     * The outcome of the line a deploy or rollback writes once its target is known, before it
     * changes anything: a run killed before it could write its result leaves this as its last word.
     */
    public static final String STARTED = "started";

    public boolean success() {
        return "success".equals(outcome);
    }
}
