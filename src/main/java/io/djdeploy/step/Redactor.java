package io.djdeploy.step;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The one place output passes through before it is printed or recorded: known secret values
 * become [REDACTED]. Fed with the values of the env file (read at PREFLIGHT, kept in memory
 * only) and every config value marked {@code secret: true}. Renderers apply it to every
 * line and event; the engine applies it to what it writes to the ledger.
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";
    /** Env-file values that cannot be secrets and would garble ordinary output if masked. */
    private static final Pattern HARMLESS = Pattern.compile("(?i)\\d{1,5}|true|false|yes|no|on|off|none|null|debug|info|warning|error");
    private static final Set<String> EMPTY = Set.of("", "\"\"", "''");
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** A value that must never be shown (a config value marked secret: true). */
    public void add(String secret) {
        // very short values would mask ordinary words: a secret that short is not one worth hiding
        if (secret == null || secret.length() < 4 || secrets.contains(secret)) return;
        secrets.add(secret);
        // longest first, so a secret that contains another is masked whole
        secrets.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** The values of an env file ({@code KEY=value} lines): all treated as secret but the harmless ones. */
    public void addEnvFile(String text) {
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("export ")) line = line.substring(7).strip();
            int eq = line.indexOf('=');
            if (eq <= 0) continue;
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            }
            if (EMPTY.contains(value) || HARMLESS.matcher(value).matches()) continue;
            add(value);
        }
    }

    public String apply(String text) {
        if (text == null || secrets.isEmpty()) return text;
        String out = text;
        for (String s : secrets) out = out.replace(s, MASK);
        return out;
    }

    public List<String> apply(List<String> lines) {
        if (lines == null || secrets.isEmpty()) return lines;
        return lines.stream().map(this::apply).toList();
    }
}
