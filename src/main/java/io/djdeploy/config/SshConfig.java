package io.djdeploy.config;

import java.time.Duration;

/**
 * How djdeploy reaches ssh hosts. Nulls mean "from ~/.ssh/config, else OpenSSH's default".
 * A host's own {@code user} and {@code port} win over these.
 */
public record SshConfig(String user, Integer port, String identityFile, String knownHosts,
                        Duration connectTimeout, Duration keepalive, boolean forwardAgent) {
    public static final SshConfig DEFAULTS = new SshConfig(null, null, null, null, Duration.ofSeconds(10), Duration.ofSeconds(15), false);
}
