package io.djdeploy.config;

import java.util.List;
import java.util.regex.Pattern;

/** {@code image}: the registry, repository, Dockerfile and builder of a container release (docs/containers.md). */
final class ImageSection implements Section<ImageConfig> {
    /** host[:port][/path]: what docker accepts before the repository, lower-case, no scheme. */
    static final Pattern REGISTRY = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252})(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*){0,8}");
    /** Docker's repository path components: lower-case letters and digits, separated by . _ - or /. */
    static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*){0,8}");
    /** A whole image reference (for base_image): [registry/]repository[:tag][@digest], nothing a shell would read. */
    static final Pattern IMAGE_REF = Pattern.compile("[a-z0-9][a-z0-9._:/-]{0,254}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?");
    static final Pattern BUILD = Pattern.compile("local|host [^\\s]+");

    static final Key<String> REGISTRY_KEY = Key.text("registry", null, v -> v.contains("://")
            ? "is a registry address without a scheme, e.g. registry.example.com:5000 (docker talks HTTPS, or HTTP to 127.0.0.0/8)"
            : REGISTRY.matcher(v).matches() ? null
            : "'" + v + "' is not a registry address like registry.example.com:5000 or ghcr.io/acme (lower case)")
            .documented("required with `runtime: container`");
    static final Key<String> REPOSITORY_KEY = Key.text("repository", null, v -> REPOSITORY.matcher(v).matches() && v.length() <= 200 ? null
            : "'" + v + "' is not an image repository name (lower-case letters and digits, separated by '.', '_', '-' or '/')")
            .documented("the `app` name");
    static final Key<String> DOCKERFILE = Key.text("dockerfile", "Dockerfile", Rules::relativePath);
    static final Key<String> BUILD_KEY = Key.text("build", "local", v -> BUILD.matcher(v).matches() ? null
            : "must be local (on the machine running djdeploy) or host NAME (one of the environment's hosts), got '" + v + "'");
    static final Key<String> BASE_IMAGE = Key.text("base_image", null, v -> IMAGE_REF.matcher(v).matches() ? null
            : "'" + v + "' is not an image reference like debian:bookworm or registry.example.com/base:1");

    /** HOST:CONTAINER[:ro], both absolute: what the app needs from its host besides shared/ (a SQLite database's directory...). */
    static final Pattern VOLUME = Pattern.compile("(/[^:\\s]*):(/[^:\\s]*)(:ro)?");
    static final Key<List<String>> VOLUMES = Key.list("volumes", List.of(), v -> VOLUME.matcher(v).matches() && !v.contains("..") ? null
            : "'" + v + "' is not HOST_PATH:CONTAINER_PATH or HOST_PATH:CONTAINER_PATH:ro (absolute paths, no spaces)");

    @Override
    public List<Key<?>> keys() {
        return List.of(REGISTRY_KEY, REPOSITORY_KEY, DOCKERFILE, BUILD_KEY, BASE_IMAGE, VOLUMES);
    }

    @Override
    public ImageConfig read(Values v) {
        String build = v.get(BUILD_KEY);
        String builder = build != null && build.startsWith("host ") ? build.substring(5) : null;
        return new ImageConfig(v.get(REGISTRY_KEY), v.get(REPOSITORY_KEY), v.get(DOCKERFILE), builder, v.get(BASE_IMAGE), v.get(VOLUMES));
    }
}
