package io.djdeploy.it;

import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never reach the terminal, JSON events, the ledger or any file djdeploy writes,
 * even when a host command prints them: a deploy with known secret values in the env file
 * and in the config, whose reload command prints the whole env file.
 */
@ExtendWith(TestHostsExtension.class)
class SecretsIT {
    static final String PASSWORD = "pw-Zq8xK2mN-known";
    static final String TOKEN = "tok-4f9a7c1e2b-known";

    @Test
    void knownSecretsAppearNowhere(Site site) throws Exception {
        // given: secrets in the env file, one in the config, and a reload that prints them all
        site.site.appendEnv("DB_PASSWORD_UNUSED=" + PASSWORD + "\nexport API_TOKEN=\"" + TOKEN + "\"\n");
        String restart = "supervisorctl -c " + site.site.supervisorConf() + " restart demo-web";
        // the whole reload command is the config secret (as a command with a token in it would be)
        String reload = "cat " + site.site.envFile() + "; " + restart;
        String yml = Files.readString(site.site.config()).replace("  reload: " + restart,
                "  reload:\n    value: " + reload + "\n    secret: true");
        Files.writeString(site.site.config(), yml);
        String secretKey = site.secretKey();
        List<String> secrets = List.of(secretKey, PASSWORD, TOKEN, reload);

        // when: a deploy with every line shown, as JSON events and as text, a plan, and a failing reload
        Site.Run json = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v1", "-v", "--format", "json");
        Site.Run text = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v2", "-v");
        Site.Run plan = site.djdeploy("plan", LocalSite.ENVIRONMENT);
        String failingReload = "cat " + site.site.envFile() + "; exit 1";
        Files.writeString(site.site.config(), yml.replace(reload, failingReload));
        Site.Run failing = site.djdeploy("deploy", LocalSite.ENVIRONMENT, "--ref", "v1", "-v");

        // then: the runs did what they should, and the secrets were in their output to be masked
        assertThat(json.code()).as(json.output()).isZero();
        assertThat(text.code()).as(text.output()).isZero();
        assertThat(plan.code()).isZero();
        assertThat(failing.code()).isEqualTo(7);
        assertThat(json.output()).contains("[REDACTED]", "\"event\":\"output\"");
        assertThat(text.output()).contains("SECRET_KEY=[REDACTED]", "API_TOKEN=\"[REDACTED]\"");
        // the reload runs in the switch's command, right after current moves: its text is masked there
        assertThat(failing.output()).contains("&& { [REDACTED]", "| SECRET_KEY=[REDACTED]").doesNotContain(failingReload);
        assertThat(plan.output()).contains("[REDACTED]").doesNotContain("restart demo-web");
        for (String s : secrets) {
            assertThat(json.output()).doesNotContain(s);
            assertThat(text.output()).doesNotContain(s);
            assertThat(plan.output()).doesNotContain(s);
            assertThat(failing.output()).doesNotContain(s);
        }
        // and nothing djdeploy wrote holds them: ledger, lock dir, REVISION files, manifests, helper copies
        try (Stream<Path> files = Files.walk(site.site.deployTo())) {
            for (Path f : files.filter(Files::isRegularFile).filter(SecretsIT::writtenByDjdeploy).toList()) {
                String content = Files.readString(f);
                for (String s : secrets) assertThat(content).as(f.toString()).doesNotContain(s);
            }
        }
    }

    static boolean writtenByDjdeploy(Path p) {
        String s = p.toString();
        return s.contains("/.djdeploy/") || s.endsWith("/REVISION");
    }
}
