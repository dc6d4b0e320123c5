package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.TransportException;

import java.util.List;

/**
 * One small unit of a phase: what it runs ({@link #plan}) and how it runs and verifies
 * itself ({@link #run}). The runner owns ordering, barriers, timing and failure handling.
 */
public interface Step {
    String name();

    default boolean appliesTo(HostRun host, RunContext ctx) {
        return true;
    }

    /** The commands this step runs on the host, for `plan`; may show placeholders. */
    List<Command> plan(HostRun host, RunContext ctx);

    /**
     * What a standalone release script (export-script) runs for this step on the host itself:
     * by default exactly the planned commands, each of which must succeed. A step whose run()
     * judges output in Java gives the shell equivalent here (a failed check exits non-zero with
     * its reason on standard error; a value later commands need is a {@link Command#export}).
     */
    default List<Command> script(HostRun host, RunContext ctx) {
        return plan(host, ctx);
    }

    /**
     * What this step waits on outside djdeploy, said when it runs longer than a few seconds
     * (e.g. "gunicorn's graceful stop ..."), so a slow step explains itself instead of showing
     * only its time; null when the step does nothing slow.
     */
    default String waitsFor(HostRun host, RunContext ctx) {
        return null;
    }

    /**
     * This step as commands judged once they ran, so the runner may send it in one remote script
     * with the host's next steps (issue 18: fewer round trips); null: it only runs alone, by
     * {@link #run}. A step whose run() is this interface's is exactly its planned commands, each
     * checked. Its commands are built before any step of the script ran: a step whose commands
     * depend on what an earlier step of its phase found returns null (or decides on the host).
     */
    default Scripted scripted(HostRun host, RunContext ctx) {
        return Scripted.defaultRun(this) ? Scripted.checked(plan(host, ctx)) : null;
    }

    /** Runs the step. The default runs each planned command in order and fails on the first non-zero exit. */
    default void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        for (Command c : plan(x.host(), x.ctx())) x.check(c);
    }
}
