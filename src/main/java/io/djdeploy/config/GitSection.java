package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code git}: whether hosts fetch the code themselves or this machine sends it (docs/git.md). */
final class GitSection implements Section<GitConfig> {
    static final Key<GitConfig.Mode> MODE = Key.oneOf("mode", GitConfig.Mode.class, GitConfig.Mode.HOST);
    static final Key<String> LOCAL = Key.text("local", null, Rules::localPath).documented("a mirror of `repo` in `~/.cache/djdeploy/git/`");
    static final Key<Duration> REACHABLE_TIMEOUT = Key.duration("reachable_timeout", Duration.ofSeconds(15));

    @Override
    public List<Key<?>> keys() {
        return List.of(MODE, LOCAL, REACHABLE_TIMEOUT);
    }

    @Override
    public GitConfig read(Values v) {
        return new GitConfig(v.get(MODE), v.get(LOCAL), v.get(REACHABLE_TIMEOUT));
    }
}
