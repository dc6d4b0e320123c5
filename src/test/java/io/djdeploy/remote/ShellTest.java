package io.djdeploy.remote;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellTest {

    @Test
    void plainWordsStayUnquoted() {
        // given
        List<String> words = List.of("git", "/srv/shop/releases/20261123194512", "--format=tar", "a_b-c.d",
                "user@host:path", "50%", "a+b", "k=v", "x,y");

        // when / then
        for (String w : words) {
            assertThat(Shell.quote(w)).as(w).isEqualTo(w);
        }
    }

    @Test
    void leadingDashStaysAsIs() {
        // quoting cannot stop a program from reading "-rf" as an option (the shell removes the
        // quotes before the program sees it); callers put "--" before untrusted arguments
        assertThat(Shell.quote("-rf")).isEqualTo("-rf");
        assertThat(Shell.quote("--")).isEqualTo("--");
    }

    @Test
    void specialCharactersAreSingleQuoted() {
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.quote("two words")).isEqualTo("'two words'");
        assertThat(Shell.quote("$(reboot)")).isEqualTo("'$(reboot)'");
        assertThat(Shell.quote("`reboot`")).isEqualTo("'`reboot`'");
        assertThat(Shell.quote("a;b")).isEqualTo("'a;b'");
        assertThat(Shell.quote("a&&b|c>d<e")).isEqualTo("'a&&b|c>d<e'");
        assertThat(Shell.quote("${HOME}")).isEqualTo("'${HOME}'");
        assertThat(Shell.quote("*.py")).isEqualTo("'*.py'");
        assertThat(Shell.quote("~root")).isEqualTo("'~root'");
        assertThat(Shell.quote("line1\nline2")).isEqualTo("'line1\nline2'");
        assertThat(Shell.quote("tab\there")).isEqualTo("'tab\there'");
        assertThat(Shell.quote("say \"hi\"")).isEqualTo("'say \"hi\"'");
        assertThat(Shell.quote("back\\slash")).isEqualTo("'back\\slash'");
        assertThat(Shell.quote("-n x")).isEqualTo("'-n x'");
        assertThat(Shell.quote("café")).isEqualTo("'café'");
    }

    @Test
    void singleQuoteIsClosedEscapedAndReopened() {
        assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Shell.quote("'")).isEqualTo("''\\'''");
    }

    @Test
    void nulIsRejected() {
        assertThatThrownBy(() -> Shell.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a shell argument cannot contain a NUL byte");
        assertThatThrownBy(() -> Shell.join("echo", "\0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dollarIsTheShellsPidAndNothingElseSpecialIsAVariable() {
        // the lock's temp dir is named after the shell's pid: "$$", fixed text quoted around it
        assertThat(Command.of("printf", "%s", Shell.var("$").around("/srv/a b/lock.tmp.", "")).script())
                .isEqualTo("printf %s '/srv/a b/lock.tmp.'\"$$\"");
        assertThatThrownBy(() -> Shell.var("$(id)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shell.var("?")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void joinQuotesEachArgument() {
        assertThat(Shell.join("git", "-C", "/srv/shop/repo", "log", "--format=%H %s"))
                .isEqualTo("git -C /srv/shop/repo log '--format=%H %s'");
        assertThat(Shell.join(List.of("printf", "%s\\n", "", "a b"))).isEqualTo("printf '%s\\n' '' 'a b'");
        assertThat(Shell.join(List.of())).isEmpty();
    }

    @Test
    void quotedValuesSurviveARealShell() throws Exception {
        // given
        List<String> nasty = List.of(
                "", " ", "plain", "two words", "  leading and trailing  ",
                "it's", "'", "''", "'\\''", "\"", "\"double\" and 'single'",
                "$(echo pwned)", "`id`", "${HOME}", "$HOME", "$$", "$1", "$@",
                "a;b", "a && b || c", "a | b", "> /dev/null", "< /etc/passwd", "a &", "(sub)", "{a,b}",
                "*", "?", "[a-z]*", "~", "~root", "#comment", "!event", "%1", "a=b",
                "back\\slash", "\\n", "trailing\\", "line1\nline2", "\n", "ends with newline\n",
                "tab\there", "\r\n", "\u0001\u001b[31mred\u001b[0m",
                "-rf", "--", "-n", "-e \\n",
                "café", "日本語", "emoji 🚀", "ü'ß\"€");

        for (String value : nasty) {
            // when
            String out = printViaShell(value);

            // then
            assertThat(out).as("round trip of %s", Shell.quote(value)).isEqualTo(value + "\n");
        }
    }

    @Test
    void joinedCommandRunsWithEachArgumentIntact() throws Exception {
        // given
        List<String> args = List.of("it's", "", "$(id)", "a b", "line\nbreak");

        // when
        String out = runShell("printf '[%s]\\n' " + Shell.join(args));

        // then
        assertThat(out).isEqualTo("[it's]\n[]\n[$(id)]\n[a b]\n[line\nbreak]\n");
    }

    private static String printViaShell(String value) throws Exception {
        return runShell("printf '%s\\n' " + Shell.quote(value));
    }

    /**
     * Runs {@code /bin/sh -c script}. The script travels on stdin ({@code sh -s}) as UTF-8
     * bytes rather than in argv, so the test does not depend on the JVM's locale for
     * encoding command-line arguments; the shell parses it the same way.
     */
    private static String runShell(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-s").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((script + "\n").getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream out = p.getInputStream()) {
            out.transferTo(buf);
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status of: %s", script).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }
}
