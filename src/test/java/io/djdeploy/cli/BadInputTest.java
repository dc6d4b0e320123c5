package io.djdeploy.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input corpus (src/test/resources/bad-input, see docs/bad-input.md): broken configs
 * and command lines. Each case must end with its exit code and its exact first error line,
 * and must not have opened a connection to any host: every host in the corpus is
 * 127.0.0.1 on the port of a listener this test owns, which counts what it is offered.
 */
class BadInputTest {
    private static final String CORPUS = "bad-input";
    /** {repeat:N:TEXT}: TEXT N times, for inputs too big to keep in the repository (a 1 MiB file, 20,000 nested lists). */
    private static final Pattern REPEAT = Pattern.compile("\\{repeat:(\\d+):([^}\\n]+)}");

    @TempDir
    static Path work;

    private static ServerSocket listener;
    /** case -> "exit code" or "exit code  FAILED", printed for the reader at the end. */
    private static final Map<String, String> table = new TreeMap<>();

    @BeforeAll
    static void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        // a connection attempt completes in the kernel's backlog whether or not we accept it:
        // after each case, accept() with a short timeout drains and counts them
        listener.setSoTimeout(50);
    }

    @AfterAll
    static void printTableAndClose() throws IOException {
        listener.close();
        System.out.println();
        System.out.println("bad-input corpus: " + table.size() + " cases");
        System.out.printf("%-38s %s%n", "case", "exit");
        table.forEach((name, result) -> System.out.printf("%-38s %s%n", name, result));
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException, URISyntaxException {
        List<Path> cases = cases();
        assertThat(cases).as("cases under src/test/resources/" + CORPUS).hasSizeGreaterThanOrEqualTo(30);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> run(c)));
    }

    private void run(Path source) throws Exception {
        // given: the case copied to its own directory, placeholders filled in
        String name = source.getFileName().toString();
        Path dir = Files.createDirectories(work.resolve(name));
        Path config = dir.resolve("deploy.yml");
        List<String> expected = Files.readAllLines(source.resolve("expected"));
        assertThat(expected).as(name + "/expected: exit code, then the first line of stderr").hasSizeGreaterThanOrEqualTo(2);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (file.equals("args") || file.equals("expected")) continue;
                // ISO-8859-1 maps every byte to one char and back: a case that is not UTF-8 is copied byte for byte
                Files.writeString(dir.resolve(file), fill(Files.readString(f, StandardCharsets.ISO_8859_1), dir, config),
                        StandardCharsets.ISO_8859_1);
                // private, as an operator's key file is (one that others can read is refused before it is read)
                Files.setPosixFilePermissions(dir.resolve(file), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }
        String[] args = Files.readAllLines(source.resolve("args")).stream()
                .filter(a -> !a.isEmpty()).map(a -> fill(a, dir, config)).toArray(String[]::new);
        drainConnections();

        // when
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));

        // then
        int connections = drainConnections();
        String stderr = err.toString().replaceAll("\u001b\\[[0-9;]*m", "");
        String first = stderr.lines().findFirst().orElse("").replace(config.toString(), "{config}").replace(dir.toString(), "{dir}");
        boolean ok = code == Integer.parseInt(expected.get(0).strip()) && first.equals(expected.get(1)) && connections == 0;
        table.put(name, code + (ok ? "" : "  FAILED") + (connections > 0 ? "  (" + connections + " connection(s)!)" : ""));
        String context = String.join(" ", args) + "\nstderr:\n" + stderr + "stdout:\n" + out;
        assertThat(connections).as("connections to the test host; " + context).isZero();
        assertThat(code).as("exit code; " + context).isEqualTo(Integer.parseInt(expected.get(0).strip()));
        assertThat(first).as("first line of stderr; " + context).isEqualTo(expected.get(1));
    }

    private static String fill(String text, Path dir, Path config) {
        Matcher repeat = REPEAT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (repeat.find()) {
            repeat.appendReplacement(sb, Matcher.quoteReplacement(repeat.group(2).repeat(Integer.parseInt(repeat.group(1)))));
        }
        repeat.appendTail(sb);
        return sb.toString().replace("{config}", config.toString())
                .replace("{dir}", dir.toString())
                .replace("{port}", String.valueOf(listener.getLocalPort()));
    }

    /** Accepts (and closes) every pending connection; returns how many there were. */
    private static int drainConnections() throws IOException {
        int n = 0;
        while (true) {
            try (Socket s = listener.accept()) {
                n++;
            } catch (SocketTimeoutException e) {
                return n;
            }
        }
    }

    private static List<Path> cases() throws IOException, URISyntaxException {
        URL url = BadInputTest.class.getClassLoader().getResource(CORPUS);
        assertThat(url).as("test resource " + CORPUS).isNotNull();
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            s.filter(Files::isDirectory).sorted().forEach(cases::add);
        }
        return cases;
    }
}
