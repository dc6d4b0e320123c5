package io.djdeploy.remote.ssh;

import io.djdeploy.remote.Terminal;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * An interactive command over one SSH channel with a pty (what {@code ssh -t HOST CMD} does):
 * the host's pty echoes, edits lines and turns Ctrl-C into SIGINT, so the local terminal goes
 * raw and bytes flow unchanged both ways. The output is not masked: it goes to the person's own
 * terminal, as it would in their own ssh session (the command line and the ledger still never
 * carry a secret). A resized window is passed on, as ssh does.
 */
final class SshTerminal {
    private SshTerminal() {}

    static int run(ClientSession s, String remote, Terminal term, Duration openTimeout, boolean forwardAgent, Duration timeout)
            throws IOException, InterruptedException {
        ChannelExec ch = SshChannels.withOpenRetry(s, openTimeout, () -> {
            ChannelExec c = s.createExecChannel(remote);
            c.setUsePty(true);
            c.setPtyType(term.type());
            c.setPtyColumns(term.columns());
            c.setPtyLines(term.lines());
            c.setAgentForwarding(forwardAgent);
            try {
                c.open().verify(openTimeout);
                return c;
            } catch (IOException e) {
                c.close(true);
                throw e;
            }
        });
        try (ch) {
            Thread out = copy(ch.getInvertedOut(), term.out(), "tty-out");
            Thread err = copy(ch.getInvertedErr(), term.out(), "tty-err");
            OutputStream toHost = ch.getInvertedIn();
            Set<ClientChannelEvent> done;
            try (Terminal.Restore raw = term.raw(); Terminal.Restore resize = term.onResize((columns, lines) -> windowChange(ch, columns, lines))) {
                // keystrokes as they come; a daemon, since the read on the terminal outlives the command
                SshChannels.daemon(() -> pump(term.in(), toHost), "tty-in");
                done = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
                out.join(Duration.ofSeconds(5).toMillis());
                err.join(Duration.ofSeconds(5).toMillis());
            }
            if (!done.contains(ClientChannelEvent.CLOSED)) {
                throw new IOException("interactive command timed out after " + SshConnect.human(timeout));
            }
            Integer status = ch.getExitStatus();
            String signal = ch.getExitSignal();
            if (status == null && signal != null) status = 128 + SshChannels.signalNumber(signal);
            if (status == null) throw new IOException("no exit status from the host");
            return status;
        }
    }

    /** What ssh does on SIGWINCH: the host's pty takes the new size, and the command gets its own SIGWINCH. */
    private static void windowChange(ChannelExec ch, int columns, int lines) {
        try {
            ch.sendWindowChange(columns, lines);
        } catch (IOException e) {
            // the channel is closing: nothing left to resize
        }
    }

    private static Thread copy(InputStream from, OutputStream to, String name) {
        return SshChannels.daemon(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                }
            } catch (IOException e) {
                // the channel closed; its exit status tells the rest
            }
        }, name);
    }

    /** Each chunk flushed at once: a keystroke must not wait for a buffer to fill. End of input closes the host's stdin. */
    private static void pump(InputStream from, OutputStream to) {
        byte[] buf = new byte[1024];
        try (to) {
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the channel closed under us: the command ended
        }
    }
}
