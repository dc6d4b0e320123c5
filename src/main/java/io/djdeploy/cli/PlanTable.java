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
        String fmt = "%-" + w + "s  %-34s %-7s %s";
        out.add("migration plan: " + plan.migrations().size() + " pending, verdict " + plan.verdict());
        if (plan.note() != null) out.add(plan.note());
        out.add(String.format(Locale.ROOT, fmt, "MIGRATION", "OPERATION", "CLASS", "REASON"));
        for (MigrationPlan.Migration m : plan.migrations()) {
            boolean first = true;
            for (MigrationPlan.Op op : m.operations()) {
                String cls = MigrationPlan.REVIEW.equals(op.cls()) ? style.yellow("review ") : style.green("safe   ");
                String reason = op.reasons().isEmpty() ? "" : String.join(", ", op.reasons()) + ": " + String.join("; ", op.why());
                String desc = op.description().length() > 34 ? op.description().substring(0, 33) + "…" : op.description();
                out.add(String.format(Locale.ROOT, "%-" + w + "s  %-34s %s %s", first ? m.id() : "", desc, cls, reason));
                first = false;
            }
            if (m.operations().isEmpty()) out.add(String.format(Locale.ROOT, fmt, m.id(), "(no operations)", "safe", ""));
        }
        return out;
    }
}
