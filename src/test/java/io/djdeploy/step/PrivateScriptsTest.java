package io.djdeploy.step;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A command holding a secret runs as before, but no process's command line shows the secret. */
class PrivateScriptsTest {
    static final String TOKEN = "reload-Tok-3141592";

    @Test
    void aSecretCommandRunsWithItsTextOffEveryCommandLine() throws Exception {
        // given: a reload hook marked secret that prints the command lines of its shell and of that shell's parent
        Redactor r = new Redactor();
        r.add("curl -K- https://hooks.example/r?token=" + TOKEN);
        String hook = ": curl -K- https://hooks.example/r?token=" + TOKEN + "\n"
                + "tr '\\0' ' ' </proc/$$/cmdline; echo; tr '\\0' ' ' </proc/$PPID/cmdline; echo; echo \"stdin:$(cat)\"; exit 3";
        Transport t = PrivateScripts.wrap(new LocalTransport("local"), r);

        // when
        CommandResult res = t.run(Command.sh(hook).withStdin("own input"));

        // then: it ran (its exit status, its own stdin), and neither command line holds the token
        assertThat(res.exitCode()).isEqualTo(3);
        assertThat(res.out()).contains("stdin:own input").doesNotContain(TOKEN).contains("dd bs=1");
    }

    @Test
    void anOrdinaryCommandIsLeftAsItIs() {
        Redactor r = new Redactor();
        r.add("some-secret-value");
        Command c = Command.sh("supervisorctl restart demo-web");
        assertThat(PrivateScripts.offArgv(c, r)).isSameAs(c);
    }
}
