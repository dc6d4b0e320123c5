package io.djdeploy.release;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classified plan: every pending migration and each operation's class and reasons.
 * Its JSON form is the {@code --format json} contract of {@code djdeploy migrations}:
 * {@code {"verdict": "safe"|"review", "migrations": [{"app", "name", "operations": [{"type", "class", "reasons", "description"}]}]}}.
 */
public record MigrationPlan(String verdict, List<Migration> migrations, String note) {
    public static final String SAFE = "safe";
    public static final String REVIEW = "review";

    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"app", "name", "operations", "atomic", "sql"})
    public record Migration(String app, String name, Boolean atomic, List<Op> operations, List<String> sql) {
        public String id() {
            return app + "." + name;
        }

        public boolean needsReview() {
            return operations.stream().anyMatch(o -> REVIEW.equals(o.cls()));
        }
    }

    /**
     * @param why         one explanation per reason, in the same order (the forward axis: what the
     *                    operation does while the old release still runs; the gate uses it)
     * @param rollback    the rollback axis: "expand-only" when the previous release's code still runs
     *                    on the schema after it, "contract" when not (rollback uses it)
     * @param rollbackWhy why
     */
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"type", "class", "reasons", "description", "why", "rollback", "rollback_why"})
    public record Op(String type, @JsonProperty("class") String cls, List<String> reasons, String description, List<String> why,
                     String rollback, String rollbackWhy) {
        public Op(String type, String cls, List<String> reasons, String description, List<String> why) {
            this(type, cls, reasons, description, why, null, null);
        }

        public boolean expandOnly() {
            return "expand-only".equals(rollback);
        }
    }

    public boolean needsReview() {
        return REVIEW.equals(verdict);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return migrations.isEmpty();
    }

    /** Ids (app.name) of the migrations that hold review-class operations. */
    public List<String> reviewIds() {
        return migrations.stream().filter(Migration::needsReview).map(Migration::id).toList();
    }

    /** Review migrations not covered by an approval ({@code *} approves all). */
    public List<String> unapproved(Set<String> approved) {
        if (approved.contains("*")) return List.of();
        List<String> out = new ArrayList<>();
        for (String id : reviewIds()) if (!approved.contains(id)) out.add(id);
        return out;
    }

    /** Every reason in the plan, for one-line summaries. */
    public Set<String> reasons() {
        Set<String> s = new LinkedHashSet<>();
        for (Migration m : migrations) for (Op o : m.operations()) s.addAll(o.reasons());
        return s;
    }
}
