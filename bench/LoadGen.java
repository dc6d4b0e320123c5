import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open-loop HTTP load generator for bench/zero-downtime and BlueGreenIT (run it as a
 * single-file program: java bench/LoadGen.java ...). Requests start on a fixed schedule
 * (RATE per second) whether or not earlier ones finished, so a burst of fast 502s cannot
 * inflate the count and a stall cannot hide failures (no coordinated omission: latency is
 * measured from the scheduled start). Of every 4 requests: 2 GET a page that reads the
 * database, 1 GETs /healthz/ (which names the release that answered), 1 POSTs a row.
 *
 *   java bench/LoadGen.java --base http://127.0.0.2 --rate 40 --stop-file F --out results.csv
 *
 * Runs until the stop file exists (or --seconds pass). Writes one CSV line per request:
 * scheduled_epoch_ms,latency_ms,status,release  (status -1 = connection error or timeout;
 * release = the X-Release header, empty if none), and prints a one-line summary.
 */
public final class LoadGen {
    record Sample(long startMs, long latencyMs, int status, String release) {}

    public static void main(String[] args) throws Exception {
        String base = null;
        double rate = 40;
        Path stop = null;
        Path out = null;
        double seconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> base = args[++i];
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--stop-file" -> stop = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (base == null || out == null || (stop == null && seconds <= 0)) {
            System.err.println("usage: java bench/LoadGen.java --base URL --out FILE (--stop-file F | --seconds S) [--rate R]");
            System.exit(2);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI get = URI.create(base + "/");
        URI post = URI.create(base + "/notes/");
        URI health = URI.create(base + "/healthz/");
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger inflight = new AtomicInteger();
        long periodNs = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        long wall0 = System.currentTimeMillis();
        long endNs = seconds > 0 ? t0 + (long) (seconds * 1e9) : Long.MAX_VALUE;
        for (long n = 0; ; n++) {
            long due = t0 + n * periodNs;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (due >= endNs || (n % 20 == 0 && stop != null && Files.exists(stop))) break;
            long startMs = wall0 + (due - t0) / 1_000_000;
            HttpRequest req = n % 4 == 3
                    ? HttpRequest.newBuilder(post).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("title=load-" + n)).build()
                    : HttpRequest.newBuilder(n % 4 == 2 ? health : get).timeout(Duration.ofSeconds(10)).GET().build();
            inflight.incrementAndGet();
            client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, err) -> {
                long lat = (System.nanoTime() - due) / 1_000_000;
                if (err != null) {
                    samples.add(new Sample(startMs, lat, -1, ""));
                } else {
                    samples.add(new Sample(startMs, lat, resp.statusCode(), resp.headers().firstValue("X-Release").orElse("")));
                }
                inflight.decrementAndGet();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (inflight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        List<Sample> all = new ArrayList<>(samples);
        all.sort((a, b) -> Long.compare(a.startMs(), b.startMs()));
        int failed = 0;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (Sample s : all) {
                w.println(s.startMs() + "," + s.latencyMs() + "," + s.status() + "," + s.release());
                if (s.status() < 200 || s.status() > 299) failed++;
            }
        }
        int lost = inflight.get();   // never answered within 15 s of the end: counted as failed
        System.out.println("sent=" + (all.size() + lost) + " failed=" + (failed + lost));
        System.exit(0);
    }
}
