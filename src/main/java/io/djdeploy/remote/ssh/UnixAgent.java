package io.djdeploy.remote.ssh;

import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ssh-agent client over the JDK's Unix domain sockets (Java 16+). MINA's own agent client
 * ({@code org.apache.sshd.agent.unix.AgentClient}) needs Tomcat's native APR library, which a
 * plain JVM does not have. Only what authentication needs: list identities, sign.
 */
final class UnixAgent implements SshAgent {
    static final byte SSH_AGENT_FAILURE = 5;
    static final byte SSH2_AGENTC_REQUEST_IDENTITIES = 11;
    static final byte SSH2_AGENT_IDENTITIES_ANSWER = 12;
    static final byte SSH2_AGENTC_SIGN_REQUEST = 13;
    static final byte SSH2_AGENT_SIGN_RESPONSE = 14;
    static final int SSH_AGENT_RSA_SHA2_256 = 2;
    static final int SSH_AGENT_RSA_SHA2_512 = 4;
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final SocketChannel channel;

    UnixAgent(Path socket) throws IOException {
        this.socket = socket;
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot reach ssh-agent at " + socket + ": " + e.getMessage(), e);
        }
        this.channel = ch;
    }

    /** The agent's keys that this JVM can use; others (e.g. FIDO keys) are skipped. */
    @Override
    public List<Map.Entry<PublicKey, String>> getIdentities() throws IOException {
        Buffer reply = request(SSH2_AGENTC_REQUEST_IDENTITIES, new ByteArrayBuffer());
        int type = reply.getUByte();
        if (type != SSH2_AGENT_IDENTITIES_ANSWER) throw new IOException("ssh-agent answered " + type + " to a list request");
        long n = reply.getUInt();
        if (n > 1024) throw new IOException("ssh-agent lists " + n + " keys");
        List<Map.Entry<PublicKey, String>> keys = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            byte[] blob = reply.getBytes();
            String comment = reply.getString();
            try {
                keys.add(new AbstractMap.SimpleImmutableEntry<>(new ByteArrayBuffer(blob).getRawPublicKey(), comment));
            } catch (Exception | LinkageError unsupported) {
                // a key type this JVM cannot handle: the agent may still hold others that work
            }
        }
        return keys;
    }

    @Override
    public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algo, byte[] data) throws IOException {
        ByteArrayBuffer req = new ByteArrayBuffer();
        req.putBytes(KnownHosts.blob(key));
        req.putBytes(data);
        int flags = 0;
        if ("rsa-sha2-256".equals(algo)) flags = SSH_AGENT_RSA_SHA2_256;
        if ("rsa-sha2-512".equals(algo)) flags = SSH_AGENT_RSA_SHA2_512;
        req.putUInt(flags);
        Buffer reply = request(SSH2_AGENTC_SIGN_REQUEST, req);
        int type = reply.getUByte();
        if (type == SSH_AGENT_FAILURE) throw new IOException("ssh-agent refused to sign with " + KnownHosts.fingerprint(key));
        if (type != SSH2_AGENT_SIGN_RESPONSE) throw new IOException("ssh-agent answered " + type + " to a sign request");
        Buffer sig = new ByteArrayBuffer(reply.getBytes());
        String sigAlgo = sig.getString();
        return new AbstractMap.SimpleImmutableEntry<>(sigAlgo, sig.getBytes());
    }

    private synchronized Buffer request(byte type, ByteArrayBuffer body) throws IOException {
        byte[] payload = body.getCompactData();
        ByteBuffer out = ByteBuffer.allocate(5 + payload.length);
        out.putInt(1 + payload.length).put(type).put(payload).flip();
        while (out.hasRemaining()) channel.write(out);
        ByteBuffer len = readFully(4);
        int n = len.getInt();
        if (n <= 0 || n > MAX_MESSAGE) throw new IOException("bad ssh-agent message length " + n);
        return new ByteArrayBuffer(readFully(n).array());
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException("ssh-agent at " + socket + " closed the connection");
        }
        return b.flip();
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) throws IOException {
        throw new IOException("adding keys to ssh-agent is not supported");
    }

    @Override
    public void removeIdentity(PublicKey key) throws IOException {
        throw new IOException("removing keys from ssh-agent is not supported");
    }

    @Override
    public void removeAllIdentities() throws IOException {
        throw new IOException("removing keys from ssh-agent is not supported");
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "ssh-agent at " + socket;
    }

    /**
     * Plugs the agent into MINA's public key authentication and, with ssh.forward_agent, answers
     * the host's auth-agent@openssh.com channels (MINA's forwarding channel relays each request
     * to {@link #createClient}: this agent; listing and signing are all git over ssh asks).
     */
    static final class Factory implements SshAgentFactory {
        private final Path socket;
        private final boolean forward;
        private volatile String problem;

        Factory(Path socket, boolean forward) {
            this.socket = socket;
            this.forward = forward;
        }

        boolean forwards() {
            return forward;
        }

        /** Why the agent could not be used, if it could not: for the authentication failure message. */
        String problem() {
            return problem;
        }

        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return forward ? List.of(org.apache.sshd.agent.local.ChannelAgentForwardingFactory.OPENSSH) : List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) {
            try {
                return new UnixAgent(socket);
            } catch (IOException e) {
                problem = e.getMessage(); // a stale SSH_AUTH_SOCK: go on with the key files, as ssh does
                return null;
            }
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            return null;
        }
    }
}
