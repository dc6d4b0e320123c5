package io.djdeploy.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an env file the ways the app may read it, so the redactor knows every value the app
 * sees: python-dotenv's rules (single quotes literal, double quotes with backslash escapes and
 * several lines, an unquoted value ends at " #", {@code ${VAR}} expansion, {@code export }),
 * and the simpler loader of the example app and the helper (strip, one pair of quotes). Each
 * key yields every candidate value; a superset is safe, a missed form would leak.
 */
final class DotEnv {
    private static final Pattern KEY = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*");
    private static final Pattern EXPAND = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private DotEnv() {}

    /** Key to its candidate values, in file order. */
    static Map<String, Set<String>> values(String text) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = KEY.matcher(line);
            if (!m.lookingAt()) continue;
            String key = m.group(1);
            String rest = line.substring(m.end());
            Set<String> candidates = out.computeIfAbsent(key, k -> new LinkedHashSet<>());
            candidates.add(simple(line.substring(line.indexOf('=') + 1)));
            String value;
            char q = rest.isEmpty() ? 0 : rest.charAt(0);
            if (q == '\'' || q == '"') {
                // a quoted value may go on over several lines until its closing quote
                StringBuilder raw = new StringBuilder(rest.substring(1));
                int end = closing(raw, q);
                while (end < 0 && i + 1 < lines.length) {
                    raw.append('\n').append(lines[++i]);
                    end = closing(raw, q);
                }
                String body = end < 0 ? raw.toString() : raw.substring(0, end);
                value = q == '\'' ? body.replace("\\'", "'").replace("\\\\", "\\") : unescape(body);
                if (q == '"') value = expand(value, seen);
                for (String part : body.split("\n")) candidates.add(part.strip());
                for (String part : value.split("\n")) candidates.add(part.strip());
            } else {
                value = expand(rest.replaceAll("\\s+#.*$", "").strip(), seen);
            }
            candidates.add(value);
            seen.put(key, value);
        }
        return out;
    }

    /** The example app's and the helper's rule: strip, drop one pair of matching quotes. */
    private static String simple(String v) {
        String value = v.strip();
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.charAt(value.length() - 1) == value.charAt(0)) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static int closing(CharSequence s, char q) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == q) return i;
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '"', '\\', '\'' -> b.append(n);
                default -> b.append('\\').append(n);
            }
        }
        return b.toString();
    }

    private static String expand(String value, Map<String, String> seen) {
        if (value.indexOf("${") < 0) return value;
        Matcher m = EXPAND.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            // the host's own environment is unknown here: an earlier key or the default
            String v = seen.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static List<String> flat(Map<String, Set<String>> values) {
        List<String> all = new ArrayList<>();
        values.values().forEach(all::addAll);
        return all;
    }
}
