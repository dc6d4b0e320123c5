package io.djdeploy.config;

/**
 * {@code image}: where a container release's image is built and which registry holds it
 * ({@code runtime: container}, docs/containers.md). The image of release ID is
 * {@code <registry>/<repository>:<ID>}.
 *
 * @param builder   the host that builds the image ({@code build: host NAME}), or null: the deploying machine
 * @param baseImage the Dockerfile's {@code BASE_IMAGE} build argument, or null: the Dockerfile's own default
 * @param volumes   {@code HOST:CONTAINER[:ro]} bind mounts every container of the app gets, besides shared/
 */
public record ImageConfig(String registry, String repository, String dockerfile, String builder, String baseImage, java.util.List<String> volumes) {
    public ImageConfig {
        volumes = volumes == null ? java.util.List.of() : java.util.List.copyOf(volumes);
    }

    public ImageConfig(String registry, String repository, String dockerfile, String builder, String baseImage) {
        this(registry, repository, dockerfile, builder, baseImage, java.util.List.of());
    }

    /** The image of one release, as docker names it: registry/repository:ID. */
    public String name(String releaseId) {
        return registry + "/" + repository + ":" + releaseId;
    }

    /** The repository with its registry, no tag (what `docker images` filters on). */
    public String repositoryName() {
        return registry + "/" + repository;
    }

    public boolean buildsLocally() {
        return builder == null;
    }
}
