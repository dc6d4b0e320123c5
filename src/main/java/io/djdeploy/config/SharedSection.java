package io.djdeploy.config;

import java.util.List;

/** {@code shared}: paths inside a release that link into shared/ and survive releases. */
final class SharedSection implements Section<SharedConfig> {
    static final Key<List<String>> DIRS = Key.list("dirs", List.of(), Rules::relativePath);
    static final Key<List<String>> FILES = Key.list("files", List.of(), Rules::relativePath);
    static final Key<Boolean> KEEP_OLD_ASSETS = Key.bool("keep_old_assets", true);
    static final Key<String> STATIC_DIR = Key.text("static_dir", "staticfiles", Rules::relativePath);

    @Override
    public List<Key<?>> keys() {
        return List.of(DIRS, FILES, KEEP_OLD_ASSETS, STATIC_DIR);
    }

    @Override
    public SharedConfig read(Values v) {
        return new SharedConfig(v.get(DIRS), v.get(FILES), v.get(KEEP_OLD_ASSETS), v.get(STATIC_DIR));
    }
}
