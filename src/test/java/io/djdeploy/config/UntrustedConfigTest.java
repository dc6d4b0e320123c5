package io.djdeploy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Config input an attacker or an accident could hand djdeploy (issue 13, items 8 and 13): each
 * ends in one clear line naming the file (and the line where there is one), never a stack
 * trace or an OutOfMemoryError.
 */
class UntrustedConfigTest {
    private static final String VALID = """
            app: shop
            repo: /srv/git/shop.git
            environments:
              production:
                deploy_to: /srv/shop
                hosts:
                  - host: web1.example.com
            """;

    private static List<String> loadErrors(Path file) {
        ConfigException e = catchThrowableOfType(() -> new ConfigLoader(Map.of()).load(file), ConfigException.class);
        assertThat(e).as("expected " + file + " to be rejected").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static List<String> parseErrors(String yaml) {
        ConfigException e = catchThrowableOfType(() -> new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), yaml), ConfigException.class);
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void twentyThousandNestedListsAreOneErrorNotAStackOverflow() {
        // given: deeper than any stack snakeyaml's recursive composer could walk
        String yaml = "app: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).containsExactly("deploy.yml:1: invalid YAML: nested more than 50 levels deep (a deploy.yml needs about 5)");
    }

    @Test
    void deepBlockNestingNamesTheLineWhereTheLimitIsCrossed() {
        // given: 60 levels of "- " on one line each
        StringBuilder yaml = new StringBuilder("app: shop\nrepo: x\nenvironments:\n");
        for (int i = 0; i < 60; i++) yaml.append("  ".repeat(i + 1)).append("-\n");

        // when
        List<String> errors = parseErrors(yaml.toString());

        // then: the root mapping is level 1, so level 51 is the sequence opened on line 4 + 49
        assertThat(errors).containsExactly("deploy.yml:53: invalid YAML: nested more than 50 levels deep (a deploy.yml needs about 5)");
    }

    @Test
    void aNestingOfFiftyIsStillReadAndCheckedAsUsual() {
        // given
        String yaml = "app: shop\nrepo: /x\nenvironments: " + "[".repeat(49) + "]".repeat(49) + "\n";

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).containsExactly("deploy.yml:3: environments: expected a mapping (key: value lines), got a list");
    }

    @Test
    void devZeroIsRefusedAfterOneMebibyte() {
        // when
        List<String> errors = loadErrors(Path.of("/dev/zero"));

        // then
        assertThat(errors).containsExactly("/dev/zero: is larger than 1 MiB, the most djdeploy reads of a config file"
                + " (a deploy.yml is a few KiB: is -c pointing at the right file?)");
    }

    @Test
    void aHugeRegularFileIsRefusedWithoutReadingItAll(@TempDir Path dir) throws Exception {
        // given: a valid config followed by 2 MiB of comments
        Path file = dir.resolve("deploy.yml");
        Files.writeString(file, VALID + ("#".repeat(1023) + "\n").repeat(2048));

        // when
        List<String> errors = loadErrors(file);

        // then
        assertThat(errors).containsExactly(file + ": is larger than 1 MiB, the most djdeploy reads of a config file"
                + " (a deploy.yml is a few KiB: is -c pointing at the right file?)");
    }

    @Test
    void exactlyOneMebibyteIsStillRead(@TempDir Path dir) throws Exception {
        // given
        Path file = dir.resolve("deploy.yml");
        String padding = "#".repeat(ConfigSource.MAX_BYTES - VALID.length() - 1) + "\n";
        Files.writeString(file, VALID + padding);
        assertThat(Files.size(file)).isEqualTo(ConfigSource.MAX_BYTES);

        // when
        DeployConfig config = new ConfigLoader(Map.of()).load(file);

        // then
        assertThat(config.environments()).containsOnlyKeys("production");
    }

    @Test
    void latin1TextNamesTheLineAndColumnOfTheFirstBadByte(@TempDir Path dir) throws Exception {
        // given: "café" written in Latin-1 on line 2
        Path file = dir.resolve("deploy.yml");
        Files.write(file, VALID.replace("/srv/git/shop.git", "/srv/git/café.git").getBytes(StandardCharsets.ISO_8859_1));

        // when
        List<String> errors = loadErrors(file);

        // then
        assertThat(errors).containsExactly(file + ":2: is not UTF-8 text: byte 0xE9 at column 19 (save the file as UTF-8)");
    }

    @Test
    void utf8TextOutsideAsciiIsFine(@TempDir Path dir) throws Exception {
        // given
        Path file = dir.resolve("deploy.yml");
        Files.writeString(file, "# café ☕\n" + VALID);

        // when
        DeployConfig config = new ConfigLoader(Map.of()).load(file);

        // then
        assertThat(config.app()).isEqualTo("shop");
    }

    @Test
    void aControlCharacterNamesItsLine() {
        // given: a NUL after non-ASCII text on an earlier line (snakeyaml counts code points, not chars)
        String yaml = "# café ☕ \uD83D\uDE80\n" + VALID.replace("/srv/git/shop.git", "/srv/git/sh\u0000op.git");

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).containsExactly("deploy.yml:3: invalid YAML: the character U+0000 is not allowed in YAML text");
    }

    @Test
    void aDirectoryIsNamedAsOne(@TempDir Path dir) {
        assertThat(loadErrors(dir)).containsExactly(dir + ": is a directory, not a config file (use -c FILE)");
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() {
        // given: mode 0200 under /proc/sys, refused even to root (tests here run as root, so chmod 000 would not do)
        Path file = Path.of("/proc/sys/vm/compact_memory");

        // then
        assertThat(loadErrors(file)).containsExactly(file + ": cannot read the config file: permission denied for the user running djdeploy");
    }

    @Test
    void anAnchorReusedAsAnotherSectionIsCheckedAgainstThatSectionsKeys() {
        // given: web's mapping reused as health, whose keys it does not have
        String yaml = """
                app: shop
                repo: /srv/git/shop.git
                web: &w
                  reload: supervisorctl restart shop-web
                environments:
                  production:
                    deploy_to: /srv/shop
                    health: *w
                    hosts:
                      - host: web1.example.com
                """;

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).contains("deploy.yml:4: environments.production.health.reload: unknown key (allowed: header, interval, release, retries, status, timeout, url)");
    }

    @Test
    void twoHostsThatDifferOnlyInCaseAreOneHost() {
        // given
        String yaml = """
                app: shop
                repo: /srv/git/shop.git
                environments:
                  production:
                    deploy_to: /srv/shop
                    hosts:
                      - host: Web1.Example.com
                        roles: [web, migrate]
                      - host: web1.example.com
                        roles: [web]
                """;

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).containsExactly("deploy.yml:9: environments.production.hosts[1].host: duplicate host web1.example.com"
                + " (also environments.production.hosts[0], written Web1.Example.com; host names ignore case)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/usr", "/etc/", "/var", "/home", "/bin", "/boot", "/lib", "/opt", "/root", "/srv", "/tmp",
            "/usr/local", "/var/lib", "//usr", "/usr/./", "/var/www/"})
    void deployToASystemDirectoryIsRefused(String deployTo) {
        // given
        String yaml = VALID.replace("/srv/shop", deployTo);

        // when
        List<String> errors = parseErrors(yaml);

        // then
        assertThat(errors).singleElement().asString()
                .startsWith("deploy.yml:5: environments.production.deploy_to: '" + deployTo + "' is ")
                .endsWith(": deploy into a directory of its own, e.g. /srv/<app>");
    }

    @Test
    void deployToTheRootSaysSo() {
        assertThat(parseErrors(VALID.replace("/srv/shop", "/"))).containsExactly(
                "deploy.yml:5: environments.production.deploy_to: '/' is the root directory: deploy into a directory of its own, e.g. /srv/<app>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/shop", "/var/www/shop", "/home/deploy/shop", "/opt/shop", "/tmp/djdeploy-demo", "/usr/local/shop"})
    void deployToADirectoryOfItsOwnIsFine(String deployTo) throws Exception {
        // when
        DeployConfig config = new ConfigLoader(Map.of()).parse(Path.of("deploy.yml"), VALID.replace("/srv/shop", deployTo));

        // then
        assertThat(config.environments().get("production").deployTo()).isEqualTo(deployTo);
    }
}
