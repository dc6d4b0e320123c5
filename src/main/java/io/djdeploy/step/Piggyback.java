package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.ForwardingTransport;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Terminal;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A short command that must run on the host before anything else changes there, but that needs
 * no round trip of its own: it rides at the front of the next command (issue 18). The run's
 * "started" ledger line is one: written once the rollback target is known, it reaches the host
 * in the same round trip as the switch that follows, and still before it. Its standard input
 * (the ledger line) becomes a here-document, its output is discarded, and its exit status comes
 * back on one marker line that this wrapper removes again, so the next command's output, exit
 * status and events are exactly its own. A failure is handed to the callback (a warning, as
 * when the line was written alone). An upload cannot carry it: the command then runs alone first.
 */
public final class Piggyback extends ForwardingTransport {
    private final String nonce = UUID.randomUUID().toString().replace("-", "");
    private Pending pending;

    private record Pending(Command command, Consumer<String> onFailure) {}

    private Piggyback(Transport inner) {
        super(inner);
    }

    public static Transport wrap(Transport t) {
        return t == null || t instanceof Piggyback ? t : new Piggyback(t);
    }

    /**
     * Runs {@code c} at the front of the next command on this host (its stdin, if any, must be
     * text). @return false when this transport cannot carry it (the caller runs it alone)
     */
    public static boolean before(Transport t, Command c, Consumer<String> onFailure) {
        if (!(t instanceof Piggyback p)) return false;
        synchronized (p) {
            if (p.pending != null) return false;
            p.pending = new Pending(c, onFailure);
        }
        return true;
    }

    private synchronized Pending take() {
        Pending p = pending;
        pending = null;
        return p;
    }

    /** The pending command, its exit status on a marker line, then {@code c}: one script. */
    String combined(Command pre, Command c) {
        return prefix(pre) + c.script();
    }

    /** What runs before the next command: the pending one, its output discarded, its status on the marker line. */
    private String prefix(Command pre) {
        String delimiter = "DJDEPLOY_" + nonce;
        StringBuilder s = new StringBuilder("{ ").append(pre.script()).append("\n} >/dev/null 2>&1");
        if (pre.stdin() != null) {
            String in = new String(pre.stdin(), StandardCharsets.UTF_8);
            s.append(" <<'").append(delimiter).append("'\n").append(in).append(in.endsWith("\n") ? "" : "\n").append(delimiter);
        } else {
            s.append(" </dev/null");
        }
        s.append("\nprintf '%s %s\\n' ").append(marker()).append(" \"$?\"\n");
        return s.toString();
    }

    private String marker() {
        return "@@" + nonce + "-pre";
    }

    /** A shared script carries it the same way, at its front. */
    @Override
    public CommandResult run(io.djdeploy.remote.Batch batch, OutputSink sink) throws TransportException, InterruptedException {
        Pending p = take();
        if (p == null) return inner.run(batch, sink);
        return carried(p, sink, filter -> inner.run(batch.after(p.command(), prefix(p.command()), marker()), filter));
    }

    private interface Send {
        CommandResult send(OutputSink filter) throws TransportException, InterruptedException;
    }

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        Pending p = take();
        if (p == null) return inner.run(command, sink);
        return carried(p, sink, filter -> inner.run(new Command(combined(p.command(), command), command.stdin(), command.timeout()), filter));
    }

    private CommandResult carried(Pending p, OutputSink sink, Send send) throws TransportException, InterruptedException {
        String marker = marker() + " ";
        String[] status = {null};
        OutputSink filter = (stream, line) -> {
            if (status[0] == null && stream == OutputSink.Stream.STDOUT && line.startsWith(marker)) {
                status[0] = line.substring(marker.length()).strip();
                return;
            }
            sink.line(stream, line);
        };
        CommandResult r = send.send(filter);
        String out = r.stdout();
        int at = out.indexOf(marker);
        if (at >= 0) {
            int end = out.indexOf('\n', at);
            if (status[0] == null) status[0] = out.substring(at + marker.length(), end < 0 ? out.length() : end).strip();
            out = out.substring(0, at) + (end < 0 ? "" : out.substring(end + 1));
        }
        List<String> tail = new ArrayList<>(r.tail());
        tail.removeIf(l -> l.startsWith(marker));
        if (!"0".equals(status[0])) {
            p.onFailure().accept(status[0] == null ? "it did not run (exit " + r.exitCode() + ")" : "exit status " + status[0]);
        }
        return new CommandResult(r.exitCode(), out, r.stderr(), List.copyOf(tail), r.duration());
    }

    @Override
    public void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException {
        runPendingAlone();
        inner.upload(content, path, mode);
    }

    /** A terminal session cannot carry it either: it runs alone first, still before the session. */
    @Override
    public int interactive(Command command, Terminal terminal) throws TransportException, InterruptedException {
        runPendingAlone();
        return inner.interactive(command, terminal);
    }

    private void runPendingAlone() throws TransportException, InterruptedException {
        Pending p = take();
        if (p != null) {
            CommandResult r = inner.run(p.command());
            if (!r.ok()) p.onFailure().accept("exit status " + r.exitCode());
        }
    }
}
