package io.djdeploy.config;

import java.util.List;

/** One environment with the top-level settings merged under its own (environment wins, key by key). */
public record EnvironmentConfig(
        String name,
        String app,
        String repo,
        String ref,
        String deployTo,
        List<HostConfig> hosts,
        int keepReleases,
        PythonConfig python,
        DjangoConfig django,
        SharedConfig shared,
        WebConfig web,
        HealthConfig health,
        SshConfig ssh,
        SwitchConfig switching,
        WorkersConfig workers,
        MigrationsConfig migrations,
        SafetyConfig safety,
        ChecksConfig checks,
        VerifyConfig verify,
        List<NotifyConfig> notifications,
        List<String> secrets,
        GitConfig git,
        HooksConfig hooks,
        ReleaseRuntime runtime,
        ImageConfig image) {

    /** The same environment limited to some hosts (--hosts / --roles). */
    public EnvironmentConfig withHosts(List<HostConfig> subset) {
        return new EnvironmentConfig(name, app, repo, ref, deployTo, List.copyOf(subset), keepReleases, python, django, shared,
                web, health, ssh, switching, workers, migrations, safety, checks, verify, notifications, secrets, git, hooks,
                runtime, image);
    }

    /** True when a release is a container image ({@code runtime: container}, docs/containers.md). */
    public boolean containers() {
        return runtime == ReleaseRuntime.CONTAINER;
    }

    public HostConfig migrateHost() {
        return hosts.stream().filter(h -> h.hasRole(HostConfig.MIGRATE)).findFirst().orElse(null);
    }
}
