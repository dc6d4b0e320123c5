package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The same section at several levels, environment first, then top level: a key is taken from
 * the first level that has it, so an environment overrides the top level key by key.
 */
record Layers(List<Map<String, Located>> levels) {
    static final Layers NONE = new Layers(List.of());

    Located get(String key) {
        for (Map<String, Located> m : levels) {
            Located l = m.get(key);
            if (l != null) return l;
        }
        return null;
    }

    /** The mapping under {@code key} at every level that has it, its keys checked against {@code allowed}. */
    Layers section(Reading r, String key, Set<String> allowed) {
        List<Map<String, Located>> sub = new ArrayList<>();
        for (Map<String, Located> m : levels) {
            Located l = m.get(key);
            if (l == null) continue;
            MappingNode mn = r.mapping(l.node(), l.path());
            if (mn != null) sub.add(r.entriesOnce(mn, l.path(), allowed));
        }
        return new Layers(sub);
    }
}
