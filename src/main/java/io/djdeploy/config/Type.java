package io.djdeploy.config;

/**
 * How one key's value is read and checked. Scalar types read the value found; a {@link Nested}
 * type is a mapping read as its own section (merged key by key across levels, like
 * {@code web.nginx}); {@link #items()} names the section each list item is (like {@code notify}).
 */
interface Type<T> {
    /** The value at {@code at}, or {@code dflt} with the problem recorded in {@code r}. */
    T read(Reading r, Located at, T dflt);

    /** The section each item of a list of mappings is, for the docs; null for other types. */
    default Section<?> items() {
        return null;
    }

    /** A mapping read as a section of its own, merged across levels key by key. */
    record Nested<T>(Section<T> section) implements Type<T> {
        @Override
        public T read(Reading r, Located at, T dflt) {
            throw new UnsupportedOperationException("a nested section is read through Values.get, which merges its levels");
        }
    }
}
