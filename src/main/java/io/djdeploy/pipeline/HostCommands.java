package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.django.Manage;
import io.djdeploy.release.HostOpException;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.Terminal;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * `exec` and `logs`: a command in the current release of a host, and the app's service logs.
 * Both read the host's env file first, so its values are masked in everything the host prints.
 */
public final class HostCommands {
    /** A command someone runs by hand (a shell, a data fix) may take hours; Ctrl-C ends it earlier. */
    static final Duration EXEC_TIMEOUT = Duration.ofHours(12);
    /** The ledger event of an exec: not a release, so `releases` and `status` leave it out. */
    static final String EXEC_EVENT = "exec";
    /** `logs --follow` runs until cancelled. */
    static final Duration FOLLOW_TIMEOUT = Duration.ofDays(7);

    private final EnvironmentConfig env;
    private final Function<HostConfig, Transport> transports;
    private final Identity who;
    private final Clock clock;
    private final Redactor redactor;
    private final byte[] helper;

    public HostCommands(EnvironmentConfig env, Function<HostConfig, Transport> transports, Identity who, Clock clock,
                        Redactor redactor, byte[] helper) {
        this.env = env;
        this.transports = transports;
        this.who = who;
        this.clock = clock;
        this.redactor = redactor;
        this.helper = helper;
        redactor.addConfig(env);
    }

    /** What one exec did on one host. {@code release}: the current release it ran in. */
    public record ExecResult(String host, String release, int exitCode) {}

    /**
     * Runs {@code argv} in the host's current release: in the directory of manage.py, with the
     * release's venv first on PATH and the env file loaded by the helper inside the host's shell
     * (as manage.py steps do: no secret on a command line). The ledger records who ran what
     * (the command masked) and its exit status.
     */
    public ExecResult exec(HostConfig hc, List<String> argv, OutputSink sink) throws TransportException, InterruptedException, HostOpException {
        return execWith(hc, argv, (t, c) -> t.run(c, sink).exitCode());
    }

    /**
     * The same on the user's terminal ({@code exec} on a TTY): a pty on the host, bytes both ways,
     * NOT through the redactor (the session is the user's own terminal, as their own ssh session
     * would be). The command line is the same (the env file loaded by the helper, no secret on
     * it), and the ledger records the command, masked, and its exit status as for any exec.
     */
    public ExecResult execInteractive(HostConfig hc, List<String> argv, Terminal terminal)
            throws TransportException, InterruptedException, HostOpException {
        return execWith(hc, argv, (t, c) -> t.interactive(c, terminal));
    }

    private interface Runner {
        int run(Transport t, Command c) throws TransportException, InterruptedException;
    }

    private ExecResult execWith(HostConfig hc, List<String> argv, Runner runner) throws TransportException, InterruptedException, HostOpException {
        try (Transport t = transports.apply(hc)) {
            t.connect();
            HostOps ops = new HostOps(t, new ReleaseLayout(env.deployTo()));
            String id = ops.currentRelease();
            if (id == null) throw new HostOpException(hc.host() + ": no current release to run in (deploy first)", null);
            learnEnvFile(t);
            ops.ensureHelper(id, helper);
            Instant start = clock.instant();
            int code = runner.run(t, execCommand(ops.layout(), id, argv));
            Instant end = clock.instant();
            String command = redactor.apply(String.join(" ", argv.stream().map(Shell::quote).toList()));
            ops.appendLedger(new LedgerEntry(EXEC_EVENT, code == 0 ? "success" : "failed", id, null, null, null, who.user(),
                    who.origin(), hc.host(), CoreSteps.iso(start), CoreSteps.iso(end), Duration.between(start, end).toMillis(),
                    code == 0 ? null : "exit status " + code, null, command, null, null, null));
            return new ExecResult(hc.host(), id, code);
        }
    }

    /** The exec command line: PATH and VIRTUAL_ENV name the release's venv, the helper loads the env file, then execs argv. */
    public Command execCommand(ReleaseLayout layout, String id, List<String> argv) {
        String python = layout.venvPython(id);
        String venv = python.substring(0, python.lastIndexOf("/bin/"));
        List<String> run = new ArrayList<>(Manage.helperRun(layout, id, env.django()));
        run.addAll(argv);
        Command path = Command.sh("PATH=" + Shell.quote(venv + "/bin") + ":\"$PATH\" VIRTUAL_ENV=" + Shell.quote(venv)
                + "; export PATH VIRTUAL_ENV");
        Command c = path.then(Command.of(run).in(Manage.projectDir(layout, id, env.django())));
        return new Command(c.script(), null, EXEC_TIMEOUT);
    }

    /**
     * The app's web and worker logs on one host, whichever the host uses: supervisor's log files
     * under /var/log/APP (the programs djdeploy's templates write), else journald's units
     * APP-web, APP-web@COLOR, APP-celery and APP-beat. Lines go to {@code sink} as they come; tail's
     * "==> file <==" headers say which file the next lines are from.
     */
    public int logs(HostConfig hc, int lines, boolean follow, OutputSink sink) throws TransportException, InterruptedException {
        try (Transport t = transports.apply(hc)) {
            t.connect();
            learnEnvFile(t);
            return t.run(logsCommand(lines, follow), sink).exitCode();
        }
    }

    public Command logsCommand(int lines, boolean follow) {
        String app = env.app();
        String dir = "/var/log/" + app;
        String n = Integer.toString(lines);
        String script = "d=" + Shell.quote(dir) + "; set --; for f in web web-blue web-green celery beat; do"
                + " if [ -f \"$d/$f.log\" ]; then set -- \"$@\" \"$d/$f.log\"; fi; done;"
                + " if [ $# -gt 0 ]; then exec tail -v -n " + n + (follow ? " -F" : "") + " -- \"$@\"; fi;"
                + " if command -v journalctl >/dev/null 2>&1; then exec journalctl --no-pager -o short-iso -n " + n + (follow ? " -f" : "")
                + " -u " + Shell.quote(app + "-web") + " -u " + Shell.quote(app + "-web@*") + " -u " + Shell.quote(app + "-celery")
                + " -u " + Shell.quote(app + "-beat") + "; fi;"
                + " echo \"djdeploy: no logs: no $d/*.log and no journalctl\" >&2; exit 3";
        return new Command(script, null, follow ? FOLLOW_TIMEOUT : Command.DEFAULT_TIMEOUT);
    }

    /** The env file's values into the redactor; an unreadable file leaves the config's secrets (the host's problem, said by check). */
    private void learnEnvFile(Transport t) throws TransportException, InterruptedException {
        if (env.django().envFile() == null) return;
        CommandResult r = t.run(CoreSteps.envFileCommand(env));
        if (r.ok()) redactor.addEnvFile(r.stdout());
    }
}
