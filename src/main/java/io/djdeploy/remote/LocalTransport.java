package io.djdeploy.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs commands on this machine through {@code /bin/sh -c}, the same shell text SSH would send. */
public final class LocalTransport implements Transport {
    /** Commands run and files written: what {@link #roundTrips()} reports. */
    private final java.util.concurrent.atomic.AtomicInteger roundTrips = new java.util.concurrent.atomic.AtomicInteger();

    static final int TAIL_LINES = OutputCapture.TAIL_LINES;

    private final String host;

    public LocalTransport(String host) {
        this.host = host;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int roundTrips() {
        return roundTrips.get();
    }

    @Override
    public void connect() {
        // nothing to open
    }

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        roundTrips.incrementAndGet();
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command.script());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new TransportException(host, "cannot start /bin/sh: " + e.getMessage(), e);
        }
        OutputCapture out = new OutputCapture(p.getInputStream(), OutputSink.Stream.STDOUT, sink);
        OutputCapture err = new OutputCapture(p.getErrorStream(), OutputSink.Stream.STDERR, sink);
        Thread to = out.start("out-" + host);
        Thread te = err.start("err-" + host);
        try (OutputStream stdin = p.getOutputStream()) {
            if (command.stdin() != null) stdin.write(command.stdin());
        } catch (IOException e) {
            // the command did not read its input; its exit status tells the rest
        }
        try {
            if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(p);
                throw new TransportException(host, "command timed out after " + human(command.timeout()) + ": " + command.script());
            }
            to.join();
            te.join();
        } catch (InterruptedException e) {
            destroyTree(p);
            throw e;
        }
        return new CommandResult(p.exitValue(), out.text(), err.text(), OutputCapture.tail(out, err),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The command gets this process's own terminal (inherited stdin, stdout, stderr), as if typed
     * here: it is a local program on the user's terminal, so it needs no pty of djdeploy's and no
     * raw mode; its output is not masked, for the same reason as over SSH.
     */
    @Override
    public int interactive(Command command, Terminal terminal) throws TransportException, InterruptedException {
        roundTrips.incrementAndGet();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command.script()).inheritIO();
        pb.environment().put("LC_ALL", "C.UTF-8");
        try (Terminal.Restore handedOver = terminal.handOver()) {
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new TransportException(host, "cannot start /bin/sh: " + e.getMessage(), e);
            }
            try {
                if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    destroyTree(p);
                    throw new TransportException(host, "command timed out after " + human(command.timeout()) + ": " + command.script());
                }
            } catch (InterruptedException e) {
                destroyTree(p);
                throw e;
            }
            return p.exitValue();
        }
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * The shell first, then what it had started: killed the other way round, the shell would
     * run the next part of its command (an `|| fallback`) in the moment between.
     */
    private static void destroyTree(Process p) {
        java.util.List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void upload(byte[] content, String path, int mode) throws TransportException {
        roundTrips.incrementAndGet();
        Path target = Path.of(path);
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".upload", ".tmp");
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, permissions(mode));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TransportException(host, "cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            for (int i = 0; i < 3; i++) sb.append((bits & (4 >> i)) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    @Override
    public void close() {
        // nothing to close
    }
}
