package io.djdeploy.remote.ssh;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputCapture;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reaches one host over SSH (Apache MINA SSHD): one connection per host for the whole run,
 * a new channel per command or upload, strict known_hosts, keys from files, ~/.ssh/config
 * or ssh-agent. Commands behave as with {@link io.djdeploy.remote.LocalTransport}: the same
 * shell text through {@code /bin/sh -c}, the same output capture, the same timeout handling.
 */
public final class SshTransport implements Transport {
    private static final AtomicLong TOTAL_CONNECTIONS = new AtomicLong();

    private final SshTarget target;
    private final SshOptions options;
    private final Semaphore channels;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger roundTrips = new AtomicInteger();
    private final AtomicReference<String> hostKeyRefusal = new AtomicReference<>();
    private final Object lock = new Object();
    private final List<String> notes = new ArrayList<>();

    private SshClient client;
    private volatile ClientSession session;
    private volatile String address;
    private boolean closed;

    public SshTransport(SshTarget target, SshOptions options) {
        this.target = target;
        this.options = options == null ? SshOptions.defaults() : options;
        this.channels = new Semaphore(this.options.maxChannels(), true);
    }

    @Override
    public String host() {
        return target.host();
    }

    /** SSH connections this transport opened: 1 for a whole run (what the benchmark reports per host). */
    @Override
    public int connectionsOpened() {
        return connections.get();
    }

    @Override
    public int roundTrips() {
        return roundTrips.get();
    }

    /** SSH connections opened by every transport in this JVM. */
    public static long connectionsOpenedTotal() {
        return TOTAL_CONNECTIONS.get();
    }

    /** {@code user@hostname:port} as resolved through ~/.ssh/config, once connected. */
    public String address() {
        return address;
    }

    /** Things worth telling the user about the connection, e.g. a host key added to known_hosts. */
    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    @Override
    public void connect() throws TransportException {
        synchronized (lock) {
            if (closed) throw new TransportException(host(), "the ssh connection was already closed");
            if (session != null) {
                if (session.isOpen()) return;
                throw new TransportException(host(), "the ssh connection to " + address + " was lost");
            }
            open();
        }
    }

    private ClientSession session() throws TransportException {
        ClientSession s = session;
        if (s == null) {
            connect();
            s = session;
        }
        if (!s.isOpen() || s.isClosing()) throw new TransportException(host(), "the ssh connection to " + address + " was lost");
        return s;
    }

    // ---- connecting --------------------------------------------------------------------------

    private void open() throws TransportException {
        hostKeyRefusal.set(null);
        HostConfigEntryResolver resolver = SshConnect.resolver(options.resolvedSshConfig());
        HostConfigEntry entry = resolve(resolver);
        String hostName = entry.getHostName();
        int port = entry.getPort();
        String via = entry.getProxyJump() == null || entry.getProxyJump().isBlank() ? "" : " (via " + entry.getProxyJump() + ")";
        String label = hostName + ":" + port + via;
        address = entry.getUsername() + "@" + hostName + ":" + port;

        List<Path> explicit = new ArrayList<>();
        if (options.identityFile() != null) explicit.add(options.identityFile());
        for (String id : entry.getIdentities()) explicit.add(SshConnect.expandHome(id));
        List<Path> defaults = new ArrayList<>();
        if (explicit.isEmpty()) {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) defaults.add(options.resolvedSshDir().resolve(name));
        }
        UnixAgent.Factory agent = SshConnect.agentFactory(entry, options);
        String passphrase = options.env().get(SshOptions.PASSPHRASE_ENV);
        Identities.Loaded ids;
        try {
            ids = Identities.load(explicit, defaults, passphrase, agent != null);
        } catch (IOException e) {
            throw new TransportException(host(), e.getMessage(), e);
        }
        // we load the keys ourselves (above) and offer the agent ourselves; MINA must not do either again
        entry.setIdentities(List.of());
        entry.setIdentitiesOnly(false);

        // as ssh does, HostKeyAlias names the host in known_hosts instead of HostName and port
        String alias = entry.getProperty("HostKeyAlias");
        KnownHosts knownHosts = KnownHosts.of(options, KnownHosts.GLOBAL);

        SshClient c = SshConnect.client(options, resolver, SshConnect.verifier(knownHosts, hostName, port, alias, hostKeyRefusal, notes),
                alias != null ? knownHosts.knownTypes(alias, 22) : knownHosts.knownTypes(hostName, port), ids, passphrase, agent);
        c.start();
        client = c;

        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        ClientSession s = null;
        try {
            ConnectFuture cf = c.connect(entry, null, null);
            if (!cf.await(remainingMillis(deadline))) {
                cf.cancel();
                throw failure(label + ": timed out after " + SshConnect.human(options.connectTimeout()), null);
            }
            if (cf.getException() != null) {
                String refusal = hostKeyRefusal.get(); // a ProxyJump hop's key is checked before the connect completes
                throw failure(refusal != null ? refusal : label + ": " + SshConnect.describe(cf.getException()), cf.getException());
            }
            s = cf.getSession();
            connections.incrementAndGet();
            TOTAL_CONNECTIONS.incrementAndGet();
            AuthFuture af = s.auth();
            boolean done = af.await(remainingMillis(deadline));
            if (hostKeyRefusal.get() != null) throw failure(hostKeyRefusal.get(), null);
            if (!done) throw failure(label + ": timed out after " + SshConnect.human(options.connectTimeout())
                    + " (key exchange or authentication)", null);
            if (!af.isSuccess()) {
                Throwable e = af.getException();
                if (hostKeyRefusal.get() != null) throw failure(hostKeyRefusal.get(), e);
                throw failure(SshConnect.authFailure(address, ids, agent, e), e);
            }
            session = s;
        } catch (IOException e) {
            String refusal = hostKeyRefusal.get();
            throw failure(refusal != null ? refusal : label + ": " + SshConnect.describe(e), e);
        } finally {
            if (session == null) {
                if (s != null) awaitClose(s.close(true));
                stopClient();
            }
        }
    }

    private TransportException failure(String message, Throwable cause) {
        return new TransportException(host(), message, cause);
    }

    private HostConfigEntry resolve(HostConfigEntryResolver resolver) throws TransportException {
        try {
            return resolver.resolveEffectiveHost(target.host(), target.port(), null, target.user(), null, null);
        } catch (IOException | RuntimeException e) {
            throw failure("cannot read " + options.resolvedSshConfig() + ": " + e.getMessage(), e);
        }
    }

    // ---- commands ----------------------------------------------------------------------------

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        ClientSession s = session();
        roundTrips.incrementAndGet();
        long start = System.nanoTime();
        String runId = UUID.randomUUID().toString();
        channels.acquire();
        boolean permit = true;
        ChannelExec ch = null;
        try {
            String remote = SshChannels.remoteCommand(command.script(), runId);
            try {
                ch = SshChannels.withOpenRetry(s, options.connectTimeout(), () -> {
                    ChannelExec c = s.createExecChannel(remote);
                    c.setAgentForwarding(options.forwardAgent()); // ssh.forward_agent: the host's git reaches our agent
                    try {
                        c.open().verify(options.connectTimeout());
                        return c;
                    } catch (IOException e) {
                        c.close(true);
                        throw e;
                    }
                });
            } catch (IOException e) {
                throw lostOr(s, "cannot open an ssh channel on " + address + ": " + SshConnect.describe(e), e);
            }
            CompletableFuture<Void> closedFuture = new CompletableFuture<>();
            ch.addCloseFutureListener(f -> closedFuture.complete(null)); // runs at once if already closed
            OutputCapture out = new OutputCapture(ch.getInvertedOut(), OutputSink.Stream.STDOUT, sink);
            OutputCapture err = new OutputCapture(ch.getInvertedErr(), OutputSink.Stream.STDERR, sink);
            Thread to = out.start("ssh-out-" + host());
            Thread te = err.start("ssh-err-" + host());
            OutputStream stdin = ch.getInvertedIn();
            byte[] input = command.stdin();
            // in a thread of its own, so that a command that never reads its input still times out
            SshChannels.daemon(() -> {
                try (stdin) {
                    if (input != null) stdin.write(input);
                } catch (IOException e) {
                    // the command did not read its input; its exit status tells the rest
                }
            }, "ssh-in-" + host());
            try {
                closedFuture.get(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ch.close(true);
                channels.release();
                permit = false;
                SshChannels.kill(s, channels, options.connectTimeout(), runId);
                throw new TransportException(host(), "command timed out after " + SshConnect.human(command.timeout()) + ": " + command.script());
            } catch (InterruptedException e) {
                ch.close(true);
                channels.release();
                permit = false;
                SshChannels.kill(s, channels, options.connectTimeout(), runId);
                throw e;
            } catch (ExecutionException e) {
                throw new TransportException(host(), "ssh channel failed: " + SshConnect.describe(e.getCause()), e.getCause());
            }
            to.join(TimeUnit.SECONDS.toMillis(5));
            te.join(TimeUnit.SECONDS.toMillis(5));
            Integer status = ch.getExitStatus();
            String signal = ch.getExitSignal();
            if (status == null && signal != null) status = 128 + SshChannels.signalNumber(signal);
            if (status == null) {
                throw lostOr(s, "no exit status from " + address + " for: " + command.script(), null);
            }
            return new CommandResult(status, out.text(), err.text(), OutputCapture.tail(out, err), Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (ch != null && !ch.isClosed()) ch.close(true);
            if (permit) channels.release();
        }
    }

    @Override
    public int interactive(Command command, io.djdeploy.remote.Terminal terminal) throws TransportException, InterruptedException {
        ClientSession s = session();
        roundTrips.incrementAndGet();
        channels.acquire();
        try {
            // with a pty, sshd hangs up the command when the channel closes: no marker needed to kill leftovers
            String remote = SshChannels.remoteCommand(command.script(), UUID.randomUUID().toString());
            return SshTerminal.run(s, remote, terminal, options.connectTimeout(), options.forwardAgent(), command.timeout());
        } catch (IOException e) {
            throw lostOr(s, "interactive command on " + address + ": " + SshConnect.describe(e), e);
        } finally {
            channels.release();
        }
    }

    private TransportException lostOr(ClientSession s, String message, Throwable cause) {
        if (!s.isOpen() || s.isClosing()) {
            return new TransportException(host(), "the ssh connection to " + address + " was lost", cause);
        }
        return new TransportException(host(), message, cause);
    }

    // ---- uploads -----------------------------------------------------------------------------

    @Override
    public void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException {
        ClientSession s = session();
        roundTrips.incrementAndGet();
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.isEmpty()) throw new TransportException(host(), "cannot write " + path + ": not a file name");
        String tmp = (dir.equals("/") ? "" : dir) + "/." + name + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp";
        IOException noSftp = null;
        channels.acquire();
        try {
            SftpClient opened = null;
            try {
                opened = SshChannels.withOpenRetry(s, options.connectTimeout(), () -> SftpClientFactory.instance().createSftpClient(s));
            } catch (IOException e) {
                if (!s.isOpen() || s.isClosing()) throw e;
                noSftp = e; // no SFTP subsystem on this host: see below
            }
            if (opened != null) {
                try (SftpClient sftp = opened) {
                    SftpFiles.write(sftp, dir, tmp, path, content, mode);
                }
            }
        } catch (IOException e) {
            throw lostOr(s, "cannot write " + path + " on " + address + ": " + SshConnect.describe(e), e);
        } finally {
            channels.release();
        }
        if (noSftp != null) uploadWithShell(content, path, dir, mode);
    }

    /** For a host without the SFTP subsystem: the same temp file + rename, through the shell. */
    void uploadWithShell(byte[] content, String path, String dir, int mode) throws TransportException, InterruptedException {
        String script = "set -e; mkdir -p -- " + Shell.quote(dir) + "; tmp=$(mktemp " + Shell.quote(dir + "/.upload.XXXXXXXX") + ")"
                + "; trap 'rm -f -- \"$tmp\"' EXIT; cat > \"$tmp\"; chmod " + Integer.toOctalString(mode & 07777) + " \"$tmp\""
                + "; mv -f -- \"$tmp\" " + Shell.quote(path) + "; trap - EXIT";
        CommandResult r = run(new Command(script, content, Duration.ofMinutes(5)), OutputSink.NONE);
        if (!r.ok()) {
            throw new TransportException(host(), "cannot write " + path + " on " + address + ": " + r.stderr().strip());
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            ClientSession s = session;
            // every command has finished by now: nothing is lost by closing at once, and a
            // graceful close would cost a round trip or more per host at the end of each run
            if (s != null) awaitClose(s.close(true));
            stopClient();
        }
    }

    /**
     * Stops the client once its sessions are closed: stopping it with I/O still in flight
     * makes the JDK's channel group report "Executor has been shut down" on stderr.
     */
    private void stopClient() {
        SshClient c = client;
        client = null;
        if (c != null && !awaitClose(c.close(true))) c.stop();
    }

    private static boolean awaitClose(org.apache.sshd.common.future.CloseFuture f) {
        try {
            return f.await(TimeUnit.SECONDS.toMillis(5));
        } catch (IOException e) {
            return false;
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
