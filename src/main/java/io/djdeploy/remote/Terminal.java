package io.djdeploy.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The user's own terminal, handed to an interactive command ({@code exec} on a TTY): its type and
 * size for the pty the host opens, its keystrokes in and the command's bytes out, unfiltered.
 */
public interface Terminal {
    /** {@code $TERM}, for the remote pty (what curses and readline on the host draw for). */
    String type();

    int columns();

    int lines();

    InputStream in();

    OutputStream out();

    /**
     * Puts the terminal in raw mode until the returned handle is closed: the remote pty echoes and
     * edits lines itself, and Ctrl-C must reach it as a byte (it interrupts the remote command,
     * not djdeploy).
     */
    Restore raw() throws IOException;

    /**
     * While a program on this machine has the terminal itself (inherited): Ctrl-C and Ctrl-\ go
     * to the whole foreground group, so djdeploy ignores them until closed and the program alone
     * decides (Python's shell shows KeyboardInterrupt and goes on).
     */
    Restore handOver();

    /**
     * Calls {@code resized} with the new columns and lines each time the terminal changes size, until
     * the handle is closed (so the host's pty follows the window). Default: never.
     */
    default Restore onResize(java.util.function.BiConsumer<Integer, Integer> resized) {
        return () -> { };
    }

    /** Undoes {@link #raw()} or {@link #handOver()}; never fails (a terminal that cannot be restored is said on stderr). */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }
}
