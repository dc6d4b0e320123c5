package io.djdeploy.pipeline;

import io.djdeploy.release.HostFacts;
import io.djdeploy.release.HostOpException;
import io.djdeploy.release.LockInfo;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;
import io.djdeploy.release.HostOps;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * CONNECT and LOCK in one round trip (issue 18). The connect step opens the connection and
 * runs {@link ConnectFacts}: no separate probe (the script's first marker proves the host's
 * shell runs commands), the lock, then the run's first reads. The lock step then only judges
 * the lock's outcome, so a held lock still fails as LOCK with its holder, and a host whose shell
 * does not run commands still fails as CONNECT. A lock taken while another host turned out
 * unreachable is released by {@link Recovery}, as every lock is. Their plans still show the
 * commands a person runs by hand (the checklist): a login, then the lock.
 */
final class ConnectSteps {
    private ConnectSteps() {}

    static Step connect() {
        return new Step() {
            public String name() { return CoreSteps.CONNECT; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(Command.sh("true"));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                HostRun h = x.host();
                h.transport().connect();
                CommandResult r = x.query(ConnectFacts.command(h, x.ctx()));
                HostFacts f = HostFacts.parse(r.stdout(), ConnectFacts.nonce(x.ctx()));
                if (f == null) {
                    throw new StepFailure("the host's shell does not run commands (exit " + r.exitCode() + ")", "true", r.exitCode(), r.tail());
                }
                if (f.lockExit() == 0) h.markLocked();   // from here on every path releases it
                h.facts(f);
            }
        };
    }

    static Step lock() {
        return new Step() {
            public String name() { return CoreSteps.LOCK; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(h.ops().lockCommand(CoreSteps.lockInfo(ctx)));
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                // someone else's lock stops the script with exit 4 (as djdeploy's LOCKED), naming the holder
                String env = ctx.env().name();
                Command held = Command.sh("rc=$?")
                        .andAlso(Command.ifThen(Command.of("test", Shell.var("rc"), "=", String.valueOf(HostOps.LOCK_HELD)).not(), Command.sh("exit $rc")))
                        .andAlso(Command.assign("who", Command.of("printf", "%s", Shell.var("holder")).pipe(Command.of("sed", "-n",
                                "s/.*\"user\":\"\\([^\"]*\\)\".*\"origin\":\"\\([^\"]*\\)\".*\"command\":\"\\([^\"]*\\)\".*/\\1@\\2 (\\3)/p"))))
                        .andAlso(Command.of("printf", "locked by %s (djdeploy status " + env + " shows the lock; djdeploy unlock " + env
                                + " [--force] removes it)\\n", Shell.var("who")).toStderr())
                        .andAlso(Command.exit(4));
                return List.of(Command.assign("holder", h.ops().lockCommand(CoreSteps.lockInfo(ctx))).orElse(held));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                HostRun h = x.host();
                LockInfo held;
                try {
                    // the connect step's command tried it; without its facts (a test's transport), take it here
                    held = h.facts() != null ? h.ops().lockOutcome(lockResult(h.facts())) : h.ops().acquire(CoreSteps.lockInfo(x.ctx()));
                } catch (HostOpException e) {
                    throw new StepFailure(e.getMessage(), null, e.result().exitCode(), e.result().tail());
                }
                if (held != null) {
                    String stale = io.djdeploy.release.Staleness.why(held, x.ctx().who().origin(),
                            x.ctx().env().safety().staleLockAfter(), java.time.Instant.now());
                    throw new CoreSteps.LockHeldFailure(h.name(), held, stale);
                }
                h.markLocked();
            }
        };
    }

    /** The lock command's part of the facts, as if it had run alone (its output: stdout and stderr). */
    static CommandResult lockResult(HostFacts f) {
        String out = f.withArg("lock");
        out = out == null ? "" : out;
        List<String> lines = out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        List<String> tail = lines.size() > 15 ? lines.subList(lines.size() - 15, lines.size()) : lines;
        int exit = f.lockExit() < 0 ? 1 : f.lockExit();
        return new CommandResult(exit, out, "", List.copyOf(tail), Duration.ZERO);
    }
}
