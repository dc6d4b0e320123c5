package io.djdeploy.cli;

import io.djdeploy.release.MigrationPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The migration plan as a table: migration, operation, class, reason. */
final class PlanTable {
    private PlanTable() {}

    static List<String> lines(MigrationPlan plan, Style style) {
        List<String> out = new ArrayList<>();
        if (plan.isEmpty()) {
            out.add("migration plan: nothing pending");
            return out;
        }
        int w = Math.max(9, plan.migrations().stream().mapToInt(m -> m.id().length()).max().orElse(9));
        // as wide as the longest description: a model or field name is never cut
        int d = Math.max(34, plan.migrations().stream().flatMap(m -> m.operations().stream())
                .mapToInt(o -> o.description().length()).max().orElse(34));
        String fmt = "%-" + w + "s  %-" + d + "s %-7s %s";
        out.add("migration plan: " + plan.migrations().size() + " pending, verdict " + plan.verdict());
        if (plan.note() != null) out.add(plan.note());
        out.add(String.format(Locale.ROOT, fmt, "MIGRATION", "OPERATION", "CLASS", "REASON"));
        for (MigrationPlan.Migration m : plan.migrations()) {
            boolean first = true;
            for (MigrationPlan.Op op : m.operations()) {
                String cls = MigrationPlan.REVIEW.equals(op.cls()) ? style.yellow("review ") : style.green("safe   ");
                String reason = op.reasons().isEmpty() ? "" : String.join(", ", op.reasons()) + ": " + String.join("; ", op.why());
                out.add(String.format(Locale.ROOT, "%-" + w + "s  %-" + d + "s %s %s", first ? m.id() : "", op.description(), cls, reason));
                first = false;
            }
            if (m.operations().isEmpty()) out.add(String.format(Locale.ROOT, fmt, m.id(), "(no operations)", "safe", ""));
        }
        return out;
    }
}
