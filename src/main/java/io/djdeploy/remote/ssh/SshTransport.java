package io.djdeploy.remote.ssh;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputCapture;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    /** Marks every process a command starts, so that a timed-out command can be killed with its children. */
    static final String RUN_MARKER = "DJDEPLOY_RUN";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);
    private static final AtomicLong TOTAL_CONNECTIONS = new AtomicLong();

    private final SshTarget target;
    private final SshOptions options;
    private final Semaphore channels;
    private final AtomicInteger connections = new AtomicInteger();
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
        HostConfigEntryResolver resolver = resolver(options.resolvedSshConfig());
        HostConfigEntry entry = resolve(resolver);
        String hostName = entry.getHostName();
        int port = entry.getPort();
        String via = entry.getProxyJump() == null || entry.getProxyJump().isBlank() ? "" : " (via " + entry.getProxyJump() + ")";
        String label = hostName + ":" + port + via;
        address = entry.getUsername() + "@" + hostName + ":" + port;

        List<Path> explicit = new ArrayList<>();
        if (options.identityFile() != null) explicit.add(options.identityFile());
        for (String id : entry.getIdentities()) explicit.add(expandHome(id));
        List<Path> defaults = new ArrayList<>();
        if (explicit.isEmpty()) {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) defaults.add(options.resolvedSshDir().resolve(name));
        }
        UnixAgent.Factory agent = agentFactory(entry);
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

        SshClient c = SshClient.setUpDefaultClient();
        c.setHostConfigEntryResolver(resolver); // resolves ProxyJump hops
        c.setServerKeyVerifier(verifier(knownHosts, hostName, port, alias));
        c.setSignatureFactories(signatures(alias != null ? knownHosts.knownTypes(alias, 22) : knownHosts.knownTypes(hostName, port)));
        c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        c.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(ids.keys()));
        c.setFilePasswordProvider(passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase));
        c.setAgentFactory(agent);
        CoreModuleProperties.NIO_WORKERS.set(c, 2);
        CoreModuleProperties.AUTH_TIMEOUT.set(c, options.connectTimeout());
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(c, options.connectTimeout());
        // the keepalive notices a dead peer; an idle connection between two steps is fine
        CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
        if (!options.keepaliveInterval().isZero()) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, options.keepaliveInterval());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, 3);
        }
        c.start();
        client = c;

        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        ClientSession s = null;
        try {
            ConnectFuture cf = c.connect(entry, null, null);
            if (!cf.await(remainingMillis(deadline))) {
                cf.cancel();
                throw failure(label + ": timed out after " + human(options.connectTimeout()), null);
            }
            if (cf.getException() != null) {
                String refusal = hostKeyRefusal.get(); // a ProxyJump hop's key is checked before the connect completes
                throw failure(refusal != null ? refusal : label + ": " + describe(cf.getException()), cf.getException());
            }
            s = cf.getSession();
            connections.incrementAndGet();
            TOTAL_CONNECTIONS.incrementAndGet();
            AuthFuture af = s.auth();
            boolean done = af.await(remainingMillis(deadline));
            if (hostKeyRefusal.get() != null) throw failure(hostKeyRefusal.get(), null);
            if (!done) throw failure(label + ": timed out after " + human(options.connectTimeout())
                    + " (key exchange or authentication)", null);
            if (!af.isSuccess()) {
                Throwable e = af.getException();
                if (hostKeyRefusal.get() != null) throw failure(hostKeyRefusal.get(), e);
                throw failure(authFailure(ids, agent, e), e);
            }
            session = s;
        } catch (IOException e) {
            String refusal = hostKeyRefusal.get();
            throw failure(refusal != null ? refusal : label + ": " + describe(e), e);
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

    private String authFailure(Identities.Loaded ids, UnixAgent.Factory agent, Throwable e) {
        StringBuilder sb = new StringBuilder("authentication failed for ").append(address).append(": ");
        List<String> tried = new ArrayList<>(ids.offered());
        if (agent != null && agent.problem() == null) tried.add(0, "the keys in ssh-agent");
        if (tried.isEmpty()) {
            sb.append("no key to offer (no identity file, no ~/.ssh/id_ed25519, id_ecdsa or id_rsa, no ssh-agent)");
        } else {
            sb.append("the server accepted none of ").append(String.join(", ", tried));
        }
        List<String> notes = new ArrayList<>(ids.skipped());
        if (agent != null && agent.problem() != null) notes.add(agent.problem());
        if (!notes.isEmpty()) sb.append("; ").append(String.join("; ", notes));
        String detail = rootMessage(e);
        if (detail != null && !detail.contains("No more authentication methods available")) sb.append(" (").append(detail).append(')');
        return sb.toString();
    }

    private static String rootMessage(Throwable e) {
        String m = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) m = t.getMessage();
        }
        return m;
    }

    /**
     * ~/.ssh/config (if any) with ssh's defaults for what it leaves open: port 22, the name as
     * the host name, the local user. MINA resolves every ProxyJump hop through this too, and
     * leaves a hop without a port at -1 ("Invalid port: -1") when nothing fills it in.
     */
    static HostConfigEntryResolver resolver(Path configFile) {
        HostConfigEntryResolver config = Files.isRegularFile(configFile)
                ? new ConfigFileHostEntryResolver(configFile) : HostConfigEntryResolver.EMPTY;
        return (host, port, local, user, proxyJump, context) -> {
            HostConfigEntry entry = config.resolveEffectiveHost(host, port, local, user, proxyJump, context);
            if (entry == null) entry = new HostConfigEntry("", host, port, user);
            if (entry.getHostName() == null || entry.getHostName().isBlank()) entry.setHostName(host);
            if (port > 0) entry.setPort(port);
            if (entry.getPort() <= 0) entry.setPort(22);
            if (user != null && !user.isBlank()) entry.setUsername(user);
            if (entry.getUsername() == null || entry.getUsername().isBlank()) entry.setUsername(System.getProperty("user.name"));
            return entry;
        };
    }

    private HostConfigEntry resolve(HostConfigEntryResolver resolver) throws TransportException {
        try {
            return resolver.resolveEffectiveHost(target.host(), target.port(), null, target.user(), null, null);
        } catch (IOException | RuntimeException e) {
            throw failure("cannot read " + options.resolvedSshConfig() + ": " + e.getMessage(), e);
        }
    }

    /** ssh-agent from ~/.ssh/config's IdentityAgent or SSH_AUTH_SOCK; none with IdentitiesOnly, as ssh does. */
    private UnixAgent.Factory agentFactory(HostConfigEntry entry) {
        if (entry.isIdentitiesOnly()) return null;
        String socket = options.env().get(SshOptions.AGENT_ENV);
        String configured = entry.getProperty("IdentityAgent");
        if (configured != null && !configured.isBlank()) {
            configured = configured.strip();
            if (configured.equalsIgnoreCase("none")) return null;
            if (!configured.equals(SshOptions.AGENT_ENV)) {
                socket = configured.startsWith("$") ? options.env().get(configured.substring(1)) : configured;
            }
        }
        if (socket == null || socket.isBlank()) return null;
        return new UnixAgent.Factory(expandHome(socket));
    }

    private static Path expandHome(String p) {
        if (p.equals("~")) return Path.of(System.getProperty("user.home"));
        if (p.startsWith("~/")) return Path.of(System.getProperty("user.home"), p.substring(2));
        return Path.of(p);
    }

    /** Checks the target's key and every ProxyJump hop's (each under its own name) against known_hosts. */
    private ServerKeyVerifier verifier(KnownHosts knownHosts, String targetHost, int targetPort, String alias) {
        return (ClientSession s, SocketAddress remote, PublicKey key) -> {
            String host;
            int port;
            if (remote instanceof SshdSocketAddress a) {
                host = a.getHostName();
                port = a.getPort();
            } else if (remote instanceof InetSocketAddress a) {
                host = a.getHostString();
                port = a.getPort();
            } else {
                hostKeyRefusal.compareAndSet(null, "cannot check the host key of " + remote + ": unknown address type");
                return false;
            }
            if (alias != null && host.equalsIgnoreCase(targetHost) && port == targetPort) {
                host = alias;
                port = 22;
            }
            try {
                KnownHosts.Decision d = knownHosts.check(host, port, key);
                if (!d.accepted()) {
                    hostKeyRefusal.compareAndSet(null, d.message());
                    return false;
                }
                if (d.message() != null) {
                    synchronized (notes) {
                        notes.add(d.message());
                    }
                }
                return true;
            } catch (IOException | RuntimeException e) {
                hostKeyRefusal.compareAndSet(null, "cannot check the host key of " + host + ":" + port + ": " + e.getMessage());
                return false;
            }
        };
    }

    /**
     * Host key and signature algorithms, most preferred first: OpenSSH's order (ed25519, ecdsa,
     * rsa-sha2), with the key types known_hosts already holds for this host moved to the front,
     * as ssh does, so that a host listed with one type is not asked for another. No certificates.
     */
    static List<NamedFactory<Signature>> signatures(Set<String> knownTypes) {
        List<BuiltinSignatures> order = List.of(BuiltinSignatures.ed25519, BuiltinSignatures.nistp256, BuiltinSignatures.nistp384,
                BuiltinSignatures.nistp521, BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256, BuiltinSignatures.rsa);
        List<NamedFactory<Signature>> known = new ArrayList<>();
        List<NamedFactory<Signature>> rest = new ArrayList<>();
        for (BuiltinSignatures s : order) {
            if (!s.isSupported()) continue;
            (knownTypes.contains(keyType(s.getName())) ? known : rest).add(s);
        }
        known.addAll(rest);
        return known;
    }

    static String keyType(String signature) {
        return signature.startsWith("rsa-sha2-") ? "ssh-rsa" : signature;
    }

    // ---- commands ----------------------------------------------------------------------------

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        ClientSession s = session();
        long start = System.nanoTime();
        String runId = UUID.randomUUID().toString();
        channels.acquire();
        boolean permit = true;
        ChannelExec ch = null;
        try {
            String remote = remoteCommand(command.script(), runId);
            try {
                ch = withOpenRetry(s, () -> {
                    ChannelExec c = s.createExecChannel(remote);
                    try {
                        c.open().verify(options.connectTimeout());
                        return c;
                    } catch (IOException e) {
                        c.close(true);
                        throw e;
                    }
                });
            } catch (IOException e) {
                throw lostOr(s, "cannot open an ssh channel on " + address + ": " + describe(e), e);
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
            daemon(() -> {
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
                kill(s, runId);
                throw new TransportException(host(), "command timed out after " + human(command.timeout()) + ": " + command.script());
            } catch (InterruptedException e) {
                ch.close(true);
                channels.release();
                permit = false;
                kill(s, runId);
                throw e;
            } catch (ExecutionException e) {
                throw new TransportException(host(), "ssh channel failed: " + describe(e.getCause()), e.getCause());
            }
            to.join(TimeUnit.SECONDS.toMillis(5));
            te.join(TimeUnit.SECONDS.toMillis(5));
            Integer status = ch.getExitStatus();
            String signal = ch.getExitSignal();
            if (status == null && signal != null) status = 128 + signalNumber(signal);
            if (status == null) {
                throw lostOr(s, "no exit status from " + address + " for: " + command.script(), null);
            }
            return new CommandResult(status, out.text(), err.text(), OutputCapture.tail(out, err), Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (ch != null && !ch.isClosed()) ch.close(true);
            if (permit) channels.release();
        }
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    /**
     * Opens a channel, waiting while sshd says no because of MaxSessions: sshd frees a
     * session slot a moment after the channel is closed on our side, and an admin may have
     * set MaxSessions below {@link SshOptions#maxChannels()}.
     */
    private <T> T withOpenRetry(ClientSession s, Opener<T> opener) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
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

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    private TransportException lostOr(ClientSession s, String message, Throwable cause) {
        if (!s.isOpen() || s.isClosing()) {
            return new TransportException(host(), "the ssh connection to " + address + " was lost", cause);
        }
        return new TransportException(host(), message, cause);
    }

    /**
     * The text sent to sshd, which hands it to the login shell: run the script with /bin/sh
     * as LocalTransport does, whatever the login shell is, and mark its processes.
     */
    static String remoteCommand(String script, String runId) {
        return "exec env LC_ALL=C.UTF-8 " + RUN_MARKER + "=" + runId + " /bin/sh -c " + Shell.quote(script);
    }

    /**
     * Kills what a timed-out or interrupted command left running. sshd does not signal a
     * command when its channel closes (without a pty), so the command and its children would
     * run on; they carry {@link #RUN_MARKER} in their environment.
     */
    private void kill(ClientSession s, String runId) {
        String script = "pids=$(grep -lzx " + Shell.quote(RUN_MARKER + "=" + runId) + " /proc/[0-9]*/environ 2>/dev/null"
                + " | sed -e 's|^/proc/||' -e 's|/environ$||'); [ -z \"$pids\" ] || kill -KILL $pids 2>/dev/null; exit 0";
        try {
            if (!channels.tryAcquire(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (ChannelExec ch = withOpenRetry(s, () -> {
            ChannelExec c = s.createExecChannel(script);
            c.open().verify(KILL_TIMEOUT);
            return c;
        })) {
            ch.getInvertedIn().close();
            ch.waitFor(Set.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            // best effort: the connection may be the thing that failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channels.release();
        }
    }

    private static Thread daemon(Runnable r, String name) {
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

    // ---- uploads -----------------------------------------------------------------------------

    @Override
    public void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException {
        ClientSession s = session();
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
                opened = withOpenRetry(s, () -> SftpClientFactory.instance().createSftpClient(s));
            } catch (IOException e) {
                if (!s.isOpen() || s.isClosing()) throw e;
                noSftp = e; // no SFTP subsystem on this host: see below
            }
            if (opened != null) {
                try (SftpClient sftp = opened) {
                    mkdirs(sftp, dir);
                    try {
                        try (OutputStream os = sftp.write(tmp, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                                SftpClient.OpenMode.Exclusive)) {
                            os.write(content);
                        }
                        sftp.setStat(tmp, new SftpClient.Attributes().perms(mode & 07777));
                        if (Thread.interrupted()) throw new InterruptedException();
                        rename(sftp, tmp, path);
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        try {
                            sftp.remove(tmp);
                        } catch (IOException ignored) {
                            // it may not exist; nothing else to do
                        }
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw lostOr(s, "cannot write " + path + " on " + address + ": " + describe(e), e);
        } finally {
            channels.release();
        }
        if (noSftp != null) uploadWithShell(content, path, dir, mode);
    }

    /** rename(2) semantics: replace the target atomically (OpenSSH's posix-rename extension). */
    private static void rename(SftpClient sftp, String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        try {
            sftp.rename(from, to, SftpClient.CopyMode.Atomic, SftpClient.CopyMode.Overwrite);
        } catch (SftpException e) {
            // an SFTP v3 server without posix-rename cannot replace: remove, then rename (not atomic)
            sftp.remove(to);
            sftp.rename(from, to);
        }
    }

    private static void mkdirs(SftpClient sftp, String dir) throws IOException {
        if (dir.equals(".") || dir.equals("/")) return;
        try {
            SftpClient.Attributes a = sftp.stat(dir);
            if (!a.isDirectory()) throw new IOException(dir + " is not a directory");
            return;
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) throw e;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) mkdirs(sftp, dir.substring(0, slash));
        try {
            sftp.mkdir(dir);
        } catch (SftpException e) {
            // a concurrent upload may have created it
            if (!sftp.stat(dir).isDirectory()) throw e;
        }
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

    // ---- messages ----------------------------------------------------------------------------

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** The cause of a failure in a few words: "connection refused", "unknown host", ... */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof NoRouteToHostException) return "no route to host";
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) return "unknown host";
        }
        String m = e == null ? null : e.getMessage();
        return m != null && !m.isBlank() ? m : e == null ? "unknown error" : e.getClass().getSimpleName();
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

}
