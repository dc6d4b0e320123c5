package io.djdeploy.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real jar on a terminal of its own, as a person runs it: util-linux's {@code script} gives it
 * a pseudo-terminal (stdin and stdout are a TTY, /dev/tty exists) and relays what the test "types".
 */
final class Pty implements AutoCloseable {
    private final Process process;
    private final OutputStream keys;
    private final StringBuffer screen = new StringBuffer();
    private final Thread reader;

    private Pty(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        InputStream in = process.getInputStream();
        reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the process ended
            }
        }, "pty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * {@code java -jar target/djdeploy.jar ARGS} under {@code script -qefc}, TERM=xterm and an 80x24
     * terminal; the terminal's settings are shown before and after ({@link #settingsKept()}).
     */
    static Pty jar(List<String> args) throws IOException {
        StringBuilder line = new StringBuilder("stty cols 80 rows 24; echo \"before:$(stty -g)\"; java -jar ");
        line.append(quote(Site.home().resolve("target/djdeploy.jar").toString()));
        for (String a : args) line.append(' ').append(quote(a));
        line.append("; s=$?; echo \"after:$(stty -g)\"; exit $s");
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", line.toString(), "/dev/null").redirectErrorStream(true);
        pb.environment().put("TERM", "xterm");
        pb.environment().remove("NO_COLOR");
        return new Pty(pb.start());
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Waits until the terminal shows {@code text}; fails with the screen so far. */
    Pty await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (screen.indexOf(text) < 0) {
            if (System.nanoTime() > deadline || !process.isAlive() && !reader.isAlive() && screen.indexOf(text) < 0) {
                throw new AssertionError("the terminal never showed " + text + ":\n" + screen);
            }
            Thread.sleep(50);
        }
        return this;
    }

    Pty type(String keystrokes) throws IOException {
        keys.write(keystrokes.getBytes(StandardCharsets.UTF_8));
        keys.flush();
        return this;
    }

    /**
     * Resizes the terminal as a window manager would: the new size on the pty the jar runs on
     * (found through the jar's stdin), which sends SIGWINCH to the jar.
     */
    Pty resize(int columns, int rows) throws IOException, InterruptedException {
        ProcessHandle jvm = process.toHandle().descendants().filter(h -> h.info().command().orElse("").endsWith("/java"))
                .findFirst().orElseThrow(() -> new AssertionError("no java under script:\n" + screen));
        String tty = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + jvm.pid() + "/fd/0")).toString();
        Process stty = new ProcessBuilder("stty", "-F", tty, "cols", String.valueOf(columns), "rows", String.valueOf(rows))
                .redirectErrorStream(true).start();
        String said = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (stty.waitFor() != 0) throw new AssertionError("stty -F " + tty + ": " + said);
        return this;
    }

    /** Types {@code keystrokes} every half second until the terminal shows {@code text} (at most 30 s). */
    Pty typeUntil(String keystrokes, String text) throws IOException, InterruptedException {
        for (int i = 0; i < 60 && screen.indexOf(text) < 0; i++) {
            type(keystrokes);
            Thread.sleep(500);
        }
        return await(text);
    }

    /** The exit status (script -e passes the jar's on). */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("still running:\n" + screen);
        reader.join(5000);
        return process.exitValue();
    }

    /** The terminal's stty settings after the jar ended are those it had before (raw mode undone). */
    boolean settingsKept() {
        java.util.regex.Matcher before = java.util.regex.Pattern.compile("before:(\\S+)").matcher(screen);
        java.util.regex.Matcher after = java.util.regex.Pattern.compile("after:(\\S+)").matcher(screen);
        return before.find() && after.find() && before.group(1).equals(after.group(1));
    }

    String screen() {
        return screen.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
