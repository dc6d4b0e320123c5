package io.djdeploy.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One section of deploy.yml: its keys, each declared once with type, default and limits
 * ({@link Key}), and the cross-field rules that turn them into a record. Unknown keys, the
 * docs' key tables ({@code ConfigDocsTest}) and the defaults all come from {@link #keys()}.
 */
interface Section<T> {
    List<Key<?>> keys();

    /** The record, read through {@code v} (whose problems are recorded, never thrown). */
    T read(Values v);

    /** The value when the section is written nowhere: by default every key's default. */
    default T absent(Values v) {
        return read(v);
    }

    default Set<String> keyNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Key<?> k : keys()) names.add(k.name());
        return names;
    }
}
