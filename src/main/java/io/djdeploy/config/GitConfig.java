package io.djdeploy.config;

import java.time.Duration;

/**
 * Where a release's code comes from.
 *
 * @param mode             {@code host}: every host fetches the repository into its bare mirror (needs git and access to
 *                         the repository on each host); {@code upload}: this machine builds the tree with git archive and
 *                         streams it to each host (hosts need neither git nor access)
 * @param local            upload mode: a clone on this machine to read the commit from (its submodules too); null: a
 *                         mirror of {@code repo} kept in this machine's cache
 * @param reachableTimeout host mode: how long the {@code git.reachable} check waits for git ls-remote
 */
public record GitConfig(Mode mode, String local, Duration reachableTimeout) {
    public enum Mode { HOST, UPLOAD }

    public static final GitConfig DEFAULTS = new GitConfig(Mode.HOST, null, Duration.ofSeconds(15));

    public boolean upload() {
        return mode == Mode.UPLOAD;
    }
}
