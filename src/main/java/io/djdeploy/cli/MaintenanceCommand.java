package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.pipeline.Maintenance;
import io.djdeploy.release.HostOpException;
import io.djdeploy.release.MaintenancePage;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Identity;
import io.djdeploy.template.TextTemplates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** `djdeploy maintenance on|off ENV`: the 503 page on every web host, without an nginx reload (docs/maintenance.md). */
@Command(name = "maintenance", description = "Maintenance page on or off: nginx answers 503 for everything but the health URL.",
        subcommands = {MaintenanceCommand.On.class, MaintenanceCommand.Off.class})
class MaintenanceCommand implements Runnable {
    static final String DEFAULT_MESSAGE = "We are updating the site and will be back in a few minutes.";

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "maintenance: say on or off (djdeploy maintenance on ENV [--message TEXT])");
    }

    /** The page from maintenance/page.html (a project's deploy/templates/ override wins), the message escaped for HTML. */
    static String page(Path configFile, EnvironmentConfig env, String message) {
        return TextTemplates.forConfig(configFile).render("maintenance/page.html", Map.of(
                "app", MaintenancePage.html(env.app()),
                "message", MaintenancePage.html(message == null ? DEFAULT_MESSAGE : message)));
    }

    static int set(EnvCommand c, boolean on, String message) throws InterruptedException {
        EnvironmentConfig env = c.env();
        List<Maintenance.HostResult> done;
        try {
            done = Maintenance.set(env, c.filter.transports(env), Identity.current(System.getenv()), Clock.systemUTC(), on,
                    on ? page(c.config.config, env, message) : null, message);
        } catch (TransportException e) {
            throw new CliException(ExitCode.CONNECT, e.host() + ": " + e.getMessage());
        } catch (HostOpException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage());
        }
        if (done.isEmpty()) throw new CliException(ExitCode.USAGE, "no web host in " + c.environment + " (maintenance is nginx's, on web hosts)");
        for (Maintenance.HostResult r : done) {
            c.out().println("[" + r.host() + "] maintenance " + (on ? "on" : "off") + (r.wasOn() == on ? " (it already was)" : ""));
        }
        c.out().println(on ? "nginx answers 503 with the maintenance page for everything but the health URL; `djdeploy maintenance off "
                + c.environment + "` ends it" : "maintenance off on " + done.size() + " host(s)");
        return 0;
    }

    @Command(name = "on", description = "Turn the maintenance page on (503 with Retry-After), recorded in the ledger.")
    static class On extends EnvCommand {
        @Option(names = "--message", paramLabel = "TEXT", description = "The text on the page.")
        String message;

        @Override
        public Integer call() throws InterruptedException {
            return set(this, true, message);
        }
    }

    @Command(name = "off", description = "Turn the maintenance page off, recorded in the ledger.")
    static class Off extends EnvCommand {
        @Override
        public Integer call() throws InterruptedException {
            return set(this, false, null);
        }
    }
}
