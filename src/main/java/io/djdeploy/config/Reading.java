package io.djdeploy.config;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading one config file: every problem collected with file, line and key path (reported
 * once however many environments read the same top-level section), unknown keys with a
 * did-you-mean, {@code ${VAR}} interpolation, {@code {value: ..., secret: true}} values, and
 * the typed reads every section uses.
 */
final class Reading {
    private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Duration MAX_DURATION = Duration.ofHours(24);

    final String file;
    /** The variables {@code ${VAR}} interpolation reads. */
    private final Map<String, String> env;
    final List<ConfigError> errors = new ArrayList<>();
    /** Top-level sections are read once per environment: report their problems once. */
    private final Set<String> reported = new LinkedHashSet<>();
    /** By node AND path: an anchor reused as another section must be checked against that section's keys too. */
    private final Map<Read, Map<String, Located>> entryCache = new LinkedHashMap<>();

    Reading(String file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    void error(Node n, String path, String message) {
        int line = n == null ? 0 : n.getStartMark().map(Mark::getLine).orElse(-1) + 1;
        ConfigError e = new ConfigError(file, line, path, message);
        if (reported.add(e.toString())) errors.add(e);
    }

    MappingNode mapping(Node n, String path) {
        if (n instanceof MappingNode m) return m;
        error(n, path, "expected a mapping (key: value lines), got " + kind(n));
        return null;
    }

    String keyName(NodeTuple t) {
        if (t.getKeyNode() instanceof ScalarNode s) return s.getValue();
        error(t.getKeyNode(), "", "keys must be plain strings");
        return null;
    }

    Map<String, Located> entriesOnce(MappingNode m, String path, Set<String> allowed) {
        Read key = new Read(m, path);
        Map<String, Located> cached = entryCache.get(key);
        if (cached != null) return cached;
        Map<String, Located> e = entries(m, path, allowed);
        entryCache.put(key, e);
        return e;
    }

    Map<String, Located> entries(MappingNode m, String path, Set<String> allowed) {
        Map<String, Located> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = keyName(t);
            if (k == null) continue;
            String kp = path.isEmpty() ? k : path + "." + k;
            if (!allowed.contains(k)) {
                error(t.getKeyNode(), kp, "unknown key" + suggestion(k, allowed));
                continue;
            }
            if (out.containsKey(k)) {
                error(t.getKeyNode(), kp, "duplicate key (first set at line " + out.get(k).keyLine() + ")");
                continue;
            }
            out.put(k, new Located(t.getValueNode(), kp, t.getKeyNode().getStartMark().map(mk -> mk.getLine() + 1).orElse(0)));
        }
        return out;
    }

    private String suggestion(String k, Set<String> allowed) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = distance(k, a);
            if (d < bestD) {
                bestD = d;
                best = a;
            }
        }
        if (best != null && bestD <= Math.max(2, k.length() / 3)) return " (did you mean " + best + "?)";
        return " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")";
    }

    /** Values written as {value: ..., secret: true}: never shown in output, events or the ledger. */
    final List<String> secrets = new ArrayList<>();

    /** The scalar as a string with ${VAR} interpolated, or null (error recorded). */
    String scalar(Located l) {
        if (l.node() instanceof MappingNode m && isSecretForm(m)) return secretValue(m, l.path());
        if (!(l.node() instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            error(l.node(), l.path(), "expected a value, got " + kind(l.node()));
            return null;
        }
        return interpolate(s, l.path());
    }

    private boolean isSecretForm(MappingNode m) {
        return m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("secret"));
    }

    /** {value: TEXT, secret: true|false}: any text setting may be written so. */
    private String secretValue(MappingNode m, String path) {
        Map<String, Located> e = entries(m, path, Set.of("value", "secret"));
        if (!e.containsKey("value")) {
            error(m, path, "expected a value, got a mapping (a secret is written as {value: ..., secret: true})");
            return null;
        }
        Located v = e.get("value");
        if (!(v.node() instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            error(v.node(), v.path(), "expected a value, got " + kind(v.node()));
            return null;
        }
        String value = interpolate(s, v.path());
        if (value != null && bool(e.get("secret"), false)) secrets.add(value);
        return value;
    }

    private String interpolate(ScalarNode s, String path) {
        String v = s.getValue();
        if (v.indexOf('$') < 0) return v;
        Matcher m = VAR.matcher(v);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String rep;
            if (m.group().equals("$$")) {
                rep = "$";
            } else {
                String val = env.get(m.group(1));
                if (val == null || (val.isEmpty() && m.group(2) != null)) val = m.group(2);
                if (val == null) {
                    error(s, path, "environment variable " + m.group(1) + " is not set (use ${" + m.group(1) + ":-default} for a default)");
                    return null;
                }
                rep = val;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(rep));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    String requiredString(Map<String, Located> m, String key, String path, Function<String, String> check) {
        Located l = m.get(key);
        if (l == null) return null; // the caller reports it where the key belongs
        return string(l, null, check);
    }

    String string(Located l, String dflt, Function<String, String> check) {
        if (l == null) return dflt;
        if (l.node() instanceof MappingNode m && isSecretForm(m)) {
            String v = secretValue(m, l.path());
            String problem = v == null || check == null ? null : check.apply(v);
            if (problem != null) {
                error(l.node(), l.path(), problem);
                return dflt;
            }
            return v == null ? dflt : v;
        }
        if (!(l.node() instanceof ScalarNode)) {
            error(l.node(), l.path(), "expected a string, got " + kind(l.node()));
            return dflt;
        }
        // a plain scalar that is exactly ${VAR} is tagged ENV_TAG by snakeyaml-engine: still a string here
        if (l.node() instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) && !s.getTag().equals(Tag.STR)
                && !s.getTag().equals(Tag.ENV_TAG) && !s.getTag().equals(Tag.INT) && !s.getTag().equals(Tag.FLOAT)) {
            error(l.node(), l.path(), "expected a string, got " + kind(l.node()));
            return dflt;
        }
        String v = scalar(l);
        if (v == null) return dflt;
        String problem = check == null ? null : check.apply(v);
        if (problem != null) {
            error(l.node(), l.path(), problem);
            return dflt;
        }
        return v;
    }

    boolean bool(Located l, boolean dflt) {
        if (l == null) return dflt;
        if (l.node() instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
        if (l.node() instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                && s.getValue().toLowerCase(Locale.ROOT).matches("yes|no|on|off|y|n|true|false")) {
            error(l.node(), l.path(), "expected true or false, got the string '" + s.getValue() + "' (write true or false, unquoted)");
            return dflt;
        }
        error(l.node(), l.path(), "expected true or false, got " + kind(l.node()));
        return dflt;
    }

    int integer(Located l, int dflt, int min, int max) {
        if (l == null) return dflt;
        if (l.node() instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                int v = Integer.parseInt(s.getValue());
                if (v < min || v > max) {
                    error(l.node(), l.path(), "must be between " + min + " and " + max + ", got " + v);
                    return dflt;
                }
                return v;
            } catch (NumberFormatException e) {
                error(l.node(), l.path(), "must be between " + min + " and " + max + ", got " + s.getValue());
                return dflt;
            }
        }
        if (l.node() instanceof ScalarNode s && s.getTag().equals(Tag.STR) && s.getValue().matches("-?[0-9]+")) {
            error(l.node(), l.path(), "expected a whole number, got the string '" + s.getValue() + "' (write numbers without quotes)");
            return dflt;
        }
        error(l.node(), l.path(), "expected a whole number, got " + kind(l.node()));
        return dflt;
    }

    Duration duration(Located l, Duration dflt) {
        if (l == null) return dflt;
        String v = l.node() instanceof ScalarNode ? scalar(l) : null;
        if (v == null) {
            if (!(l.node() instanceof ScalarNode)) error(l.node(), l.path(), "expected a duration such as 5s, 500ms or 2m, got " + kind(l.node()));
            return dflt;
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            error(l.node(), l.path(), "expected a duration such as 5s, 500ms or 2m, got '" + v + "'");
            return dflt;
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            d = null; // more digits than a long holds: too long by any measure
        }
        if (d != null && d.isZero()) {
            error(l.node(), l.path(), "must be more than zero");
            return dflt;
        }
        // a cap keeps timeout x retries arithmetic far from overflow
        if (d == null || d.compareTo(MAX_DURATION) > 0) {
            error(l.node(), l.path(), "must be at most 24h, got '" + v + "'");
            return dflt;
        }
        return d;
    }

    <E extends Enum<E>> E enumValue(Located l, E dflt, Class<E> type) {
        if (l == null) return dflt;
        String v = scalar(l);
        if (v == null) return dflt;
        for (E e : type.getEnumConstants()) {
            if (e.name().replace('_', '-').equalsIgnoreCase(v)) return e;
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        error(l.node(), l.path(), "must be one of " + String.join(", ", names) + ", got '" + v + "'");
        return dflt;
    }

    List<String> stringList(Located l, List<String> dflt, Function<String, String> check) {
        if (l == null) return dflt;
        if (!(l.node() instanceof SequenceNode seq)) {
            error(l.node(), l.path(), "expected a list, got " + kind(l.node()));
            return dflt;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String v = string(new Located(seq.getValue().get(i), l.path() + "[" + i + "]"), null, check);
            if (v != null) out.add(v);
        }
        return List.copyOf(out);
    }

    private record Read(Node node, String path) {}

    static String kind(Node n) {
        if (n instanceof MappingNode) return "a mapping";
        if (n instanceof SequenceNode) return "a list";
        if (n instanceof ScalarNode s) {
            Tag t = s.getTag();
            if (t.equals(Tag.NULL)) return "nothing";
            if (t.equals(Tag.INT)) return "a number";
            if (t.equals(Tag.FLOAT)) return "a number";
            if (t.equals(Tag.BOOL)) return "a boolean";
            if (t.equals(Tag.ENV_TAG)) return "a ${VAR} reference (only text values are interpolated)";
            if (t.equals(Tag.STR)) return "a string";
            return "a value tagged " + t.getValue();
        }
        return "something else";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
