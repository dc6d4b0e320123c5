package io.djdeploy.cli;

import io.djdeploy.release.HostOpException;
import io.djdeploy.release.LockInfo;
import io.djdeploy.remote.TransportException;
import picocli.CommandLine.Command;

@Command(name = "lock", description = "Take the deploy lock on every host (e.g. during maintenance) until `unlock`.")
class LockCommand extends EnvCommand {
    @Override
    public Integer call() throws InterruptedException {
        try {
            LockInfo held = operations(env()).lock();
            if (held != null) throw new CliException(ExitCode.LOCKED, "already " + held.holder());
        } catch (TransportException e) {
            throw new CliException(ExitCode.CONNECT, e.host() + ": " + e.getMessage());
        } catch (HostOpException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage());
        }
        if (output.json()) {
            new JsonRenderer(out(), redactor).value("locked", java.util.Map.of("environment", environment,
                    "hosts", env().hosts().stream().map(io.djdeploy.config.HostConfig::host).toList()));
            return 0;
        }
        out().println("locked " + environment + " on " + env().hosts().size() + " host(s); `djdeploy unlock " + environment + "` releases it");
        return 0;
    }
}
