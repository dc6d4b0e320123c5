package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.ForwardingTransport;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;

import java.nio.charset.StandardCharsets;

/**
 * Keeps secrets off process command lines. A transport hands a command's text to
 * {@code sh -c TEXT} (over SSH, also to the login shell), where any user on the host can read
 * it in {@code ps} or {@code /proc/PID/cmdline}. A command whose text holds a known secret (a
 * reload hook marked {@code secret: true}, say) is sent instead as the standard input of a
 * fixed script that reads it whole and evaluates it: the command lines show only that fixed
 * script. The text is read to its end before it runs, so the commands in it see an empty
 * standard input, as they do otherwise.
 */
public final class PrivateScripts extends ForwardingTransport {
    /** Reads exactly N bytes (the script), then evaluates it; the rest of stdin is the command's own. */
    static final String READER = "s=$(dd bs=1 count=%d 2>/dev/null) && eval \"$s\"";
    private final Redactor redactor;

    private PrivateScripts(Transport inner, Redactor redactor) {
        super(inner);
        this.redactor = redactor;
    }

    public static Transport wrap(Transport t, Redactor redactor) {
        return t == null || t instanceof PrivateScripts ? t : new PrivateScripts(t, redactor);
    }

    /** The command as it reaches the host: unchanged, or its text moved to standard input. */
    public static Command offArgv(Command c, Redactor redactor) {
        if (!redactor.holdsSecret(c.script())) return c;
        byte[] script = c.script().getBytes(StandardCharsets.UTF_8);
        byte[] own = c.stdin() == null ? new byte[0] : c.stdin();
        byte[] in = new byte[script.length + own.length];
        System.arraycopy(script, 0, in, 0, script.length);
        System.arraycopy(own, 0, in, script.length, own.length);
        return new Command(String.format(java.util.Locale.ROOT, READER, script.length), in, c.timeout());
    }

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        return inner.run(offArgv(command, redactor), sink);
    }

    /** A terminal session's stdin is the person's keystrokes: a secret in its text cannot move there, so it is refused. */
    @Override
    public int interactive(Command command, io.djdeploy.remote.Terminal terminal) throws TransportException, InterruptedException {
        if (redactor.holdsSecret(command.script())) {
            throw new TransportException(inner.host(), "an interactive command cannot carry a secret on its command line");
        }
        return inner.interactive(command, terminal);
    }

    /** A shared script holds each command's text: when one holds a secret, the whole script goes by standard input. */
    @Override
    public CommandResult run(io.djdeploy.remote.Batch batch, OutputSink sink) throws TransportException, InterruptedException {
        Command c = batch.command();
        return redactor.holdsSecret(c.script()) ? inner.run(offArgv(c, redactor), sink) : inner.run(batch, sink);
    }
}
