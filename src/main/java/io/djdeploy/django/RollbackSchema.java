package io.djdeploy.django;

import io.djdeploy.release.LedgerEntry.MigrationEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Before a rollback switches: may the target's code run on the database as it is? Django
 * ignores applied migrations it does not know, so `migrate` with the older code undoes
 * nothing; this compares the applied migrations with the target's manifest instead.
 */
public final class RollbackSchema {
    private RollbackSchema() {}

    /** A newer applied migration that the target's code would trip over, and why. */
    public record Blocker(String id, String why) {}

    /**
     * @param extra      applied migrations the target's code does not know, in applied order
     * @param expandOnly the extra ones that only add (fine for the target)
     * @param blockers   the extra ones that are not
     */
    public record Verdict(List<String> extra, List<String> expandOnly, List<Blocker> blockers) {
        public boolean ok() {
            return blockers.isEmpty();
        }
    }

    /**
     * @param applied what the database's django_migrations holds ("app.name")
     * @param target  the manifest of the release to switch to
     * @param newer   what djdeploy knows of each migration, by id: the manifests of every kept release and the ledger
     */
    public static Verdict compare(List<String> applied, List<MigrationEntry> target, Map<String, MigrationEntry> newer) {
        Set<String> known = new TreeSet<>();
        for (MigrationEntry e : target) known.add(e.id());
        List<String> extra = new ArrayList<>();
        List<String> expand = new ArrayList<>();
        List<Blocker> blockers = new ArrayList<>();
        for (String id : applied) {
            if (known.contains(id)) continue;
            extra.add(id);
            MigrationEntry e = newer.get(id);
            if (e == null) {
                blockers.add(new Blocker(id, "no kept release's manifest knows it, nor the ledger: djdeploy cannot tell what it changed"));
            } else if (Boolean.TRUE.equals(e.expandOnly())) {
                expand.add(id);
            } else {
                blockers.add(new Blocker(id, String.join(", ", e.reasons() == null || e.reasons().isEmpty()
                        ? List.of("not expand-only") : e.reasons()) + ": " + String.join("; ", e.operations() == null ? List.of() : e.operations())));
            }
        }
        return new Verdict(extra, expand, blockers);
    }

    /**
     * For --migrate-back: per app with extra migrations, the migration to go back to (the
     * target's last one of that app, or "zero" when the target has none).
     */
    public static Map<String, String> backTo(List<String> extra, List<MigrationEntry> target) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : extra) {
            String app = id.substring(0, id.indexOf('.'));
            String leaf = "zero";
            for (MigrationEntry e : target) if (e.app().equals(app)) leaf = e.id().substring(app.length() + 1);
            out.put(app, leaf);
        }
        return out;
    }

    /**
     * Which kept release can unapply the extra migrations: its code must have every one's file
     * (Django unapplies only what it finds on disk). The current release when it can (its code
     * is already serving), else the newest kept release that can; null when none can.
     *
     * @param manifests the manifest of each kept release, by release id
     */
    public static String holder(List<String> extra, Map<String, List<MigrationEntry>> manifests, String current) {
        if (knowsAll(manifests.get(current), extra)) return current;
        String best = null;
        for (Map.Entry<String, List<MigrationEntry>> e : manifests.entrySet()) {
            if (knowsAll(e.getValue(), extra) && (best == null || e.getKey().compareTo(best) > 0)) best = e.getKey();
        }
        return best;
    }

    /** The extra migrations no kept release has the file of. */
    public static List<String> withoutFile(List<String> extra, Map<String, List<MigrationEntry>> manifests) {
        List<String> out = new ArrayList<>();
        for (String id : extra) {
            boolean found = false;
            for (List<MigrationEntry> m : manifests.values()) found |= knowsAll(m, List.of(id));
            if (!found) out.add(id);
        }
        return out;
    }

    private static boolean knowsAll(List<MigrationEntry> manifest, List<String> ids) {
        if (manifest == null) return false;
        Set<String> known = new TreeSet<>();
        for (MigrationEntry e : manifest) known.add(e.id());
        return known.containsAll(ids);
    }

    /** The first extra migration that cannot be unapplied, with its operations; null when all can. */
    public static String irreversible(List<String> extra, Map<String, MigrationEntry> newer) {
        for (String id : extra) {
            MigrationEntry e = newer.get(id);
            if (e == null) return id + " (unknown to every kept manifest)";
            if (e.irreversible()) return id + " (" + String.join("; ", e.operations()) + ")";
        }
        return null;
    }
}
