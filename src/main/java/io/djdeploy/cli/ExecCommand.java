package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.pipeline.HostCommands;
import io.djdeploy.release.HostOpException;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * `djdeploy exec ENV [--host H | --role R] -- COMMAND...`: a command in the current release
 * (typically manage.py), its output masked as it comes, its exit status as djdeploy's.
 */
@Command(name = "exec", description = "Run a command in the current release (its venv on PATH, the env file loaded), e.g. "
        + "djdeploy exec production -- python manage.py showmigrations. Exits with the command's exit status.")
class ExecCommand extends EnvCommand {
    @Option(names = "--host", paramLabel = "HOST", description = "Run on this host (default: the migrate host, else the first).")
    String host;

    @Option(names = "--role", paramLabel = "ROLE", description = "Run on every host with this role, one after the other.")
    String role;

    @Option(names = {"-t", "--tty"}, description = "Run on this terminal with a pty on the host (the default when stdin and stdout "
            + "are a terminal and the output is not JSON): for manage.py shell, dbshell. One host only.")
    boolean tty;

    @Option(names = {"-T", "--no-tty"}, description = "No terminal even on one: output masked line by line, as in a pipe.")
    boolean noTty;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        if (host != null && role != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --host or --role, not both");
        }
        if (tty && noTty) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --tty or --no-tty, not both");
        if (tty && output.json()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tty: a terminal session has no JSON events; drop --format json");
        }
        EnvironmentConfig env = env();
        List<HostConfig> targets = targets(env, host, role);
        HostCommands hosts = new HostCommands(env, filter.transports(env), Identity.current(System.getenv()), Clock.systemUTC(),
                redactor, Helper.bytes());
        if (interactive(tty, noTty, output.json(), System.console() != null)) {
            if (targets.size() > 1) {
                throw new CliException(ExitCode.USAGE, "a terminal session runs on one host, and --role " + role + " selects " + targets.size()
                        + " (" + String.join(", ", targets.stream().map(HostConfig::host).toList()) + "): pick one with --host, or add -T to run on each without a terminal");
            }
            return interactive(hosts, targets.get(0));
        }
        JsonRenderer json = output.json() ? new JsonRenderer(out(), redactor) : null;
        PrintWriter out = out(), err = spec.commandLine().getErr();
        int code = 0;
        for (HostConfig h : targets) {
            // one host: its output as if run there; several: each line says whose it is
            String prefix = targets.size() > 1 ? "[" + h.host() + "] " : "";
            OutputSink sink = json != null
                    ? (s, l) -> json.emit(new Event.Output(h.host(), s.name().toLowerCase(Locale.ROOT), l))
                    : (s, l) -> {
                        PrintWriter w = s == OutputSink.Stream.STDOUT ? out : err;
                        w.println(prefix + TextRenderer.terminalSafe(redactor.apply(l), false));
                        w.flush();
                    };
            HostCommands.ExecResult r;
            try {
                r = hosts.exec(h, command, sink);
            } catch (TransportException e) {
                throw new CliException(ExitCode.CONNECT, e.host() + ": " + redactor.apply(e.getMessage()));
            } catch (HostOpException e) {
                throw new CliException(ExitCode.NO_TARGET, redactor.apply(e.getMessage()));
            }
            if (json != null) json.value("exec_finished", r);
            if (r.exitCode() != 0 && code == 0) code = r.exitCode();
        }
        return code;
    }

    /** A terminal session when asked for, or by default when djdeploy runs on a terminal and prints no JSON. */
    static boolean interactive(boolean tty, boolean noTty, boolean json, boolean console) {
        return !noTty && (tty || console && !json);
    }

    /** The user's terminal, straight to the host's pty: no line redactor (see HostCommands.execInteractive). */
    private int interactive(HostCommands hosts, HostConfig h) throws InterruptedException {
        TtyTerminal terminal = TtyTerminal.open(System.getenv());
        out().flush();
        try {
            return hosts.execInteractive(h, command, terminal).exitCode();
        } catch (TransportException e) {
            throw new CliException(ExitCode.CONNECT, e.host() + ": " + redactor.apply(e.getMessage()));
        } catch (HostOpException e) {
            throw new CliException(ExitCode.NO_TARGET, redactor.apply(e.getMessage()));
        }
    }

    static List<HostConfig> targets(EnvironmentConfig env, String host, String role) {
        if (host != null) {
            return List.of(env.hosts().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow(() -> new CliException(ExitCode.USAGE,
                    "--host: " + host + " is not a host of environment " + env.name() + " (its hosts: "
                            + String.join(", ", env.hosts().stream().map(HostConfig::host).toList()) + ")")));
        }
        if (role != null) {
            List<HostConfig> with = env.hosts().stream().filter(h -> h.roles().contains(role)).toList();
            if (with.isEmpty()) throw new CliException(ExitCode.USAGE, "--role: no host of environment " + env.name() + " has the role " + role);
            return with;
        }
        return List.of(env.hosts().stream().filter(h -> h.roles().contains(HostConfig.MIGRATE)).findFirst().orElse(env.hosts().get(0)));
    }
}
