package io.djdeploy.it;

import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `djdeploy check` and the same checks inside a deploy, against a real local site. */
@ExtendWith(TestHostsExtension.class)
class ChecksIT {
    static final String ENV = LocalSite.ENVIRONMENT;

    @Test
    void aHealthySitePassesEveryCheckAndNothingChanges(Site site) throws Exception {
        // given
        assertThat(site.deploy("v1").code()).isZero();
        List<String> dirs = site.releaseDirs();
        int ledger = site.ledger().size();

        // when
        Site.Run run = site.djdeploy("check", ENV, "--ref", "v2");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        for (String id : List.of("env-file.present", "env-file.owner", "env-file.mode", "env-file.keys", "disk.space",
                "disk.inodes", "clock.skew", "git.ref", "django.check-deploy", "db.reachable", "static.root")) {
            assertThat(run.output()).containsPattern("\\[localhost\\] ok +" + java.util.regex.Pattern.quote(id) + " ");
        }
        assertThat(site.releaseDirs()).isEqualTo(dirs);
        assertThat(site.ledger()).hasSize(ledger);
        assertThat(site.locked()).isFalse();
    }

    @Test
    void hostChecksReportEveryProblemWithItsIdAndFixAndADeployStopsOnThem(Site site) throws Exception {
        // given: a world-readable env file and a required key it lacks
        assertThat(site.deploy("v1").code()).isZero();
        Files.setPosixFilePermissions(site.site.envFile(), PosixFilePermissions.fromString("rw-r--r--"));
        site.site.writeConfig("checks:\n  required_env: [SECRET_KEY, SENTRY_DSN]\n");

        // when
        Site.Run check = site.djdeploy("check", ENV);
        Site.Run deploy = site.deploy("v2");

        // then: both problems at once, each with a fix; the deploy refuses the same way
        assertThat(check.code()).as(check.output()).isEqualTo(15);
        assertThat(check.output()).contains("FAIL env-file.mode", "readable by everyone", "fix: chmod 0640 " + site.site.envFile(),
                "FAIL env-file.keys", "lacks SENTRY_DSN", "failed checks: env-file.mode, env-file.keys");
        assertThat(deploy.code()).as(deploy.output()).isEqualTo(6);
        assertThat(deploy.output()).contains("failed checks: env-file.mode, env-file.keys");
    }

    @Test
    void settingsChecksCatchWhatCheckDeployMissesBehindAProxy(@TempDir Path dir, Site site) throws Exception {
        // given: DEBUG on, a public https origin CSRF does not trust, and an nginx site that
        // does not set the header SECURE_PROXY_SSL_HEADER reads
        assertThat(site.deploy("v1").code()).isZero();
        site.site.appendEnv("DEBUG=1\n");
        Path nginx = dir.resolve("site.conf");
        Files.writeString(nginx, "location / {\n    proxy_set_header Host $host;\n    proxy_pass http://127.0.0.1:8000;\n}\n");
        site.site.writeConfig("checks:\n  public_url: https://shop.example.com\n  nginx_site: " + nginx + "\n");

        // when
        Site.Run debug = site.djdeploy("check", ENV);

        // then: the DEBUG warning fails by policy
        assertThat(debug.code()).as(debug.output()).isEqualTo(15);
        assertThat(debug.output()).contains("FAIL django.check-deploy", "security.W018");

        // when: DEBUG off again
        site.site.appendEnv("DEBUG=0\n");
        Site.Run proxy = site.djdeploy("check", ENV);

        // then: the proxy checks fail, each saying what to change
        assertThat(proxy.code()).as(proxy.output()).isEqualTo(15);
        assertThat(proxy.output()).contains("ok   django.check-deploy", "ok   db.reachable",
                "FAIL proxy.csrf-trusted-origins", "add 'https://shop.example.com' to CSRF_TRUSTED_ORIGINS",
                "FAIL proxy.ssl-header", "does not set it: any client can claim HTTPS", "proxy_set_header X-Forwarded-Proto $scheme;");

        // when: fixed
        site.site.appendEnv("CSRF_TRUSTED_ORIGINS=https://shop.example.com\n");
        Files.writeString(nginx, "location / {\n    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_pass http://127.0.0.1:8000;\n}\n");
        Site.Run fixed = site.djdeploy("check", ENV);
        assertThat(fixed.code()).as(fixed.output()).isZero();
        assertThat(fixed.output()).contains("ok   proxy.csrf-trusted-origins", "ok   proxy.ssl-header");
    }

    @Test
    void postDeployVerificationChecksMoreUrlsAndTheServiceAndShowsItsLogOnFailure(Site site) throws Exception {
        // given: a page that must contain a text, the service status, and its log
        String verify = "verify:\n  urls:\n    - url: " + site.site.baseUrl() + "/\n      text: Hello from\n"
                + "  status: supervisorctl -c " + site.site.supervisorConf() + " status demo-web\n"
                + "  logs: tail -n 20 " + site.site.webLog() + "\n";
        site.site.writeConfig(verify);

        // when
        Site.Run ok = site.deploy("v1");

        // then
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("verified " + site.site.baseUrl() + "/: HTTP 200 with 'Hello from'", "web service: demo-web", "RUNNING");

        // when: the page must say something v2 does not
        site.site.writeConfig(verify.replace("text: Hello from", "text: Hello from v9"));
        String v1 = site.current();
        Site.Run failing = site.deploy("v2");

        // then: switched back, with the reason and the service's last log lines
        assertThat(failing.code()).as(failing.output()).isEqualTo(7);
        assertThat(failing.output()).contains("without the text 'Hello from v9'", "--- tail -n 20 " + site.site.webLog() + " ---",
                "\"GET / HTTP/1.1\" 200");
        assertThat(site.current()).isEqualTo(v1);
    }
}
