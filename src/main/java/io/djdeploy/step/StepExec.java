package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;

/** What a running step may do: run commands on its host, with output streamed as events. */
public final class StepExec {
    private final HostRun host;
    private final RunContext ctx;
    private final EventSink events;

    public StepExec(HostRun host, RunContext ctx, EventSink events) {
        this(host, ctx, events, System.currentTimeMillis());
    }

    /** @param started this machine's clock when the step's commands were sent (a shared script: when it was) */
    public StepExec(HostRun host, RunContext ctx, EventSink events, long started) {
        this.host = host;
        this.ctx = ctx;
        this.events = events;
        this.started = started;
    }

    private final long started;

    public HostRun host() { return host; }

    /**
     * This machine's clock when the step's commands were sent (a shared script: when the script
     * was), for checks that compare the host's clock with ours.
     */
    public long started() { return started; }
    public RunContext ctx() { return ctx; }

    private final java.util.List<String> failedChecks = new java.util.ArrayList<>();

    /** Reports one check (stable id, one line, how to fix); the step fails later if any failed. */
    public void report(String id, boolean ok, String detail, String fix) {
        events.emit(new Event.Check(host.name(), id, ok, ctx.redactor().apply(detail), fix));
        if (!ok) failedChecks.add(id);
    }

    /** Fails the step when any reported check failed, naming them all. */
    public void failOnChecks() throws StepFailure {
        if (!failedChecks.isEmpty()) throw new StepFailure("failed checks: " + String.join(", ", failedChecks));
    }

    public void warn(String message) {
        events.emit(new Event.Warning(host.name(), message));
    }

    public void info(String message) {
        events.emit(new Event.Info(host.name(), message));
    }

    /** Runs and streams output; the caller inspects the result. */
    public CommandResult run(Command c) throws TransportException, InterruptedException {
        return host.transport().run(c, (stream, line) ->
                events.emit(new Event.Output(host.name(), stream.name().toLowerCase(java.util.Locale.ROOT), line)));
    }

    /** Runs and streams output; stdout lines that start with {@code info} (when not null) are info lines. */
    public CommandResult run(Command c, String info) throws TransportException, InterruptedException {
        return info == null ? run(c) : host.transport().run(c, (stream, line) -> line(stream, line, info));
    }

    /** One line a command printed, as an event: an info line when stdout's starts with {@code info}. */
    public void line(io.djdeploy.remote.OutputSink.Stream stream, String line, String info) {
        events.emit(info != null && stream == io.djdeploy.remote.OutputSink.Stream.STDOUT && line.startsWith(info)
                ? new Event.Info(host.name(), line)
                : new Event.Output(host.name(), stream.name().toLowerCase(java.util.Locale.ROOT), line));
    }

    /** Runs on another transport (the deploying machine, for local hooks), its output streamed as this step's. */
    public CommandResult runOn(io.djdeploy.remote.Transport other, Command c) throws TransportException, InterruptedException {
        return other.run(c, (stream, line) ->
                events.emit(new Event.Output(host.name(), stream.name().toLowerCase(java.util.Locale.ROOT), line)));
    }

    /** Runs quietly (no output events): for queries whose output the step parses. */
    public CommandResult query(Command c) throws TransportException, InterruptedException {
        return host.transport().run(c);
    }

    /** Runs and fails the step on a non-zero exit, with the command and its last lines. */
    public CommandResult check(Command c) throws StepFailure, TransportException, InterruptedException {
        CommandResult r = run(c);
        if (!r.ok()) throw new StepFailure("command failed with exit status " + r.exitCode(), c.script(), r.exitCode(), r.tail());
        return r;
    }

    /**
     * As {@link #check}, for a command that says what it decided on the host (a venv copied, old
     * releases removed): its standard output lines that start with {@code prefix} are info
     * lines, as if the step had said them; the rest is output as usual.
     */
    public CommandResult check(Command c, String prefix) throws StepFailure, TransportException, InterruptedException {
        CommandResult r = run(c, prefix);
        if (!r.ok()) throw new StepFailure("command failed with exit status " + r.exitCode(), c.script(), r.exitCode(), r.tail());
        return r;
    }

    public void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException {
        host.transport().upload(content, path, mode);
    }
}
