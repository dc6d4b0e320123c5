package io.djdeploy.config;

import java.util.List;

/**
 * Paths inside a release that are links into shared/ and survive releases; and whether the
 * static files of every kept release stay reachable in shared/static-archive (staticDir: STATIC_ROOT
 * relative to the release).
 */
public record SharedConfig(List<String> dirs, List<String> files, boolean keepOldAssets, String staticDir) {
    public SharedConfig(List<String> dirs, List<String> files) {
        this(dirs, files, true, "staticfiles");
    }
}
