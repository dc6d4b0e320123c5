package io.djdeploy.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * bench/LoadGen.java as a test's background load: an open-loop rate through nginx until
 * {@link #finish}, then every request's outcome.
 */
final class Load implements AutoCloseable {
    /** One request: its CSV line (scheduled_ms,latency_ms,status,release), status -1 = connection error. */
    record Sample(String line, int status, String release) {
        boolean ok() { return status >= 200 && status <= 299; }
    }

    record Result(String summary, List<Sample> samples) {
        List<Sample> failed() { return samples.stream().filter(s -> !s.ok()).toList(); }
        /** The release ids that answered (from /healthz/'s X-Release). */
        Set<String> releases() {
            Set<String> seen = new TreeSet<>();
            for (Sample s : samples) if (!s.release().isEmpty()) seen.add(s.release());
            return seen;
        }
    }

    private final Process process;
    private final Path csv;
    private final Path stop;

    private Load(Process process, Path csv, Path stop) {
        this.process = process;
        this.csv = csv;
        this.stop = stop;
    }

    /** Starts the load against http://ADDRESS and waits until it is steady (the generator JIT-compiled). */
    static Load start(Path dir, String address, int rate) throws IOException, InterruptedException {
        Path csv = dir.resolve("load.csv");
        Path stop = dir.resolve("load.stop");
        Process p = new ProcessBuilder("java", Site.home().resolve("bench/LoadGen.java").toString(),
                "--base", "http://" + address, "--rate", String.valueOf(rate), "--stop-file", stop.toString(), "--out", csv.toString())
                .redirectErrorStream(true).start();
        Thread.sleep(2500);
        return new Load(p, csv, stop);
    }

    Result finish() throws IOException, InterruptedException {
        Files.writeString(stop, "");
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IOException("the load generator did not stop");
        String summary = new String(process.getInputStream().readAllBytes()).trim();
        List<Sample> samples = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",", -1);
            samples.add(new Sample(line, Integer.parseInt(f[2]), f[3]));
        }
        return new Result(summary, samples);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Files.writeString(stop, "");
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
