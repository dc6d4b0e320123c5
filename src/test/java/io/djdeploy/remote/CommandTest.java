package io.djdeploy.remote;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The combinators group an operand only where the shell would read it differently; checked with sh itself. */
class CommandTest {

    static String sh(Command c) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", c.script()).redirectErrorStream(true).start();
        if (c.stdin() != null) p.getOutputStream().write(c.stdin());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out + "rc=" + p.exitValue();
    }

    @Test
    void andListsStayFlatAndMixedListsAreGrouped() throws Exception {
        Command a = Command.of("echo", "a");
        Command fails = Command.sh("false");
        assertThat(a.then(Command.of("echo", "b")).then(Command.of("echo", "c")).script()).isEqualTo("echo a && echo b && echo c");
        // a && (false || echo c): without the group, `a && false || c` would read differently only by luck
        Command mixed = a.then(fails.orElse(Command.of("echo", "c")));
        assertThat(mixed.script()).isEqualTo("echo a && { false || echo c; }");
        // false && (x || y) must not run y
        assertThat(sh(fails.then(Command.of("echo", "x").orElse(Command.of("echo", "y"))))).isEqualTo("rc=1");
    }

    @Test
    void aUsersCommandWithACommentIsClosedOnANewLine() throws Exception {
        Command user = Command.sh("echo hi   # a comment; && nothing");
        Command c = user.then(Command.of("echo", "after"));
        assertThat(c.script()).isEqualTo("{ echo hi   # a comment; && nothing\n} && echo after");
        assertThat(sh(c)).isEqualTo("hi\nafter\nrc=0");
        assertThat(sh(Command.ifElse(user, Command.of("echo", "yes"), Command.of("echo", "no")))).isEqualTo("hi\nyes\nrc=0");
    }

    @Test
    void aRawListIsGroupedOnBothSides() throws Exception {
        Command list = Command.sh("echo one; false");
        assertThat(sh(list.then(Command.of("echo", "never")))).isEqualTo("one\nrc=1");
        assertThat(sh(Command.sh("true").then(list).orElse(Command.of("echo", "caught")))).isEqualTo("one\ncaught\nrc=0");
    }

    @Test
    void valuesAreQuotedAndVariablesExpanded() throws Exception {
        String weird = "it's $HOME `x` \"q\"";
        Command c = Command.let("v", weird).andAlso(Command.of("printf", "%s|%s\\n", Shell.var("v"), Shell.var("v").around("<", ">")));
        assertThat(sh(c)).isEqualTo(weird + "|<" + weird + ">\nrc=0");
        Command assigned = Command.assign("x", Command.of("echo", weird)).andAlso(Command.of("echo", "x").outputIs(Shell.var("x")).not())
                .andAlso(Command.of("echo", weird).outputIs(weird));
        assertThat(sh(assigned)).isEqualTo("rc=0");
    }

    @Test
    void ifElseFailAndWriteFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Command check = Command.ifElse(Command.of("test", "-d", dir.toString()), Command.echo("dir"), Command.fail("no dir", 3));
        assertThat(sh(check)).isEqualTo("dir\nrc=0");
        assertThat(sh(Command.ifElse(Command.of("test", "-d", dir + "/x"), Command.echo("dir"), Command.fail("no dir", 3))))
                .isEqualTo("no dir\nrc=3");
        String path = dir.resolve("sub dir/it's.txt").toString();
        assertThat(sh(Command.writeFile(path, 0640, "content\n".getBytes(StandardCharsets.UTF_8)))).isEqualTo("rc=0");
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(path))).isEqualTo("content\n");
        assertThat(java.nio.file.Files.getPosixFilePermissions(java.nio.file.Path.of(path)))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void theSymlinkSwapIsATempLinkRenamedOverTheOldOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Command swap = Command.swapLink(dir.toString(), "releases/2", "current");
        assertThat(swap.script()).endsWith("&& rm -f current.tmp && ln -s releases/2 current.tmp && mv -T current.tmp current");
        java.nio.file.Files.createSymbolicLink(dir.resolve("current"), java.nio.file.Path.of("releases/1"));
        assertThat(sh(swap)).isEqualTo("rc=0");
        assertThat(java.nio.file.Files.readSymbolicLink(dir.resolve("current")).toString()).isEqualTo("releases/2");
    }
}
