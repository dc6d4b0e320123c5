package io.djdeploy.remote.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to connect, the same for every host of a run. Null paths mean OpenSSH's defaults
 * under {@code sshDir} (itself ~/.ssh when null).
 *
 * @param identityFile      a private key to offer first; null: ~/.ssh/config's IdentityFile, else ~/.ssh/id_{ed25519,ecdsa,rsa}
 * @param knownHosts        the known_hosts file to check and (with acceptNewHostKeys) append to;
 *                          null: ~/.ssh/known_hosts, plus /etc/ssh/ssh_known_hosts read-only
 * @param acceptNewHostKeys trust and record the key of a host not yet in known_hosts (never a changed key)
 * @param connectTimeout    for TCP connect, key exchange and authentication together
 * @param keepaliveInterval SSH-level keepalive; after 3 unanswered ones the connection counts as lost. Zero: off
 * @param sshConfig         an OpenSSH client config (HostName, User, Port, IdentityFile, IdentitiesOnly,
 *                          IdentityAgent, ProxyJump); null: ~/.ssh/config if present
 * @param env               the environment: SSH_AUTH_SOCK for ssh-agent, DJDEPLOY_SSH_PASSPHRASE for encrypted keys
 * @param sshDir            where the defaults live; null: ~/.ssh
 * @param maxChannels       commands in flight at once on the one connection (sshd's MaxSessions, 10 by default)
 * @param forwardAgent      forward ssh-agent to the host on every command (ssh -A): ssh.forward_agent, off by default
 */
public record SshOptions(Path identityFile, Path knownHosts, boolean acceptNewHostKeys, Duration connectTimeout,
                         Duration keepaliveInterval, Path sshConfig, Map<String, String> env, Path sshDir,
                         int maxChannels, boolean forwardAgent) {
    public static final String PASSPHRASE_ENV = "DJDEPLOY_SSH_PASSPHRASE";
    public static final String AGENT_ENV = "SSH_AUTH_SOCK";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_CHANNELS = 10;

    public SshOptions {
        if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        if (keepaliveInterval == null || keepaliveInterval.isNegative()) keepaliveInterval = DEFAULT_KEEPALIVE;
        env = env == null ? Map.of() : Map.copyOf(env);
        if (maxChannels <= 0) maxChannels = DEFAULT_MAX_CHANNELS;
    }

    /** OpenSSH's defaults, strict host keys, this process's environment. */
    public static SshOptions defaults() {
        return new SshOptions(null, null, false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEEPALIVE, null, System.getenv(), null,
                DEFAULT_MAX_CHANNELS, false);
    }

    public SshOptions withIdentityFile(Path p) {
        return new SshOptions(p, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withKnownHosts(Path p) {
        return new SshOptions(identityFile, p, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withAcceptNewHostKeys(boolean b) {
        return new SshOptions(identityFile, knownHosts, b, connectTimeout, keepaliveInterval, sshConfig, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withConnectTimeout(Duration d) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, d, keepaliveInterval, sshConfig, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withKeepaliveInterval(Duration d) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, d, sshConfig, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withSshConfig(Path p) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, p, env, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withEnv(Map<String, String> e) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, e, sshDir, maxChannels, forwardAgent);
    }

    public SshOptions withSshDir(Path p) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, env, p, maxChannels, forwardAgent);
    }

    public SshOptions withMaxChannels(int n) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, env, sshDir, n, forwardAgent);
    }

    public SshOptions withForwardAgent(boolean b) {
        return new SshOptions(identityFile, knownHosts, acceptNewHostKeys, connectTimeout, keepaliveInterval, sshConfig, env, sshDir, maxChannels, b);
    }

    Path resolvedSshDir() {
        return sshDir != null ? sshDir : Path.of(System.getProperty("user.home"), ".ssh");
    }

    Path resolvedKnownHosts() {
        return knownHosts != null ? knownHosts : resolvedSshDir().resolve("known_hosts");
    }

    Path resolvedSshConfig() {
        return sshConfig != null ? sshConfig : resolvedSshDir().resolve("config");
    }
}
