package io.djdeploy.config;

import java.util.List;

/** {@code python}: how each release's virtualenv is made. */
final class PythonSection implements Section<PythonConfig> {
    static final Key<String> INTERPRETER = Key.text("interpreter", "python3", v -> v.isBlank() ? "must not be empty" : null);
    static final Key<Boolean> SYSTEM_SITE_PACKAGES = Key.bool("system_site_packages", false);
    static final Key<List<String>> REQUIREMENTS = Key.list("requirements", List.of("requirements.txt"), Rules::relativePath);
    static final Key<String> VERSION = Key.text("version", null, v -> v.matches("3\\.\\d{1,2}") ? null
            : "'" + v + "' is not a Python version like 3.11 (quote it: \"3.10\")");
    static final Key<Boolean> INSTALL_PROJECT = Key.bool("install_project", false);

    @Override
    public List<Key<?>> keys() {
        return List.of(INTERPRETER, SYSTEM_SITE_PACKAGES, REQUIREMENTS, VERSION, INSTALL_PROJECT);
    }

    @Override
    public PythonConfig read(Values v) {
        return new PythonConfig(v.get(INTERPRETER), v.get(SYSTEM_SITE_PACKAGES), v.get(REQUIREMENTS), v.get(VERSION), v.get(INSTALL_PROJECT));
    }
}
