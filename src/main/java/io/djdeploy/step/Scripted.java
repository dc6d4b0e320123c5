package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A step as commands whose results are judged once they ran ({@link Step#scripted}): what lets
 * the runner send consecutive steps of a host in ONE remote script (io.djdeploy.remote.Batch,
 * issue 18) and still report each step as if it had run alone. Run alone ({@link #runAlone}) it
 * does exactly the same, one command at a time, so both ways share one verdict.
 *
 * @param commands what runs, in order (exactly the step's plan)
 * @param quiet    per command: its output is only for the judge (a query), not shown
 * @param gate     when the rest of a shared script may go on after this step
 * @param info     stdout lines starting with it are the step's info lines (null: none)
 * @param judge    reads the results (null: none); may report checks, say info, set host state or fail
 * @param outputGate null, or (EXIT_OK) a shell test of the last command's kept output that fails
 *                 exactly when the judge would for a reason other than an exit status
 *                 (io.djdeploy.remote.Batch#KEPT_STDOUT): so a shared script need not end here
 */
public record Scripted(List<Command> commands, List<Boolean> quiet, Gate gate, String info, Judge judge, Command outputGate) {
    /** When a shared script may run what follows this step; the judge must agree (see each). */
    public enum Gate {
        /** Each command must exit 0, as {@link StepExec#check}: the first that does not fails the step and ends the script. */
        CHECKED,
        /** Every command runs; the script goes on only when each exited 0, and then the judge must pass. */
        EXIT_OK,
        /** Every command runs and the judge never fails the step: the script goes on. */
        ALWAYS,
        /** Every command runs; the verdict needs Java (thresholds, parsing): the script ends after this step. */
        LAST
    }

    /** Reads what the commands did; {@code results} holds one per command that ran. */
    @FunctionalInterface
    public interface Judge {
        void judge(StepExec x, List<CommandResult> results) throws StepFailure, TransportException, InterruptedException;
    }

    public Scripted {
        commands = List.copyOf(commands);
        quiet = List.copyOf(quiet);
        if (quiet.size() != commands.size()) throw new IllegalArgumentException("one quiet flag per command");
    }

    /** The default step: each planned command must succeed, its output shown. */
    public static Scripted checked(List<Command> commands) {
        return new Scripted(commands, Collections.nCopies(commands.size(), false), Gate.CHECKED, null, null, null);
    }

    /** Commands whose output only the judge reads (queries). */
    public static Scripted queries(List<Command> commands, Gate gate, Judge judge) {
        return new Scripted(commands, Collections.nCopies(commands.size(), true), gate, null, judge, null);
    }

    /** Commands whose output is shown, judged afterwards. */
    public static Scripted shown(List<Command> commands, Gate gate, Judge judge) {
        return new Scripted(commands, Collections.nCopies(commands.size(), false), gate, null, judge, null);
    }

    public Scripted withInfo(String prefix) {
        return new Scripted(commands, quiet, gate, prefix, judge, outputGate);
    }

    public Scripted withJudge(Judge j) {
        return new Scripted(commands, quiet, gate, info, j, outputGate);
    }

    public Scripted withGate(Gate g) {
        return new Scripted(commands, quiet, g, info, judge, outputGate);
    }

    /** An EXIT_OK step whose verdict also reads output: the shell's version of that part (see outputGate). */
    public Scripted withOutputGate(Command test) {
        return new Scripted(commands, quiet, Gate.EXIT_OK, info, judge, test);
    }

    /** Command {@code i}'s output is for the judge only. */
    public Scripted quietAt(int i) {
        List<Boolean> q = new ArrayList<>(quiet);
        q.set(i, true);
        return new Scripted(commands, q, gate, info, judge, outputGate);
    }

    /** Runs the commands one round trip each, then gives the verdict: the step without a shared script. */
    public void runAlone(StepExec x) throws StepFailure, TransportException, InterruptedException {
        List<CommandResult> results = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            CommandResult r = quiet.get(i) ? x.query(commands.get(i)) : x.run(commands.get(i), info);
            results.add(r);
            if (gate == Gate.CHECKED && !r.ok()) break;
        }
        verdict(x, results);
    }

    /** The judge, then (CHECKED) the first failed command fails the step as {@link StepExec#check} would. */
    public void verdict(StepExec x, List<CommandResult> results) throws StepFailure, TransportException, InterruptedException {
        if (gate != Gate.CHECKED && results.size() < commands.size()) {
            // the shared script ended inside this step (killed, the connection lost): no verdict to give
            CommandResult r = results.get(results.size() - 1);
            throw new StepFailure("command failed with exit status " + r.exitCode(), commands.get(results.size() - 1).script(), r.exitCode(), r.tail());
        }
        if (judge != null) judge.judge(x, results);
        if (gate != Gate.CHECKED) return;
        for (int i = 0; i < results.size(); i++) {
            CommandResult r = results.get(i);
            if (!r.ok()) throw new StepFailure("command failed with exit status " + r.exitCode(), commands.get(i).script(), r.exitCode(), r.tail());
        }
    }

    /**
     * Whether {@code step}'s run() is the interface's: then it is exactly its planned commands,
     * each checked, and may share a script. A step with its own run() says how it shares one by
     * overriding {@link Step#scripted} (or runs alone).
     */
    static boolean defaultRun(Step step) {
        try {
            return step.getClass().getMethod("run", StepExec.class).getDeclaringClass() == Step.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
