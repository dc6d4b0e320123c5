package io.djdeploy.remote.ssh;

import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.Transport;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.SshConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Picks the transport for a host from its config. */
public final class Transports {
    private Transports() {}

    /** @param acceptNewHostKeys --accept-new-host-keys: trust and record unknown (never changed) host keys */
    public static Function<HostConfig, Transport> factory(EnvironmentConfig env, boolean acceptNewHostKeys, Map<String, String> environ) {
        SshOptions options = sshOptions(env.ssh(), acceptNewHostKeys, environ);
        return host -> forHost(host, env.ssh(), options);
    }

    static Transport forHost(HostConfig host, SshConfig ssh, SshOptions options) {
        if (host.local()) return new LocalTransport(host.host());
        String user = host.user() != null ? host.user() : ssh.user();
        Integer port = host.port() != null ? host.port() : ssh.port();
        return new SshTransport(new SshTarget(host.host(), user, port == null ? 0 : port), options);
    }

    static SshOptions sshOptions(SshConfig ssh, boolean acceptNewHostKeys, Map<String, String> environ) {
        SshOptions o = SshOptions.defaults().withEnv(environ).withAcceptNewHostKeys(acceptNewHostKeys)
                .withConnectTimeout(ssh.connectTimeout()).withKeepaliveInterval(ssh.keepalive())
                .withForwardAgent(ssh.forwardAgent());
        if (ssh.identityFile() != null) o = o.withIdentityFile(expand(ssh.identityFile()));
        if (ssh.knownHosts() != null) o = o.withKnownHosts(expand(ssh.knownHosts()));
        return o;
    }

    /** ~/ means the home directory of the user running djdeploy. */
    static Path expand(String path) {
        return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
    }
}
