package io.djdeploy.remote.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@link SshTransport} needs to open a connection the way ssh would: ~/.ssh/config with
 * ssh's defaults, ssh-agent, known_hosts checks for the target and every ProxyJump hop, the
 * signature order, and failures said in a few words.
 */
final class SshConnect {
    private SshConnect() {}

    /** A client set up for one host: our keys and agent only, public keys only, ssh's timeouts and keepalive. */
    static SshClient client(SshOptions options, HostConfigEntryResolver resolver, ServerKeyVerifier verifier, Set<String> knownTypes,
                            Identities.Loaded ids, String passphrase, UnixAgent.Factory agent) {
        SshClient c = SshClient.setUpDefaultClient();
        c.setHostConfigEntryResolver(resolver); // resolves ProxyJump hops
        c.setServerKeyVerifier(verifier);
        c.setSignatureFactories(signatures(knownTypes));
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
            // a peer that stopped answering will not read our DISCONNECT either: since MINA 2.15 the
            // close waits DISCONNECT_TIMEOUT (10 s by default) for it to be sent before the session
            // counts as lost; wait one keepalive interval instead
            CoreModuleProperties.DISCONNECT_TIMEOUT.set(c, options.keepaliveInterval());
        }
        return c;
    }

    static String authFailure(String address, Identities.Loaded ids, UnixAgent.Factory agent, Throwable e) {
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

    static String rootMessage(Throwable e) {
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

    /** ssh-agent from ~/.ssh/config's IdentityAgent or SSH_AUTH_SOCK; none with IdentitiesOnly, as ssh does. */
    static UnixAgent.Factory agentFactory(HostConfigEntry entry, SshOptions options) {
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
        return new UnixAgent.Factory(expandHome(socket), options.forwardAgent());
    }

    static Path expandHome(String p) {
        if (p.equals("~")) return Path.of(System.getProperty("user.home"));
        if (p.startsWith("~/")) return Path.of(System.getProperty("user.home"), p.substring(2));
        return Path.of(p);
    }

    /** Checks the target's key and every ProxyJump hop's (each under its own name) against known_hosts. */
    static ServerKeyVerifier verifier(KnownHosts knownHosts, String targetHost, int targetPort, String alias,
                                      AtomicReference<String> hostKeyRefusal, List<String> notes) {
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
