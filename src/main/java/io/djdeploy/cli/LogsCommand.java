package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.pipeline.HostCommands;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `djdeploy logs ENV`: the web and worker logs of each host (supervisor's files or journald), each line prefixed by its host. */
@Command(name = "logs", description = "Show the web and worker logs (supervisor's log files or journald, whichever the host uses), "
        + "each line prefixed by its host; --follow keeps them coming until Ctrl-C.")
class LogsCommand extends EnvCommand {
    @Option(names = "--host", paramLabel = "HOST", description = "Only this host.")
    String host;

    @Option(names = "--role", paramLabel = "ROLE", description = "Only hosts with this role.")
    String role;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Option(names = "-n", paramLabel = "N", defaultValue = "50", description = "Lines of each log to show first (default: ${DEFAULT-VALUE}).")
    int lines;

    /** tail -v's header before the lines of each file. */
    private static final Pattern HEADER = Pattern.compile("^==> .*/([^/]+?)(\\.log)? <==$");

    @Override
    public Integer call() throws InterruptedException {
        if (lines < 0) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-n must be 0 or more, got " + lines);
        EnvironmentConfig env = env();
        List<HostConfig> targets = env.hosts().stream()
                .filter(h -> host == null || h.host().equals(host))
                .filter(h -> role == null || h.roles().contains(role)).toList();
        if (targets.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no host of environment " + env.name() + " matches"
                    + (host != null ? " --host " + host : "") + (role != null ? " --role " + role : ""));
        }
        HostCommands hosts = new HostCommands(env, filter.transports(env), Identity.current(System.getenv()), Clock.systemUTC(),
                redactor, Helper.bytes());
        JsonRenderer json = output.json() ? new JsonRenderer(out(), redactor) : null;
        PrintWriter out = out();
        // several hosts' logs at once only when following; otherwise one host after the other reads better
        ExecutorService pool = Executors.newFixedThreadPool(follow ? targets.size() : 1, r -> {
            Thread t = new Thread(r, "djdeploy-logs");
            t.setDaemon(true);
            return t;
        });
        List<Future<Integer>> runs = new ArrayList<>();
        for (HostConfig h : targets) {
            String[] source = {null};
            OutputSink sink = (stream, line) -> {
                Matcher m = HEADER.matcher(line);
                if (m.matches()) {
                    source[0] = m.group(1);
                    return;
                }
                if (line.isEmpty()) return; // tail's blank line between files
                synchronized (out) {
                    if (json != null) {
                        json.value("log", source[0] == null ? Map.of("host", h.host(), "line", line)
                                : Map.of("host", h.host(), "source", source[0], "line", line));
                    } else {
                        out.println("[" + h.host() + "] " + (source[0] != null ? source[0] + " | " : "")
                                + TextRenderer.terminalSafe(redactor.apply(line), false));
                        out.flush();
                    }
                }
            };
            runs.add(pool.submit(() -> hosts.logs(h, lines, follow, sink)));
        }
        int code = 0;
        try {
            for (Future<Integer> f : runs) {
                int c = f.get();
                if (c != 0 && code == 0) code = c;
            }
        } catch (InterruptedException e) {
            // Ctrl-C or a test's cancel: the transports kill what runs on the hosts
            pool.shutdownNow();
            return ExitCode.INTERRUPTED.code;
        } catch (java.util.concurrent.ExecutionException e) {
            pool.shutdownNow();
            if (e.getCause() instanceof TransportException te) throw new CliException(ExitCode.CONNECT, te.host() + ": " + te.getMessage());
            throw new CliException(ExitCode.FAILURE, String.valueOf(e.getCause()), e.getCause());
        }
        pool.shutdown();
        // a host without any log says so on stderr (exit 3 from the host's script): not a djdeploy failure code
        return code == 0 ? 0 : ExitCode.FAILURE.code;
    }
}
