package io.djdeploy.config;

import java.util.List;

/** {@code django}: where manage.py is and which of its commands a deploy runs. */
final class DjangoSection implements Section<DjangoConfig> {
    static final Key<String> MANAGE = Key.text("manage", "manage.py", Rules::relativePath);
    static final Key<String> SETTINGS = Key.text("settings", null, v -> v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*") ? null
            : "must be a Python module path such as mysite.settings");
    static final Key<String> ENV_FILE = Key.text("env_file", null, Rules::absolutePath);
    static final Key<Boolean> CHECK_DEPLOY = Key.bool("check_deploy", true);
    static final Key<Boolean> COLLECTSTATIC = Key.bool("collectstatic", true);
    static final Key<Boolean> MIGRATE = Key.bool("migrate", true);

    @Override
    public List<Key<?>> keys() {
        return List.of(MANAGE, SETTINGS, ENV_FILE, CHECK_DEPLOY, COLLECTSTATIC, MIGRATE);
    }

    @Override
    public DjangoConfig read(Values v) {
        return new DjangoConfig(v.get(MANAGE), v.get(SETTINGS), v.get(ENV_FILE), v.get(CHECK_DEPLOY), v.get(COLLECTSTATIC), v.get(MIGRATE));
    }
}
