package io.djdeploy.cli;

import io.djdeploy.step.Redactor;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.Identity;
import io.djdeploy.pipeline.Operations;
import io.djdeploy.pipeline.RunResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Base of the commands that act on one environment: parse, load config, call the engine, render. */
abstract class EnvCommand implements Callable<Integer> {
    @Mixin
    ConfigMixin config;

    @Mixin
    OutputMixin output;

    @Mixin
    HostFilterMixin filter;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ENV", description = "Environment from the config, e.g. production.")
    String environment;

    final Redactor redactor = new Redactor();

    /**
     * For commands whose output is a document, not events (checklist: Markdown, export-script: bash):
     * --format json is refused as a usage error rather than silently ignored.
     */
    void refuseJson(String what) {
        if (output.json()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format json: " + spec.name() + " writes " + what + ", not events (use --format text)");
        }
    }

    EnvironmentConfig env() {
        return filter.apply(config.environment(environment, containersSupported()));
    }

    /**
     * Whether this command does the right thing for a {@code runtime: container} environment.
     * The others refuse one with exit 3 (nothing connects): a command that would act on a
     * checkout and venv where the team runs an image must not run at all. A command lifts the
     * refusal by overriding this once it handles images (docs/containers.md).
     */
    boolean containersSupported() {
        return false;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private LiveRenderer live;

    EventSink sink() {
        if (output.json()) return new JsonRenderer(out(), redactor);
        if (liveTerminal()) {
            try {
                live = new LiveRenderer(org.jline.terminal.TerminalBuilder.builder().system(true).build(), output.verbose, redactor,
                        output.style());
                return live;
            } catch (java.io.IOException | RuntimeException e) {
                // no usable terminal after all: plain output
            }
        }
        TextRenderer text = new TextRenderer(out(), output.verbose, redactor, output.style());
        heartbeats = text.heartbeats();
        return text;
    }

    /** The plain log's heartbeat ticker, stopped when the run ends. */
    private AutoCloseable heartbeats;

    /** The live block only on an interactive terminal that can move the cursor. */
    private static boolean liveTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isEmpty() && !"dumb".equals(term)
                && System.getenv("DJDEPLOY_PLAIN") == null && System.getenv("CI") == null;
    }

    private io.djdeploy.pipeline.Notifier notifier;

    Deployer deployer(EnvironmentConfig env, EventSink sink, int parallel) {
        if (!env.notifications().isEmpty()) {
            notifier = new io.djdeploy.pipeline.Notifier(env, sink, redactor, Identity.current(System.getenv()));
            sink = notifier;
        }
        return new Deployer(env, filter.transports(env), sink, redactor, Identity.current(System.getenv()), Clock.systemUTC(), Helper.bytes(), parallel);
    }

    Operations operations(EnvironmentConfig env) {
        return new Operations(env, filter.transports(env), Identity.current(System.getenv()), Clock.systemUTC());
    }

    /** Runs a deploy or rollback with a shutdown hook, so Ctrl-C still unlocks and cleans up. */
    int runWithHook(Deployer d, Function<Deployer, RunResult> action) {
        Thread hook = new Thread(() -> {
            d.cancel();
            try {
                d.awaitFinish(Duration.ofSeconds(120));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "djdeploy-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RunResult r = action.apply(d);
            return exitCode(r);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for us
            }
            d.close();
            // bounded: a slow webhook never holds up the exit for long
            if (notifier != null) notifier.awaitDelivery(Duration.ofSeconds(15));
            if (live != null) live.close();
            if (heartbeats != null) {
                try {
                    heartbeats.close();
                } catch (Exception e) {
                    // a ticker that cannot stop is a daemon thread: the JVM exits anyway
                }
            }
        }
    }

    int exitCode(RunResult r) {
        ExitCode code = ExitCode.of(r);
        // the run's message may quote a host's output: masked, and safe for a terminal
        String message = redactor.apply(r.message());
        if (code != ExitCode.OK) throw new CliException(code, message);
        if (!output.json()) out().println(TextRenderer.terminalSafe(message, false));
        return 0;
    }
}
