package io.djdeploy.remote;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one quoting function. Every value that reaches a shell, local or remote, passes
 * through {@link #quote(String)}; commands stay lists of arguments until {@link #join}.
 */
public final class Shell {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /** POSIX single-quote quoting: safe for sh, bash and dash, for any byte but NUL. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell argument cannot contain a NUL byte");
        }
        if (!value.isEmpty() && SAFE.matcher(value).matches()) {
            return value; // nothing the shell would interpret: keep commands readable
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Quotes each argument and joins them with spaces. */
    public static String join(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(quote(a));
        }
        return sb.toString();
    }

    public static String join(String... args) {
        return join(List.of(args));
    }

    /**
     * A shell variable set on the host by an earlier part of the same command
     * ({@link Command#assign}, {@link Command#let}), used as one argument: {@code "$name"},
     * optionally with fixed text around it ({@code /srv/releases/"$from"/.venv}); {@code $} is
     * the shell's pid ({@code "$$"}).
     */
    public record Var(String prefix, String name, String suffix) {
        public Var {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*|[1-9$]")) throw new IllegalArgumentException("not a variable name: " + name);
        }

        /** The same variable inside a path or a message. */
        public Var around(String before, String after) {
            return new Var(before, name, after);
        }

        String render() {
            return (prefix.isEmpty() ? "" : quote(prefix)) + "\"$" + name + "\"" + (suffix.isEmpty() ? "" : quote(suffix));
        }
    }

    public static Var var(String name) {
        return new Var("", name, "");
    }

    /** A file name pattern the shell expands on the host: letters, digits, _ . / - and * only. */
    public record Glob(String pattern) {
        public Glob {
            if (!pattern.matches("[A-Za-z0-9_./*-]+")) throw new IllegalArgumentException("not a plain glob: " + pattern);
        }
    }

    public static Glob glob(String pattern) {
        return new Glob(pattern);
    }

    /** Strings are quoted, variables and globs become what the shell expands. */
    static String word(Object arg) {
        if (arg instanceof Var v) return v.render();
        if (arg instanceof Glob g) return g.pattern();
        if (arg instanceof String s) return quote(s);
        throw new IllegalArgumentException("not a shell word: " + arg);
    }
}
