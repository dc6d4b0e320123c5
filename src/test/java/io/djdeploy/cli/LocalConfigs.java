package io.djdeploy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one-host deploy.yml the CLI tests share: app shop, environment production, host web1 over the local transport. */
final class LocalConfigs {
    private LocalConfigs() {}

    /** Writes {@code dir/deploy.yml} deploying to {@code deployTo}; @return its path. */
    static Path oneHost(Path dir, String deployTo) throws IOException {
        Path cfg = dir.resolve("deploy.yml");
        Files.writeString(cfg, """
                app: shop
                repo: /srv/git/shop.git
                environments:
                  production:
                    deploy_to: %s
                    hosts: [{host: web1, roles: [web, migrate], transport: local}]
                """.formatted(deployTo));
        return cfg;
    }
}
