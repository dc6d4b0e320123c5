package io.djdeploy.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** `djdeploy SUBCOMMAND --help` prints the usage and exits 0, without asking for ENV first. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"deploy", "plan", "rollback", "status", "releases", "lock", "unlock", "migrations", "check",
            "checklist", "completion", "demo", "init", "export-script", "report"})
    void everySubcommandHasHelp(String sub) {
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(new String[] {sub, "--help"}, w, w);
        assertThat(code).as(buf.toString()).isZero();
        assertThat(buf.toString()).contains("Usage: djdeploy " + sub);
    }
}
