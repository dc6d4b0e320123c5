package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The value types of deploy.yml (docs/configuration.md, "Types"), each a {@link Type}. */
final class Types {
    private Types() {}

    /** Text, ${VAR}-interpolated, checked by {@code check} (returns the problem or null). */
    static Type<String> text(Function<String, String> check) {
        return (r, at, dflt) -> r.string(at, dflt, check);
    }

    static Type<Boolean> bool() {
        return (r, at, dflt) -> r.bool(at, dflt != null && dflt);
    }

    static Type<Integer> integer(int min, int max) {
        return new Range(min, max);
    }

    /** A whole number from {@code min} to {@code max}; the docs state both (ConfigDocsTest). */
    record Range(int min, int max) implements Type<Integer> {
        @Override
        public Integer read(Reading r, Located at, Integer dflt) {
            // a key without a default (ssh.port) reads as 0 when invalid: the error is recorded and the config rejected
            return r.integer(at, dflt == null ? 0 : dflt, min, max);
        }
    }

    static Type<Duration> duration() {
        return Reading::duration;
    }

    static <E extends Enum<E>> Type<E> oneOf(Class<E> type) {
        return (r, at, dflt) -> r.enumValue(at, dflt, type);
    }

    static Type<List<String>> list(Function<String, String> check) {
        return (r, at, dflt) -> r.stringList(at, dflt, check);
    }

    /** A duration, or {@code 0}/{@code off} for none (web.standby). */
    static Type<Duration> durationOrOff() {
        return (r, at, dflt) -> at.node() instanceof ScalarNode s && ("0".equals(s.getValue()) || "off".equals(s.getValue()))
                ? Duration.ZERO : r.duration(at, dflt);
    }

    /** A list whose items are mappings, each read as {@code section} on its own (notify, verify.urls). */
    static <T> Type<List<T>> items(Section<T> section, String expected) {
        return new Type<>() {
            @Override
            public List<T> read(Reading r, Located at, List<T> dflt) {
                if (!(at.node() instanceof SequenceNode seq)) {
                    r.error(at.node(), at.path(), "expected a list of " + expected + ", got " + Reading.kind(at.node()));
                    return dflt;
                }
                List<T> out = new ArrayList<>();
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String p = at.path() + "[" + i + "]";
                    MappingNode m = r.mapping(seq.getValue().get(i), p);
                    if (m == null) continue;
                    Layers item = new Layers(List.of(r.entries(m, p, section.keyNames())));
                    out.add(section.read(new Values(r, item, new Located(m, p))));
                }
                return List.copyOf(out);
            }

            @Override
            public Section<?> items() {
                return section;
            }
        };
    }
}
