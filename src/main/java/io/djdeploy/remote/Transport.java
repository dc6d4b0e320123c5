package io.djdeploy.remote;

/**
 * How djdeploy reaches one host. Implementations: {@link LocalTransport} (this machine)
 * and, later, SSH. One transport instance per host per run, reused for every command.
 */
public interface Transport extends AutoCloseable {
    /** The host name as configured, for messages and output prefixes. */
    String host();

    void connect() throws TransportException;

    /** Runs a command through the host's POSIX shell, streaming output to {@code sink}. */
    CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException;

    default CommandResult run(Command command) throws TransportException, InterruptedException {
        return run(command, OutputSink.NONE);
    }

    /**
     * Runs a command on the user's terminal, for a person at it ({@code exec} on a TTY): a pty on
     * the host, keystrokes in and output out as bytes, not through the line redactor (the session
     * is the user's own terminal). Returns the command's exit status.
     */
    default int interactive(Command command, Terminal terminal) throws TransportException, InterruptedException {
        throw new TransportException(host(), "cannot open an interactive terminal on " + host());
    }

    /**
     * Runs several commands as one script, one round trip ({@link Batch}); the output carries
     * the boundaries that {@link BatchOutput} cuts it at. A test host answers the commands one by
     * one instead ({@link Batch#simulate}).
     */
    default CommandResult run(Batch batch, OutputSink sink) throws TransportException, InterruptedException {
        return run(batch.command(), sink);
    }

    /** Writes a file on the host (created or replaced), with the given mode. */
    void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException;

    /** Connections this transport opened (SSH: must be 1 for a whole run; local: 0). */
    default int connectionsOpened() {
        return 0;
    }

    /**
     * Round trips this transport made: one per command run or file written (each is its own
     * SSH channel and waits for the host's answer). Reported per host at the end of a run so
     * the cost of a phase's commands is visible (issue 18); 0 where not counted.
     */
    default int roundTrips() {
        return 0;
    }

    @Override
    void close();
}
