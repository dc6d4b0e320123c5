package io.djdeploy.pipeline;

import io.djdeploy.remote.Command;

import java.util.List;

/**
 * A password in the repository URL ({@code https://user:password@host/...}) reaches git
 * through a credential helper that answers from a temporary file of mode 0600 (mktemp), fed
 * on the command's stdin and removed when the shell exits: never on git's command line,
 * git-remote-http's, or in the mirror's config (which keeps {@code https://user@host/...}).
 */
final class GitCredentials {
    /** The empty helper first drops the user's own helpers, so none of them stores the password. */
    static final String HELPER = "!f() { test \"$1\" = get && cat \"$DJDEPLOY_GIT_CREDENTIALS\"; }; f";

    private GitCredentials() {}

    /** {@code git}, with the helper when there is a password ({@link io.djdeploy.step.Redactor#splitPassword}). */
    static List<String> git(String[] credential) {
        return credential == null ? List.of("git") : List.of("git", "-c", "credential.helper=", "-c", "credential.helper=" + HELPER);
    }

    /** The script as is, or after the temp file is written from stdin. */
    static Command around(Command script, String[] credential) {
        if (credential == null) return script;
        return Command.sh("DJDEPLOY_GIT_CREDENTIALS=$(mktemp) && trap 'rm -f \"$DJDEPLOY_GIT_CREDENTIALS\"' EXIT"
                + " && export DJDEPLOY_GIT_CREDENTIALS && cat >\"$DJDEPLOY_GIT_CREDENTIALS\"").then(script)
                .withStdin("password=" + credential[1] + "\n");
    }
}
