package io.djdeploy.config;

import java.util.List;

/** {@code python}: how each release's virtualenv is made. */
final class PythonSection implements Section<PythonConfig> {
    static final Key<String> INTERPRETER = Key.text("interpreter", "python3", v -> v.isBlank() ? "must not be empty" : null);
    static final Key<Boolean> SYSTEM_SITE_PACKAGES = Key.bool("system_site_packages", false);
    static final Key<List<String>> REQUIREMENTS = Key.list("requirements", List.of("requirements.txt"), Rules::relativePath);

    @Override
    public List<Key<?>> keys() {
        return List.of(INTERPRETER, SYSTEM_SITE_PACKAGES, REQUIREMENTS);
    }

    @Override
    public PythonConfig read(Values v) {
        return new PythonConfig(v.get(INTERPRETER), v.get(SYSTEM_SITE_PACKAGES), v.get(REQUIREMENTS));
    }
}
