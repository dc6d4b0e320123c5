package io.djdeploy.it;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The setup every integration test shares, in one place: a test asks for what it needs as a
 * parameter and gets it started in its own temporary directory, stopped afterwards, and
 * shown when a test fails.
 * <ul>
 *   <li>{@link TestHosts} ({@link Hosts @Hosts(n)}, default 1): one fleet per test class, shared
 *       by its tests (ask for it in a {@code @BeforeAll} method), stopped after the last one;</li>
 *   <li>{@link Site}: a local site per parameter, stopped after the test;</li>
 *   <li>{@link Postgres}: one cluster per test class;</li>
 *   <li>{@link MariaDb}: one server per test class.</li>
 * </ul>
 * When a test fails, the tails of the logs and ledgers of everything it used are printed,
 * and the directories are kept for inspection (their paths are printed); otherwise they are
 * removed.
 */
final class TestHostsExtension implements ParameterResolver, AfterTestExecutionCallback {
    /** How many test hosts the class's fleet has. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Hosts {
        int value() default 1;

        /** Each host also runs its own Docker Engine (scripts/testhosts up --containers). */
        boolean containers() default false;
    }

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestHostsExtension.class);
    private static final int TAIL = 30;
    private static final int LEDGER_TAIL = 3;
    private static final int LINE = 400;

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        Class<?> t = p.getParameter().getType();
        return t == TestHosts.class || t == Site.class || t == Postgres.class || t == MariaDb.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Class<?> t = p.getParameter().getType();
        try {
            if (t == TestHosts.class) {
                int n = p.findAnnotation(Hosts.class).map(Hosts::value).orElse(1);
                boolean containers = p.findAnnotation(Hosts.class).map(Hosts::containers).orElse(false);
                Resources r = resources(classContext(c));
                TestHosts hosts = r.find(TestHosts.class);
                if (hosts == null) {
                    Path dir = Files.createTempDirectory(prefix(c));
                    hosts = r.add(new TestHosts(dir, n, containers), dir);
                }
                if (hosts.addresses.size() != n) {
                    throw new ParameterResolutionException("the class's fleet has " + hosts.addresses.size() + " hosts, asked for " + n);
                }
                return hosts;
            }
            if (t == Postgres.class) {
                Resources r = resources(classContext(c));
                Postgres pg = r.find(Postgres.class);
                return pg != null ? pg : r.add(new Postgres(), null);
            }
            if (t == MariaDb.class) {
                Resources r = resources(classContext(c));
                MariaDb my = r.find(MariaDb.class);
                return my != null ? my : r.add(new MariaDb(), null);
            }
            Path dir = Files.createTempDirectory(prefix(c));
            return resources(c).add(new Site(dir), dir);
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new ParameterResolutionException("could not start " + t.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext c) {
        if (c.getExecutionException().isEmpty()) return;
        String test = c.getRequiredTestClass().getSimpleName() + "." + c.getRequiredTestMethod().getName();
        StringBuilder out = new StringBuilder("\n==== " + test + " failed; what it used:\n");
        for (ExtensionContext ctx : List.of(c, classContext(c))) {
            Resources r = ctx.getStore(NS).get(Resources.class, Resources.class);
            if (r == null) continue;
            r.failed = true;
            r.dump(out);
        }
        System.out.println(out);
    }

    private static String prefix(ExtensionContext c) {
        return "djdeploy-" + c.getRequiredTestClass().getSimpleName() + "-";
    }

    /** The context of the test class (a @BeforeAll method resolves its parameters in it). */
    private static ExtensionContext classContext(ExtensionContext c) {
        ExtensionContext ctx = c;
        while (ctx.getTestMethod().isPresent() && ctx.getParent().isPresent()) ctx = ctx.getParent().get();
        return ctx;
    }

    private static Resources resources(ExtensionContext c) {
        return c.getStore(NS).getOrComputeIfAbsent(Resources.class, k -> new Resources(), Resources.class);
    }

    /** What one context started, closed in reverse order when the context ends. */
    static final class Resources implements ExtensionContext.Store.CloseableResource {
        private final List<AutoCloseable> started = new ArrayList<>();
        private final List<Path> dirs = new ArrayList<>();
        boolean failed;

        <T extends AutoCloseable> T add(T resource, Path dir) {
            started.add(resource);
            dirs.add(dir);
            return resource;
        }

        <T> T find(Class<T> type) {
            for (AutoCloseable a : started) if (type.isInstance(a)) return type.cast(a);
            return null;
        }

        void dump(StringBuilder out) {
            for (AutoCloseable a : started) {
                if (a instanceof Site s) {
                    Path d = s.site.dir();
                    out.append("-- local site ").append(d).append('\n');
                    tail(out, d.resolve("log/web.log"));
                    tail(out, d.resolve("log/supervisord.log"));
                    tail(out, s.site.deployTo().resolve(".djdeploy/history.jsonl"), LEDGER_TAIL);
                } else if (a instanceof TestHosts h) {
                    out.append("-- test hosts ").append(h.dir).append('\n');
                    for (String address : h.addresses) {
                        Path host = h.host(address);
                        tail(out, host.resolve("console.log"));
                        try (Stream<Path> logs = Files.list(host.resolve("log/demo"))) {
                            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) tail(out, log);
                        } catch (IOException e) {
                            // no web logs yet
                        }
                        tail(out, host.resolve("log/nginx/error.log"));
                        tail(out, host.resolve("log/dockerd.log"));
                        tail(out, host.resolve("srv/demo/.djdeploy/history.jsonl"), LEDGER_TAIL);
                    }
                } else if (a instanceof Postgres pg) {
                    out.append("-- postgres ").append(pg.dir).append('\n');
                    tail(out, pg.dir.resolve("log"));
                } else if (a instanceof MariaDb my) {
                    out.append("-- mariadb ").append(my.dir).append('\n');
                    tail(out, my.dir.resolve("log"));
                }
            }
        }

        private static void tail(StringBuilder out, Path file) {
            tail(out, file, TAIL);
        }

        private static void tail(StringBuilder out, Path file, int n) {
            if (!Files.isRegularFile(file)) return;
            try {
                List<String> lines = Files.readAllLines(file);
                out.append("--- ").append(file).append(" (last ").append(Math.min(n, lines.size())).append(" lines)\n");
                for (String l : lines.subList(Math.max(0, lines.size() - n), lines.size())) {
                    // a ledger line holds a whole run; its start says which run and how it ended
                    out.append("    ").append(l.length() > LINE ? l.substring(0, LINE) + "... (" + l.length() + " chars)" : l).append('\n');
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                out.append("--- ").append(file).append(": unreadable (").append(e.getMessage()).append(")\n");
            }
        }

        @Override
        public void close() throws Throwable {
            Throwable first = null;
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                    Path dir = dirs.get(i);
                    if (dir == null) continue;
                    if (failed) System.out.println("kept for inspection: " + dir);
                    else delete(dir);
                } catch (Throwable t) {
                    if (first == null) first = t;
                    else first.addSuppressed(t);
                }
            }
            if (first != null) throw first;
        }

        /** Removes a directory tree without following links (a release's `current` points inside it). */
        private static void delete(Path dir) throws IOException {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
