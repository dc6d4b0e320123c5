package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One section as its reader sees it: typed values by {@link Key} (environment level first,
 * then top level, then the key's default) and errors placed at the right line and key path.
 */
final class Values {
    final Reading r;
    private final Layers layers;
    /** Where the section is written (its first level), or null when it is not written at all. */
    private final Located self;

    Values(Reading r, Layers layers, Located self) {
        this.r = r;
        this.layers = layers;
        this.self = self;
    }

    /** {@code section} under {@code key} of the settings in {@code layers}, its keys checked against the section's. */
    static Values of(Reading r, Layers layers, String key, Section<?> section) {
        return new Values(r, layers.section(r, key, section.keyNames()), layers.get(key));
    }

    @SuppressWarnings("unchecked")
    <T> T get(Key<T> key) {
        if (key.type() instanceof Type.Nested<?> nested) {
            Values sub = sub(key);
            return (T) (sub.present() ? nested.section().read(sub) : nested.section().absent(sub));
        }
        Located at = at(key);
        return at == null ? key.dflt() : key.type().read(r, at, key.dflt());
    }

    /** The nested section under {@code key} (e.g. web.nginx), merged across levels like this one. */
    Values sub(Key<?> key) {
        if (!(key.type() instanceof Type.Nested<?> nested)) throw new IllegalArgumentException(key.name() + " is not a section");
        return of(r, layers, key.name(), nested.section());
    }

    boolean has(Key<?> key) {
        return at(key) != null;
    }

    Located at(Key<?> key) {
        return layers.get(key.name());
    }

    /** True when the section is written at some level. */
    boolean present() {
        return self != null;
    }

    String path() {
        return self == null ? "" : self.path();
    }

    Node node() {
        return self == null ? null : self.node();
    }

    /** A problem with the value written for {@code key}. */
    void error(Key<?> key, String message) {
        Located at = at(key);
        r.error(at.node(), at.path(), message);
    }

    /** A key that should be there and is not: reported at the section, under the key's path. */
    void missing(Key<?> key, String message) {
        r.error(node(), path().isEmpty() ? key.name() : path() + "." + key.name(), message);
    }

    /** A problem with the section as a whole, at its own line and path. */
    void errorHere(String message) {
        r.error(node(), path(), message);
    }

    /** A missing or misplaced key reported at {@code key}'s value, with another path (cross-field rules). */
    void errorAt(Key<?> key, String path, String message) {
        r.error(at(key).node(), path, message);
    }
}
