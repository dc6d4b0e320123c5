package io.djdeploy.cli;

import io.djdeploy.pipeline.Operations;
import io.djdeploy.release.HostOpException;
import io.djdeploy.remote.TransportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "unlock", description = "Release your lock; --force removes someone else's (recorded in the ledger).")
class UnlockCommand extends EnvCommand {
    @Option(names = "--force", description = "Remove the lock whoever holds it.")
    boolean force;

    @Override
    public Integer call() throws InterruptedException {
        List<Operations.UnlockResult> results;
        try {
            results = operations(env()).unlock(force);
        } catch (TransportException e) {
            throw new CliException(ExitCode.CONNECT, e.host() + ": " + e.getMessage());
        } catch (HostOpException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage());
        }
        String refused = null;
        JsonRenderer json = output.json() ? new JsonRenderer(out(), redactor) : null;
        for (Operations.UnlockResult r : results) {
            if (json != null && !r.refused()) json.value("unlocked", r);
            if (r.refused() && r.running()) {
                refused = r.host() + ": " + r.removed().holder() + ", a deploy still running here (pid " + r.removed().pid()
                        + " is alive): wait for it to finish; --force removes the lock anyway";
            } else if (r.refused()) {
                refused = r.host() + ": " + r.removed().holder() + "; use --force to remove someone else's lock";
            } else if (json != null) {
                continue;
            } else if (r.removed() == null) {
                out().println("[" + r.host() + "] not locked");
            } else {
                out().println("[" + r.host() + "] removed the lock of " + r.removed().describe());
            }
        }
        if (refused != null) throw new CliException(ExitCode.LOCKED, refused);
        return 0;
    }
}
