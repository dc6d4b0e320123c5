package io.djdeploy.pipeline;

import io.djdeploy.release.Revision;
import io.djdeploy.remote.Batch;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.OutputSink;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A host in memory for engine tests: it answers the commands the steps send by pattern and
 * keeps just enough state to be believable (the `current` link, release dirs, files written
 * by uploads and `cat >>`, the lock). Every command is recorded. A test adds rules (first match
 * wins, before the built-in answers) to make a command fail or block.
 */
final class FakeHost implements Transport {
    static final String SHA = "f0026700d1cb6171e46a2072a847396104cafde2";
    private static final Pattern SWITCH = Pattern.compile("ln -s releases/(\\d{14}) current\\.tmp && mv -T current\\.tmp current");
    private static final Pattern MKDIR_RELEASE = Pattern.compile("(?:^|&& )mkdir (\\S+/releases/(\\d{14}))(?=$| )");
    private static final Pattern HELPER = Pattern.compile("helper\\.py (\\S+)");
    private static final Pattern EXPECT = Pattern.compile("--expect (\\S+)");
    /** HostOps.removeReleaseCommand: {@code set -- DIR_PATTERN ID; cd DIR && { ... rmrel "$2"; }}. */
    private static final Pattern REMOVE_UNFINISHED = Pattern.compile("^set -- \\S+ (\\d{14}); .*rmrel \"\\$2\"");
    private static final Pattern RELEASE_IN = Pattern.compile("/releases/(\\d{14})(?:/|$| )");

    /** How a rule answers; may block (InterruptedException: the run was cancelled). */
    @FunctionalInterface
    interface Answer {
        CommandResult answer(FakeHost host, Command c) throws InterruptedException;
    }

    private record Rule(Predicate<String> matches, Answer answer) {}

    private final String name;
    private final String deployTo;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger roundTrips = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final TreeSet<String> releases = new TreeSet<>();
    /** The host's Docker Engine: images by repository@digest, with their size. */
    private final Map<String, Long> engine = new ConcurrentHashMap<>();
    private volatile String current;
    private volatile String lockInfo;
    private volatile boolean closed;
    /** What the helper's `migrations` prints: pending ones; with --all, the release's manifest. */
    volatile String pendingJson = "{\"mode\":\"pending\",\"migrations\":[],\"applied\":[[\"shop\",\"0001_initial\"]]}";
    volatile String allJson = "{\"mode\":\"all\",\"migrations\":[]}";

    FakeHost(String name, String deployTo) {
        this.name = name;
        this.deployTo = deployTo;
    }

    // ---------------------------------------------------------------- set-up

    /** A complete release already on the host (as an earlier deploy left it). */
    FakeHost release(String id, String ref) {
        synchronized (releases) {
            releases.add(id);
        }
        files.put(deployTo + "/releases/" + id + "/REVISION", new Revision(id, ref, SHA, "ci", "2026-11-01T00:00:00Z").render());
        return this;
    }

    /** A release dir without REVISION: what a killed run leaves. */
    FakeHost incompleteRelease(String id) {
        synchronized (releases) {
            releases.add(id);
        }
        return this;
    }

    /**
     * A container release's IMAGE file ({@code repository@digest}) and, with a size, the image in
     * the host's engine (null: pruned, or never pulled).
     */
    FakeHost image(String id, String reference, Long size) {
        files.put(deployTo + "/releases/" + id + "/IMAGE", reference + "\n");
        if (size != null) engine.put(reference, size);
        return this;
    }

    FakeHost current(String id) {
        this.current = id;
        return this;
    }

    FakeHost file(String path, String text) {
        files.put(path, text);
        return this;
    }

    /** Commands whose text contains {@code fragment} answer with {@code answer}. */
    FakeHost on(String fragment, Answer answer) {
        rules.add(new Rule(s -> s.contains(fragment), answer));
        return this;
    }

    FakeHost on(Predicate<String> matches, Answer answer) {
        rules.add(new Rule(matches, answer));
        return this;
    }

    static Answer fail(int exit, String... lines) {
        return (h, c) -> result(exit, "", String.join("\n", lines));
    }

    /** Does what the command would do (e.g. the switch moves current), then reports failure: a command that failed halfway. */
    static Answer failAfterEffects(int exit, String line) {
        return (h, c) -> {
            h.builtin(c);
            return result(exit, "", line);
        };
    }

    /** Never returns until the thread is interrupted: a step hanging when the operator presses Ctrl-C. */
    static Answer block(java.util.concurrent.CountDownLatch entered) {
        return (h, c) -> {
            entered.countDown();
            Thread.sleep(Long.MAX_VALUE);
            throw new AssertionError("unreachable");
        };
    }

    static Answer answer(String stdout) {
        return (h, c) -> result(0, stdout, "");
    }

    // ---------------------------------------------------------------- what happened

    List<String> commands() {
        return List.copyOf(commands);
    }

    boolean ran(String fragment) {
        return commands.stream().anyMatch(c -> c.contains(fragment));
    }

    long count(String fragment) {
        return commands.stream().filter(c -> c.contains(fragment)).count();
    }

    String current() {
        return current;
    }

    List<String> releases() {
        synchronized (releases) {
            return List.copyOf(releases);
        }
    }

    boolean locked() {
        return lockInfo != null;
    }

    boolean closed() {
        return closed;
    }

    /** The ledger's lines, oldest first. */
    List<String> ledgerLines() {
        String text = files.getOrDefault(deployTo + "/.djdeploy/history.jsonl", "");
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    // ---------------------------------------------------------------- Transport

    @Override
    public String host() {
        return name;
    }

    @Override
    public void connect() {
    }

    /** Round trips: each command, upload and shared script (whose commands {@link #commands} lists one by one). */
    @Override
    public int roundTrips() {
        return roundTrips.get();
    }

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        roundTrips.incrementAndGet();
        return answer(command);
    }

    /** A shared script: its commands answered one by one, with the boundaries the real script prints. */
    @Override
    public CommandResult run(Batch batch, OutputSink sink) throws TransportException, InterruptedException {
        roundTrips.incrementAndGet();
        batches.incrementAndGet();
        return batch.simulate(this::answer, sink);
    }

    int batches() {
        return batches.get();
    }

    private CommandResult answer(Command command) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
        String script = plain(command.script());
        commands.add(script);
        return respond(command);
    }

    /** A command carried at the front of another (Piggyback): "{ PRE\n} >/dev/null 2>&1 <<'D'\nSTDIN\nD\nprintf ... MARKER "$?"\nREST". */
    private static final Pattern PIGGYBACK = Pattern.compile(
            "(?s)\\{ (.*?)\\n\\} >/dev/null 2>&1 <<'(DJDEPLOY_\\w+)'\\n(.*?)\\n\\2\\nprintf '%s %s\\\\n' (@@\\w+-pre) \"\\$\\?\"\\n(.*)");

    private CommandResult respond(Command command) throws InterruptedException {
        Matcher pre = PIGGYBACK.matcher(command.script());
        if (pre.matches()) {
            CommandResult first = part(pre.group(1), (pre.group(3) + "\n").getBytes(StandardCharsets.UTF_8));
            CommandResult rest = respond(new Command(pre.group(5), command.stdin(), command.timeout()));
            return result(rest.exitCode(), pre.group(4) + " " + first.exitCode() + "\n" + rest.stdout(), rest.stderr());
        }
        if (command.script().contains(FACTS)) return facts(command);
        String script = plain(command.script());
        for (Rule r : rules) {
            if (r.matches().test(script)) return r.answer().answer(this, command);
        }
        return builtin(command);
    }

    @Override
    public void upload(byte[] content, String path, int mode) {
        roundTrips.incrementAndGet();
        commands.add("# upload " + path);
        files.put(path, new String(content, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        closed = true;
    }

    // ---------------------------------------------------------------- the connect step's command (ConnectFacts)

    private static final String FACTS = "lock_out=$( { ";

    /** A part of the connect step's command, answered as if it ran alone: rules first, then the built-in answers (not recorded again). */
    private CommandResult part(String script, byte[] stdin) throws InterruptedException {
        Command c = new Command(script, stdin, null);
        String plain = plain(script);
        for (Rule r : rules) {
            if (r.matches().test(plain)) return r.answer().answer(this, c);
        }
        return builtin(c);
    }

    /** The sections ConnectFacts prints, from this host's state; each part answers as its own command would. */
    private CommandResult facts(Command command) throws InterruptedException {
        String s = command.script();
        Matcher nm = Pattern.compile("printf '\\\\n@@%s %s\\\\n' (\\w+) start").matcher(s);
        if (!nm.find()) throw new AssertionError("no nonce in " + s);
        String n = nm.group(1);
        StringBuilder out = new StringBuilder("\n@@" + n + " start\n");
        String lockScript = s.substring(s.indexOf(FACTS) + FACTS.length(), s.indexOf("\n} 2>&1 ); lock_rc=$?"));
        CommandResult lock = part(lockScript, command.stdin());
        out.append("\n@@").append(n).append(" lock ").append(lock.exitCode()).append('\n').append(lock.stdout()).append(lock.stderr());
        if (lock.exitCode() == 0) {
            String cur = current;
            out.append("\n@@").append(n).append(" current\n").append(part("readlink " + deployTo + "/current || true", null).stdout());
            out.append("\n@@").append(n).append(" releases\n").append(part("ls -1 " + deployTo + "/releases 2>/dev/null || true", null).stdout());
            String complete = part("for d in *; do [ -f \"$d/REVISION\" ] && echo \"$d\"; done; true", null).stdout();
            out.append("\n@@").append(n).append(" complete\n").append(complete);
            if (s.contains(" revision %s")) {
                out.append("\n@@").append(n).append(" ledger\n").append(part("cat " + deployTo + "/.djdeploy/history.jsonl 2>/dev/null || true", null).stdout());
                for (String id : complete.isEmpty() ? new String[0] : complete.split("\n")) {
                    String rel = deployTo + "/releases/" + id;
                    out.append("\n@@").append(n).append(" revision ").append(id).append('\n').append(files.get(rel + "/REVISION"));
                    if (files.containsKey(rel + "/.djdeploy/helper.py")) out.append("\n@@").append(n).append(" helper ").append(id).append('\n');
                    if (s.contains(" manifest %s") && files.containsKey(rel + "/.djdeploy/migrations.json")) {
                        out.append("\n@@").append(n).append(" manifest ").append(id).append('\n')
                                .append(part("cat " + rel + "/.djdeploy/migrations.json", null).stdout());
                    }
                }
            }
            int bg = s.indexOf(n + " bluegreen; ( ");
            if (bg >= 0) {                                                                 // blue-green: which color is live
                int from = bg + (n + " bluegreen; ( ").length();
                CommandResult r = part(s.substring(from, s.indexOf("\n); ", from)), null);
                out.append("\n@@").append(n).append(" bluegreen\n").append(r.stdout());
            }
            int schemaAt = s.indexOf("{ ( ");
            if (schemaAt >= 0 && cur != null) {
                String schema = s.substring(schemaAt + 4, s.indexOf(" ) >\"$schema_out\""));
                CommandResult r = part(schema.replace("\"$cur\"", cur), null);
                out.append("\n@@").append(n).append(" schema ").append(r.exitCode()).append('\n').append(r.stdout())
                        .append("\n@@").append(n).append(" schema-stderr\n").append(r.stderr());
            }
        }
        out.append("\n@@").append(n).append(" end\n");
        return ok(out.toString());
    }

    // ---------------------------------------------------------------- built-in answers

    /** The quoting of Shell.quote removed: rules and assertions match on plain text. */
    static String plain(String script) {
        return script.replace("'\\''", "'").replace("'", "");
    }

    CommandResult builtin(Command command) {
        String s = plain(command.script());
        String stdin = command.stdin() == null ? null : new String(command.stdin(), StandardCharsets.UTF_8);
        String lock = deployTo + "/.djdeploy/lock";
        if (s.contains("\"$d/IMAGE\"")) return ok(imageListing(s));               // ReleaseImages.listing
        if (s.contains("grep -q -F --") && s.contains(lock)) {                        // unlock, only our own
            String runId = s.substring(s.indexOf("grep -q -F -- ") + 14).split(" ")[0];
            if (lockInfo != null && lockInfo.contains(runId)) lockInfo = null;
            if (s.contains("cat >> ") && stdin != null) {                              // the last ledger line, in the same command
                String path = s.substring(s.indexOf("cat >> ") + 7).split(";")[0].strip();
                files.merge(path, stdin, String::concat);
            }
            return ok("");
        }
        if (s.contains("mv -T \"$lock_tmp\" " + lock)) {                               // lock
            if (lockInfo != null) return result(75, lockInfo, "");
            lockInfo = stdin;
            return ok("");
        }
        Matcher sw = SWITCH.matcher(s);
        if (sw.find()) current = sw.group(1);                                          // the switch (then the reload part, ok)
        if (s.startsWith("readlink " + deployTo + "/current")) return ok(current == null ? "" : "releases/" + current);
        if (s.startsWith("ls -1 " + deployTo + "/releases")) return ok(String.join("\n", releases()));
        if (s.contains("for d in *; do [ -f \"$d/REVISION\" ]")) {
            return ok(releases().stream().filter(id -> files.containsKey(deployTo + "/releases/" + id + "/REVISION"))
                    .collect(Collectors.joining("\n")));
        }
        if (s.contains("rev-parse --verify")) return ok(SHA);
        if (s.contains("cat >> ") && stdin != null) {                                  // the ledger
            String path = s.substring(s.indexOf("cat >> ") + 7).strip();
            files.merge(path, stdin, String::concat);
            return ok("");
        }
        Matcher mk = MKDIR_RELEASE.matcher(s);
        if (mk.find()) {
            synchronized (releases) {
                if (!releases.add(mk.group(2))) return result(1, "", "mkdir: cannot create directory: File exists");
            }
        }
        Matcher unfinished = REMOVE_UNFINISHED.matcher(s);
        if (unfinished.find()) {                                                       // remove the run's unfinished release
            String id = unfinished.group(1);
            synchronized (releases) {
                releases.remove(id);
            }
            files.keySet().removeIf(p -> p.startsWith(deployTo + "/releases/" + id + "/"));
            return ok("");
        }
        if (s.startsWith("rm -rf -- ")) {                                              // remove releases
            Matcher m = RELEASE_IN.matcher(s + " ");
            while (m.find()) {
                String id = m.group(1);
                synchronized (releases) {
                    releases.remove(id);
                }
                files.keySet().removeIf(p -> p.startsWith(deployTo + "/releases/" + id + "/"));
            }
            return ok("");
        }
        if (s.startsWith("cat ")) {
            String path = s.substring(4).split(" ")[0];
            String text = files.get(path);
            return text == null ? result(s.contains("|| true") ? 0 : 1, "", "") : ok(text);
        }
        if (s.contains("; then echo present;")) return ok("present");
        if (s.contains("free_kb=")) {
            return ok("free_kb=10000000\nfree_inodes=1000000\nnow_ms=" + System.currentTimeMillis());
        }
        Matcher helper = HELPER.matcher(s);
        if (helper.find()) {
            switch (helper.group(1)) {
                case "health": {
                    Matcher e = EXPECT.matcher(s);
                    String release = e.find() ? e.group(1) : null;
                    return ok("{\"ok\":true,\"status\":200,\"release\":" + (release == null ? "null" : "\"" + release + "\"") + ",\"attempt\":1}");
                }
                case "settings-facts":
                    return ok("{\"db_ok\":true,\"static_root_set\":true,\"static_root_writable\":true}");
                case "migrations":
                    return ok(s.contains("--all") ? allJson : pendingJson);
                case "applied":          // the rollback's light read: the same applied list
                    return ok(pendingJson);
                default:
                    return ok("");
            }
        }
        return ok("");
    }

    private static final Pattern FOR_IDS = Pattern.compile("for d in ([^;]+);");

    /**
     * ReleaseImages.listing, alone or after a REVISION read and its mark (status): the complete
     * releases, their IMAGE lines, then one size line per image the engine has.
     */
    private String imageListing(String s) {
        StringBuilder out = new StringBuilder();
        if (s.startsWith("cat ")) {
            String text = files.get(s.substring(4).split(" ")[0]);
            out.append(text == null ? "" : text).append('\n');
        }
        if (s.contains(Operations.IMAGES_MARK)) out.append(Operations.IMAGES_MARK).append('\n');
        Matcher m = FOR_IDS.matcher(s);
        if (!m.find()) throw new AssertionError("no release loop in " + s);
        List<String> ids = m.group(1).strip().equals("*") ? releases() : Arrays.asList(m.group(1).strip().split(" "));
        List<String> refs = new ArrayList<>();
        for (String id : ids) {
            String rel = deployTo + "/releases/" + id;
            if (!files.containsKey(rel + "/REVISION")) continue;
            out.append("release ").append(id).append('\n');
            String image = files.get(rel + "/IMAGE");
            if (image == null || image.isBlank()) continue;
            String ref = image.strip().split("\n")[0];
            out.append("image ").append(id).append(' ').append(ref).append('\n');
            refs.add(ref);
        }
        // one docker image inspect for all of them
        for (String ref : refs) if (engine.containsKey(ref)) out.append("size ").append(engine.get(ref)).append(' ').append(ref).append('\n');
        return out.toString();
    }

    static CommandResult ok(String stdout) {
        return result(0, stdout, "");
    }

    static CommandResult result(int exit, String stdout, String stderr) {
        List<String> lines = new ArrayList<>();
        for (String t : List.of(stdout, stderr)) if (!t.isEmpty()) lines.addAll(Arrays.asList(t.split("\n")));
        List<String> tail = lines.size() > 15 ? lines.subList(lines.size() - 15, lines.size()) : lines;
        return new CommandResult(exit, stdout, stderr, List.copyOf(tail), Duration.ZERO);
    }

    @Override
    public String toString() {
        return name + " current=" + current + " releases=" + releases();
    }
}
