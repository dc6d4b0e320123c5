package io.djdeploy.remote.ssh;

import io.djdeploy.remote.Shell;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import java.time.Duration;

/** How a command travels over a channel: the text sshd runs, opening under MaxSessions, exit by signal. */
final class SshChannels {
    private SshChannels() {}

    /** Marks every process a command starts, so that a timed-out command can be killed with its children. */
    static final String RUN_MARKER = "DJDEPLOY_RUN";

    /**
     * The text sent to sshd, which hands it to the login shell: run the script with /bin/sh
     * as LocalTransport does, whatever the login shell is, and mark its processes.
     */
    static String remoteCommand(String script, String runId) {
        return "exec env LC_ALL=C.UTF-8 " + RUN_MARKER + "=" + runId + " /bin/sh -c " + Shell.quote(script);
    }

    interface Opener<T> {
        T open() throws IOException;
    }

    /**
     * Opens a channel, waiting while sshd says no because of MaxSessions: sshd frees a
     * session slot a moment after the channel is closed on our side, and an admin may have
     * set MaxSessions below {@link SshOptions#maxChannels()}.
     */
    static <T> T withOpenRetry(ClientSession s, Duration patience, Opener<T> opener) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = 20;
        while (true) {
            try {
                return opener.open();
            } catch (IOException e) {
                // OpenSSH refuses a session over MaxSessions with SSH_OPEN_CONNECT_FAILED, "open failed"
                boolean refused = cause(e, SshChannelOpenException.class) != null;
                if (!refused || !s.isOpen() || System.nanoTime() > deadline) throw e;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 500);
        }
    }

    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Linux signal numbers, for a command killed by a signal: 128 + n, as a shell reports it. */
    static int signalNumber(String signal) {
        String s = signal.startsWith("SIG") ? signal.substring(3) : signal;
        return switch (s) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ILL" -> 4;
            case "TRAP" -> 5;
            case "ABRT" -> 6;
            case "BUS" -> 7;
            case "FPE" -> 8;
            case "KILL" -> 9;
            case "USR1" -> 10;
            case "SEGV" -> 11;
            case "USR2" -> 12;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            case "TERM" -> 15;
            default -> 0;
        };
    }

    /** How long killing a timed-out command's leftovers may take. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Kills what a timed-out or interrupted command left running. sshd does not signal a
     * command when its channel closes (without a pty), so the command and its children would
     * run on; they carry {@link #RUN_MARKER} in their environment.
     */
    static void kill(ClientSession s, java.util.concurrent.Semaphore channels, Duration connectTimeout, String runId) {
        String script = "pids=$(grep -lzx " + Shell.quote(RUN_MARKER + "=" + runId) + " /proc/[0-9]*/environ 2>/dev/null"
                + " | sed -e 's|^/proc/||' -e 's|/environ$||'); [ -z \"$pids\" ] || kill -KILL $pids 2>/dev/null; exit 0";
        try {
            if (!channels.tryAcquire(SshChannels.KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (ChannelExec ch = withOpenRetry(s, connectTimeout, () -> {
            ChannelExec c = s.createExecChannel(script);
            c.open().verify(SshChannels.KILL_TIMEOUT);
            return c;
        })) {
            ch.getInvertedIn().close();
            ch.waitFor(Set.of(ClientChannelEvent.CLOSED), SshChannels.KILL_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            // best effort: the connection may be the thing that failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channels.release();
        }
    }
}
