package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code ssh}: how djdeploy reaches hosts with transport ssh; unset keys come from ~/.ssh/config, then OpenSSH's defaults. */
final class SshSection implements Section<SshConfig> {
    static final Key<String> USER = Key.text("user", null, Rules::user).documented("`~/.ssh/config`, else your user name");
    static final Key<Integer> PORT = Key.integer("port", null, 1, 65535).documented("`~/.ssh/config`, else 22");
    static final Key<String> IDENTITY_FILE = Key.text("identity_file", null, Rules::localPath).documented("`~/.ssh/config`'s IdentityFile");
    static final Key<String> KNOWN_HOSTS = Key.text("known_hosts", null, Rules::localPath).documented("`~/.ssh/known_hosts`");
    static final Key<Duration> CONNECT_TIMEOUT = Key.duration("connect_timeout", Duration.ofSeconds(10));
    static final Key<Duration> KEEPALIVE = Key.duration("keepalive", Duration.ofSeconds(15));
    static final Key<Boolean> FORWARD_AGENT = Key.bool("forward_agent", false);

    @Override
    public List<Key<?>> keys() {
        return List.of(USER, PORT, IDENTITY_FILE, KNOWN_HOSTS, CONNECT_TIMEOUT, KEEPALIVE, FORWARD_AGENT);
    }

    @Override
    public SshConfig read(Values v) {
        return new SshConfig(v.get(USER), v.get(PORT), v.get(IDENTITY_FILE), v.get(KNOWN_HOSTS), v.get(CONNECT_TIMEOUT), v.get(KEEPALIVE), v.get(FORWARD_AGENT));
    }
}
