package io.djdeploy.cli;

import io.djdeploy.remote.Terminal;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This process's terminal (/dev/tty) for {@code exec} on a TTY, driven with stty: its size for
 * the host's pty, raw mode while a remote command has it (restored in a finally and, should the
 * JVM be killed with SIGTERM, in a shutdown hook), Ctrl-C ignored while a local command has it.
 */
final class TtyTerminal implements Terminal {
    static final File TTY = new File("/dev/tty");

    private final String type;
    private final int columns;
    private final int lines;
    private final PrintStream err;

    private TtyTerminal(String type, int columns, int lines, PrintStream err) {
        this.type = type;
        this.columns = columns;
        this.lines = lines;
        this.err = err;
    }

    /** The terminal, or a usage error when this process has none (--tty in a pipe). */
    static TtyTerminal open(Map<String, String> env) {
        try {
            stty("size");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "--tty: no terminal to use (" + e.getMessage() + "); run without --tty");
        }
        // a pty that never had a size: the classic 80x24
        int[] size = size();
        int rows = size == null ? 24 : size[0], cols = size == null ? 80 : size[1];
        String term = env.get("TERM");
        return new TtyTerminal(term == null || term.isBlank() ? "dumb" : term, cols, rows, System.err);
    }

    @Override public String type() { return type; }
    @Override public int columns() { return columns; }
    @Override public int lines() { return lines; }

    /** Unbuffered: System.in's buffer would hold keystrokes back until it filled. */
    @Override
    public InputStream in() {
        return new FileInputStream(FileDescriptor.in);
    }

    @Override
    public OutputStream out() {
        return System.out;
    }

    @Override
    public Restore raw() throws IOException {
        String saved = stty("-g").strip();
        Runnable restore = () -> {
            try {
                stty(saved);
            } catch (IOException e) {
                err.println("djdeploy: cannot restore the terminal (" + e.getMessage() + "): run 'stty sane'");
            }
        };
        Thread hook = new Thread(restore, "djdeploy-tty-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stty("raw", "-echo");
        } catch (IOException e) {
            release(hook);
            restore.run();
            throw e;
        }
        return () -> {
            release(hook);
            restore.run();
        };
    }

    @Override
    @SuppressWarnings("removal")
    public Restore handOver() {
        sun.misc.SignalHandler ignore = sun.misc.SignalHandler.SIG_IGN;
        sun.misc.SignalHandler intr = sun.misc.Signal.handle(new sun.misc.Signal("INT"), ignore);
        sun.misc.SignalHandler quit = sun.misc.Signal.handle(new sun.misc.Signal("QUIT"), ignore);
        return () -> {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), intr);
            sun.misc.Signal.handle(new sun.misc.Signal("QUIT"), quit);
        };
    }

    /** SIGWINCH, as ssh and jline catch it; the new size is read with stty in the signal's own thread. */
    @Override
    public Restore onResize(java.util.function.BiConsumer<Integer, Integer> resized) {
        sun.misc.Signal winch = new sun.misc.Signal("WINCH");
        sun.misc.SignalHandler before = sun.misc.Signal.handle(winch, signal -> {
            int[] size = size();
            if (size != null) resized.accept(size[1], size[0]);
        });
        return () -> sun.misc.Signal.handle(winch, before);
    }

    /** Rows and columns now, or null when stty cannot tell (a pty that never had a size says 0 0). */
    static int[] size() {
        try {
            String[] rowsCols = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(rowsCols[0]);
            int cols = Integer.parseInt(rowsCols[1]);
            return rows > 0 && cols > 0 ? new int[]{rows, cols} : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void release(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs now and restores the terminal itself
        }
    }

    /** stty on /dev/tty (not on stdin, which may be redirected while a terminal is still there). */
    static String stty(String... args) throws IOException {
        String[] argv = new String[args.length + 1];
        argv[0] = "stty";
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p = new ProcessBuilder(argv).redirectInput(TTY).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String problem = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("stty " + String.join(" ", args) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) throw new IOException("stty " + String.join(" ", args) + ": " + problem.strip());
        return out;
    }
}
