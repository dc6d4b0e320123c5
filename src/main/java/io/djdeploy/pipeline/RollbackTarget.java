package io.djdeploy.pipeline;

import io.djdeploy.release.Revision;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * After a rollback's PREFLIGHT: the release to go back to. By default the newest complete
 * release older than current that did not fail and that no rollback left; {@code --to} names one,
 * which must be complete on every host.
 */
final class RollbackTarget implements Checkpoint {
    private final String to;

    RollbackTarget(String to) {
        this.to = to;
    }

    @Override
    public RunResult after(Run run) {
        RunContext ctx = run.ctx();
        Set<String> common = null;
        Set<String> bad = new LinkedHashSet<>();
        Set<String> currents = new LinkedHashSet<>();
        try {
            for (HostRun h : run.hosts()) {
                Set<String> complete = new TreeSet<>(ConnectFacts.completeReleases(h));
                if (common == null) common = complete;
                else common.retainAll(complete);
                bad.addAll(BadReleases.of(ConnectFacts.ledger(h)));
                h.ops().warnings().forEach(w -> run.warn(h.name(), w));
                currents.add(String.valueOf(h.previous()));
            }
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
        String current = currents.size() == 1 ? currents.iterator().next() : null;
        String target;
        if (to != null) {
            if (!common.contains(to)) {
                return new RunResult(RunResult.Result.NO_TARGET, null, "release " + to + " is not a complete release on every host (see djdeploy releases "
                        + run.env().name() + ")");
            }
            target = to;
        } else {
            if (current == null || "null".equals(current)) {
                return new RunResult(RunResult.Result.NO_TARGET, null, currents.size() > 1
                        ? "hosts are on different releases " + currents + "; name one with --to" : "nothing is deployed yet");
            }
            target = null;
            for (String id : common) {
                if (id.compareTo(current) < 0 && !bad.contains(id)) target = id;
            }
            if (target == null) return new RunResult(RunResult.Result.NO_TARGET, null, "no earlier good release is kept on every host");
        }
        if (currents.size() == 1 && target.equals(current)) {
            return new RunResult(RunResult.Result.NOTHING_TO_DO, target, "release " + target + " is already current");
        }
        ctx.releaseId(target);
        try {
            Revision rev = ConnectFacts.revision(run.hosts().get(0), target);
            if (rev != null) {
                ctx.ref(rev.ref());
                ctx.sha(rev.sha());
            }
        } catch (TransportException e) {
            return new RunResult(RunResult.Result.CONNECT_FAILED, null, e.host() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(RunResult.Result.INTERRUPTED, null, "interrupted");
        }
        run.info(null, "rolling back from " + current + " to release " + target
                + (ctx.ref() != null ? " (" + ctx.ref() + " " + Run.shortSha(ctx.sha()) + ")" : ""));
        return null;
    }

    /** Checkpoint: a release made by an exported script lacks the helper, and health checks run it from the release. */
    static RunResult ensureHelper(Run run) {
        String id = run.ctx().releaseId();
        for (HostRun h : run.hosts()) {
            try {
                Boolean has = ConnectFacts.hasHelper(h, id);   // the connect step's command looked
                if (Boolean.TRUE.equals(has)) continue;
                if (has == null) {
                    h.ops().ensureHelper(id, run.ctx().helper());
                } else {
                    h.transport().run(io.djdeploy.remote.Command.of("mkdir", "-p", h.ops().layout().helper(id).replaceAll("/[^/]*$", "")));
                    h.transport().upload(run.ctx().helper(), h.ops().layout().helper(id), 0644);
                }
            } catch (TransportException | InterruptedException e) {
                run.warn(h.name(), "could not check the helper of release " + id + ": " + e.getMessage());
            }
        }
        return null;
    }
}
