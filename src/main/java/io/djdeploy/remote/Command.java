package io.djdeploy.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One command for a host's POSIX shell. Built from argument lists through {@link Shell} and
 * put together with the combinators below ({@link #then}, {@link #orElse}, {@link #pipe},
 * {@link #ifElse}, ...), so no code outside this package writes shell syntax by hand. Raw
 * shell text is only taken from the user's own config (e.g. a reload command), where any value
 * we substitute is quoted too, and for a few fixed snippets without values. Secrets travel in
 * {@code stdin}, never in the text.
 *
 * <p>Each command knows its shape, so a combinator groups an operand only when the shell would
 * otherwise read it differently: {@code a.then(b.orElse(c))} is {@code a && { b || c; }},
 * and a user's command that ends in a {@code # comment} is closed on a new line.
 */
public final class Command {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    /** How the text may be combined without changing its meaning. */
    private enum Shape {
        /** one simple command, pipeline, if/case or group: usable as any operand */
        UNIT,
        /** an && list: fine on either side of && (it is associative), on the left of || */
        AND,
        /** an && / || list: fine on the left of && and ||, grouped elsewhere */
        AND_OR,
        /** anything else (`;`, a newline, a comment, `&`): always grouped */
        LIST
    }

    private final String script;
    private final byte[] stdin;
    private final Duration timeout;
    private final Shape shape;
    private final String exported;

    /** Shell text as is (its shape is read from the text). */
    public Command(String script, byte[] stdin, Duration timeout) {
        this(script, stdin, timeout, shapeOf(script));
    }

    private Command(String script, byte[] stdin, Duration timeout, Shape shape) {
        this(script, stdin, timeout, shape, null);
    }

    private Command(String script, byte[] stdin, Duration timeout, Shape shape, String exported) {
        if (script == null || script.isBlank()) throw new IllegalArgumentException("empty command");
        this.exported = exported;
        this.script = script;
        this.stdin = stdin;
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        this.shape = shape;
    }

    public String script() { return script; }

    /** The script variable an {@link #export} sets, else null. */
    public String exported() { return exported; }
    public byte[] stdin() { return stdin; }
    public Duration timeout() { return timeout; }

    // ------------------------------------------------------------------ building

    /** A program and its arguments; every argument is quoted. */
    public static Command of(String... args) {
        return new Command(Shell.join(args), null, null, Shape.UNIT);
    }

    public static Command of(List<String> args) {
        return new Command(Shell.join(args), null, null, Shape.UNIT);
    }

    /** Like {@link #of(String...)}, with {@link Shell#var} and {@link Shell#glob} words among the strings. */
    public static Command of(Object... args) {
        StringBuilder sb = new StringBuilder();
        for (Object a : args) sb.append(sb.length() == 0 ? "" : " ").append(Shell.word(a));
        return new Command(sb.toString(), null, null, Shape.UNIT);
    }

    /** {@code name=$(producer)}: the output of a command, for later parts of the same command. Fails as the producer does. */
    public static Command assign(String name, Command producer) {
        Shell.var(name);
        return new Command(name + "=$(" + producer.script + (openEnd(producer.script) ? "\n" : "") + ")", producer.stdin,
                producer.timeout, Shape.UNIT);
    }

    /**
     * For a standalone script: {@code NAME=$(producer)} at the script's top level, so later
     * commands of the script read {@code "$NAME"} ({@link Shell#var}). The producer prints
     * the reason on standard error and exits non-zero when there is no value.
     */
    public static Command export(String name, Command producer) {
        Command c = assign(name, producer);
        return new Command(c.script, c.stdin, c.timeout, c.shape, name);
    }

    /** The command an {@link #export} runs (itself for any other command). */
    public Command producer() {
        if (exported == null) return this;
        String inner = script.substring(exported.length() + 3, script.length() - 1);
        return new Command(inner.endsWith("\n") ? inner.substring(0, inner.length() - 1) : inner, stdin, timeout);
    }

    /** {@code name=VALUE}, the value quoted. */
    public static Command let(String name, String value) {
        Shell.var(name);
        return new Command(name + "=" + Shell.quote(value), null, null, Shape.UNIT);
    }

    /**
     * Shell text without any substituted value: a user's configured command (values already
     * quoted by the template renderer) or a fixed snippet such as {@code true}.
     */
    public static Command sh(String script) {
        return new Command(script, null, null);
    }

    /** Runs {@code next} only when this one succeeded: {@code this && next}. */
    public Command then(Command next) {
        return join(this, " && ", next);
    }

    /** Runs {@code other} only when this one failed: {@code this || other}. */
    public Command orElse(Command other) {
        return join(this, " || ", other);
    }

    /** This one's exit status does not matter: {@code this || true}. */
    public Command orTrue() {
        return orElse(sh("true"));
    }

    /** Runs {@code next} whatever this one's status: {@code this; next}. */
    public Command andAlso(Command next) {
        String left = openEnd(script) ? group(this).script : script;
        return new Command(left + "; " + next.script, stdin != null ? stdin : next.stdin, timeout, Shape.LIST);
    }

    /** This one's standard output into {@code next}'s standard input. */
    public Command pipe(Command next) {
        return new Command(unit(this).script + " | " + unit(next).script, stdin != null ? stdin : next.stdin, timeout, Shape.UNIT);
    }

    /** {@code if cond; then yes; else no; fi}; {@code no} may be null. */
    public static Command ifElse(Command cond, Command yes, Command no) {
        StringBuilder sb = new StringBuilder("if ").append(body(cond)).append("then ").append(body(yes));
        if (no != null) sb.append("else ").append(body(no));
        sb.append("fi");
        byte[] in = cond.stdin != null ? cond.stdin : yes.stdin != null ? yes.stdin : no == null ? null : no.stdin;
        return new Command(sb.toString(), in, cond.timeout, Shape.UNIT);
    }

    public static Command ifThen(Command cond, Command yes) {
        return ifElse(cond, yes, null);
    }

    /** {@code ! this}: succeeds when this one fails. */
    public Command not() {
        return new Command("! " + unit(this).script, stdin, timeout, Shape.UNIT);
    }

    /** {@code [ "$(this)" = VALUE ]}: this one's output (trailing newlines dropped) is exactly {@code value}. */
    public Command outputIs(String value) {
        return new Command("[ \"$(" + script + (openEnd(script) ? "\n" : "") + ")\" = " + Shell.quote(value) + " ]", stdin, timeout, Shape.UNIT);
    }

    /** {@code [ "$(this)" = "$var" ]}: this one's output equals a shell variable's value. */
    public Command outputIs(Shell.Var var) {
        return new Command("[ \"$(" + script + (openEnd(script) ? "\n" : "") + ")\" = " + Shell.word(var) + " ]", stdin, timeout, Shape.UNIT);
    }

    /** Detached from the caller's terminal and pipes: {@code this >/dev/null 2>&1 </dev/null}. */
    public Command detached() {
        return redirect(">/dev/null 2>&1 </dev/null");
    }

    /** Standard error thrown away: {@code this 2>/dev/null}. */
    public Command quiet() {
        return redirect("2>/dev/null");
    }

    /** Both outputs thrown away. */
    public Command silent() {
        return redirect(">/dev/null 2>&1");
    }

    /** Standard output replaces {@code path}. */
    public Command writeTo(String path) {
        return redirect("> " + Shell.quote(path));
    }

    /** Standard output is appended to {@code path}. */
    public Command appendTo(String path) {
        return redirect(">> " + Shell.quote(path));
    }

    /** Standard error into standard output: {@code this 2>&1}. */
    public Command mergeStderr() {
        return redirect("2>&1");
    }

    /** Standard output goes to standard error (a message for the operator, not for the parser). */
    public Command toStderr() {
        return redirect(">&2");
    }

    private Command redirect(String r) {
        return new Command(unit(this).script + " " + r, stdin, timeout, Shape.UNIT);
    }

    /** {@code exit N}: ends the command with that status. */
    public static Command exit(int status) {
        return new Command("exit " + status, null, null, Shape.UNIT);
    }

    /** Prints one line (printf, so no value is read as an option or escape). */
    public static Command echo(String line) {
        return of("printf", "%s\\n", line);
    }

    /** A message on standard error, then {@code exit status}: a check that fails with a reason. */
    public static Command fail(String message, int status) {
        return echo(message).toStderr().andAlso(exit(status));
    }

    /**
     * Writes {@code content} (from standard input) to {@code path} with {@code mode}: a temp
     * file next to it, then rename(2), so nobody ever reads it half-written.
     */
    public static Command writeFile(String path, int mode, byte[] content) {
        int slash = path.lastIndexOf('/');
        String tmp = path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".tmp";
        return of("mkdir", "-p", "--", slash > 0 ? path.substring(0, slash) : "/")
                .then(of("cat").writeTo(tmp))
                .then(of("chmod", Integer.toOctalString(mode & 07777), "--", tmp))
                .then(of("mv", "-f", "--", tmp, path))
                .withStdin(content);
    }

    /**
     * Points the symlink {@code dir/name} at {@code target} atomically: a new link under a
     * temp name, renamed over the old one (rename(2) is atomic; `ln -sfn` unlinks first, so
     * for a moment there would be no link at all).
     */
    public static Command swapLink(String dir, String target, String name) {
        String tmp = name + ".tmp";
        return of("rm", "-f", tmp).then(of("ln", "-s", target, tmp)).then(of("mv", "-T", tmp, name)).in(dir);
    }

    /** Runs the command inside a directory: {@code cd DIR && this}. */
    public Command in(String dir) {
        return of("cd", dir).then(this);
    }

    /** {@code { this; }}: one unit, whatever it holds. */
    public Command grouped() {
        return group(this);
    }

    public Command withStdin(String text) {
        return withStdin(text.getBytes(StandardCharsets.UTF_8));
    }

    public Command withStdin(byte[] content) {
        return new Command(script, content, timeout, shape);
    }

    public Command withTimeout(Duration t) {
        return new Command(script, stdin, t, shape);
    }

    // ------------------------------------------------------------------ shapes

    private static Command join(Command a, String op, Command b) {
        boolean and = op.equals(" && ");
        Command left = a.shape == Shape.LIST ? group(a) : a;
        Command right = b.shape == Shape.UNIT || and && b.shape == Shape.AND ? b : group(b);
        Shape shape = and && left.shape != Shape.AND_OR ? Shape.AND : Shape.AND_OR;
        return new Command(left.script + op + right.script, a.stdin != null ? a.stdin : b.stdin, a.timeout, shape);
    }

    private static Command unit(Command c) {
        return c.shape == Shape.UNIT ? c : group(c);
    }

    private static Command group(Command c) {
        // "\n}" rather than "; }" when the text may end in a # comment or a newline
        return new Command("{ " + c.script + (openEnd(c.script) ? "\n}" : "; }"), c.stdin, c.timeout, Shape.UNIT);
    }

    /** The text followed by the separator an if/then/else part needs. */
    private static String body(Command c) {
        return c.script + (openEnd(c.script) ? "\n" : "; ");
    }

    /** A # comment or a trailing newline: only a newline may follow. */
    private static boolean openEnd(String s) {
        return scan(s).comment || s.endsWith("\n");
    }

    private record Scan(boolean list, boolean and, boolean or, boolean comment) {}

    private static Shape shapeOf(String s) {
        Scan r = scan(s);
        if (r.list || r.comment) return Shape.LIST;
        return r.or ? Shape.AND_OR : r.and ? Shape.AND : Shape.UNIT;
    }

    /**
     * Reads shell text for top-level list operators, outside quotes and outside $( ), ( ),
     * { }, if..fi and case..esac (which make one unit). Conservative: when in doubt, LIST.
     */
    private static Scan scan(String s) {
        boolean list = false;
        boolean and = false;
        boolean or = false;
        boolean comment = false;
        int depth = 0;
        char q = 0;
        boolean wordStart = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q == '\'') {
                if (c == '\'') q = 0;
                continue;
            }
            if (c == '\\' && i + 1 < s.length()) {
                i++;
                wordStart = false;
                continue;
            }
            if (q == '"') {
                if (c == '"') q = 0;
                continue;
            }
            if (c == '\'' || c == '"') {
                q = c;
                wordStart = false;
                continue;
            }
            if (c == '#' && wordStart) {
                comment = true;
                int nl = s.indexOf('\n', i);
                if (nl < 0) break;
                i = nl - 1;
                continue;
            }
            if (c == '(' || c == '{' && wordStart) depth++;
            else if ((c == ')' || c == '}' && wordStart) && depth > 0) depth--;
            else if (wordStart && startsWord(s, i, "if") || wordStart && startsWord(s, i, "case")) depth++;
            else if (wordStart && (startsWord(s, i, "fi") || startsWord(s, i, "esac")) && depth > 0) depth--;
            else if (depth == 0) {
                if (c == ';' || c == '\n') list = true;
                else if (c == '&' && i + 1 < s.length() && s.charAt(i + 1) == '&') { and = true; i++; }
                else if (c == '|' && i + 1 < s.length() && s.charAt(i + 1) == '|') { or = true; i++; }
                else if (c == '&' && (i == 0 || s.charAt(i - 1) != '>') && (i + 1 >= s.length() || s.charAt(i + 1) != '>')) list = true;
            }
            wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == '{';
        }
        return new Scan(list, and, or, comment);
    }

    private static boolean startsWord(String s, int i, String w) {
        if (!s.startsWith(w, i)) return false;
        int end = i + w.length();
        return end == s.length() || " \t\n;".indexOf(s.charAt(end)) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && script.equals(c.script) && Arrays.equals(stdin, c.stdin) && timeout.equals(c.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(script, Arrays.hashCode(stdin), timeout);
    }

    @Override
    public String toString() {
        return script;
    }
}
