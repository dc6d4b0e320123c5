package io.djdeploy.pipeline;

import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseManifest;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.LedgerEntry.MigrationEntry;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rollback knows about migrations on the migrate host: the manifest of every kept
 * release (which migrations each one's code has the files of) and, for migrations whose
 * releases are gone, what the ledger recorded when they were deployed.
 *
 * @param manifests each kept release's manifest, by release id (releases without one are absent)
 * @param known     what each migration did, by id: a kept manifest's entry (the newest), else the ledger's
 */
record KeptManifests(Map<String, List<MigrationEntry>> manifests, Map<String, MigrationEntry> known) {

    static KeptManifests read(HostRun h) throws TransportException, InterruptedException {
        Map<String, List<MigrationEntry>> manifests = new TreeMap<>();
        for (String id : ConnectFacts.completeReleases(h)) {
            List<MigrationEntry> m = manifest(h, id);
            if (m != null) manifests.put(id, m);
        }
        Map<String, MigrationEntry> known = new LinkedHashMap<>();
        for (LedgerEntry e : ConnectFacts.ledger(h)) {
            for (List<MigrationEntry> list : java.util.Arrays.asList(e.manifest(), e.migrations())) {
                // a migrated-back line lists reverse operations, not what the migration did
                if (list == null || "migrated-back".equals(e.outcome())) continue;
                for (MigrationEntry m : list) known.put(m.id(), m);
            }
        }
        // kept manifests win over the ledger, the newest release last so its entry stays
        for (List<MigrationEntry> m : manifests.values()) for (MigrationEntry e : m) known.put(e.id(), e);
        return new KeptManifests(manifests, known);
    }

    static List<MigrationEntry> manifest(HostRun h, String id) throws TransportException, InterruptedException {
        java.util.Optional<String> read = ConnectFacts.manifest(h, id);
        String text;
        if (read.isPresent()) {
            text = read.get().strip();
        } else {
            CommandResult r = h.transport().run(Command.of("cat", MigrationSteps.manifestPath(h.ops().layout(), id)).quiet());
            text = r.ok() ? r.out() : "";
        }
        if (text.isEmpty()) return null;
        try {
            return Json.read(text, ReleaseManifest.class).migrations();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
