package io.djdeploy.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One key of a section: its name, how it is read and checked (type and limits), its default,
 * and how docs/configuration.md writes that default (null: derived from the default value).
 */
record Key<T>(String name, Type<T> type, T dflt, String doc) {
    static <T> Key<T> of(String name, Type<T> type, T dflt) {
        return new Key<>(name, type, dflt, null);
    }

    static Key<String> text(String name, String dflt, Function<String, String> check) {
        return of(name, Types.text(check), dflt);
    }

    static Key<Boolean> bool(String name, boolean dflt) {
        return of(name, Types.bool(), dflt);
    }

    static Key<Integer> integer(String name, Integer dflt, int min, int max) {
        return of(name, Types.integer(min, max), dflt);
    }

    static Key<Duration> duration(String name, Duration dflt) {
        return of(name, Types.duration(), dflt);
    }

    static <E extends Enum<E>> Key<E> oneOf(String name, Class<E> type, E dflt) {
        return of(name, Types.oneOf(type), dflt);
    }

    static Key<List<String>> list(String name, List<String> dflt, Function<String, String> check) {
        return of(name, Types.list(check), dflt);
    }

    static <T> Key<T> section(String name, Section<T> section) {
        return of(name, new Type.Nested<>(section), null);
    }

    /** The same key with the docs' own words for its default (a default that depends on other keys). */
    Key<T> documented(String text) {
        return new Key<>(name, type, dflt, text);
    }

    Key<T> required() {
        return documented("required");
    }

    /** The default as the docs' key tables begin it: {@code `5s`}, {@code `[requirements.txt]`}, none, required. */
    String documentedDefault() {
        if (doc != null) return doc;
        if (dflt == null) return "none";
        return "`" + show(dflt) + "`";
    }

    static String show(Object v) {
        if (v instanceof Duration d) return showDuration(d);
        if (v instanceof Enum<?> e) return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (v instanceof List<?> l) return "[" + String.join(", ", l.stream().map(Key::show).toList()) + "]";
        return String.valueOf(v);
    }

    /** As a person writes it: 2h, 10m, 60s (not 1m: a minute reads as "60s" in timeouts), 500ms. */
    private static String showDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms >= 120_000) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
