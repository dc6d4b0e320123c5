package io.djdeploy.step;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The redactor masks what the app would read from its env file, in every form it may be printed. */
class RedactorTest {
    static final String MASK = Redactor.MASK;

    @Test
    void readsTheEnvFileTheWayPythonDotenvDoes() {
        // given: the forms python-dotenv (and the example app's loader) accept
        Redactor r = new Redactor();
        r.addEnvFile("""
                # comment
                export EXPORTED=exp-Secret-1
                SPACED = spaced-Secret-2   \s
                INLINE=inline-Secret-3 # a comment the app never sees
                SINGLE='single # not a comment'   # but this is
                DOUBLE="double \\"quoted\\" sec"
                ESCAPED="line1\\nline2-secret"
                MULTI="first-line-secret
                second-line-secret"
                """);

        // then: the values the app sees are masked, whole
        assertThat(r.apply("x exp-Secret-1 x")).isEqualTo("x " + MASK + " x");
        assertThat(r.apply("spaced-Secret-2")).isEqualTo(MASK);
        assertThat(r.apply("[inline-Secret-3]")).isEqualTo("[" + MASK + "]");
        assertThat(r.apply("single # not a comment")).isEqualTo(MASK);
        assertThat(r.apply("double \"quoted\" sec")).isEqualTo(MASK);
        assertThat(r.apply("line1\nline2-secret")).doesNotContain("line2-secret");
        assertThat(r.apply("first-line-secret")).isEqualTo(MASK);
        assertThat(r.apply("second-line-secret")).isEqualTo(MASK);
        // and a comment's words alone are not masked
        assertThat(r.apply("a comment the app never sees")).isEqualTo("a comment the app never sees");
    }

    @Test
    void masksEscapedEncodedAndBase64Forms() {
        String secret = "p\"a\\ss/wörd+1 \u001b";
        Redactor r = new Redactor();
        r.add(secret);

        String jackson = io.djdeploy.release.Json.line(java.util.Map.of("v", secret));
        String python = "{\"v\": \"p\\\"a\\\\ss/w\\u00f6rd+1 \\u001b\"}";
        String html = "p&quot;a\\ss/wörd+1 \u001b";
        String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String url20 = url.replace("+", "%20");
        String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        String b64url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8));

        for (String form : List.of(jackson, python, html, url, url20, b64, b64url)) {
            assertThat(r.apply(form)).as(form).contains(MASK).doesNotContain("wörd").doesNotContain("w\\u00f6rd")
                    .doesNotContain("w%C3%B6rd");
        }
        assertThat(r.apply(b64)).isEqualTo(MASK);
    }

    @Test
    void secretTemplatesAreMaskedAsRendered() {
        // given: secret config values with placeholders, rendered per host and per release
        Redactor r = new Redactor();
        r.addConfigSecrets(List.of("http://{host}:8000/healthz/?token=tmpl-Tok-77",
                "curl -K /etc/x --data release={release} https://hooks.example/r?t=hook-Tok-88"), List.of("web1.example", "10.0.0.2"));

        assertThat(r.apply("GET http://web1.example:8000/healthz/?token=tmpl-Tok-77 failed"))
                .isEqualTo("GET " + MASK + " failed");
        assertThat(r.apply("GET http%3A%2F%2F10.0.0.2%3A8000%2Fhealthz%2F%3Ftoken%3Dtmpl-Tok-77"))
                .isEqualTo("GET " + MASK);
        assertThat(r.apply("{ curl -K /etc/x --data release='20261130120000' https://hooks.example/r?t=hook-Tok-88\n}"))
                .isEqualTo("{ " + MASK + "\n}");
        assertThat(r.apply("plain text with a {host} and a release 20261130120000")).doesNotContain(MASK);
    }

    @Test
    void credentialsInAUrlAreSecretEvenWhenTheUrlIsNotMarked() {
        Redactor r = new Redactor();
        r.addUrlCredentials("https://deployer:gh%40Tok-99@git.example.com/shop.git");
        assertThat(r.apply("fatal: gh@Tok-99 rejected")).isEqualTo("fatal: " + MASK + " rejected");
        assertThat(r.apply("https://deployer:gh%40Tok-99@git.example.com")).isEqualTo("https://deployer:" + MASK + "@git.example.com");
        assertThat(r.apply("deployer")).isEqualTo("deployer");
    }

    @Test
    void shortValuesOfSecretLookingKeysAreReportedNotSilentlyShown() {
        Redactor r = new Redactor();
        List<String> weak = r.addEnvFile("DB_PASSWORD=abc\nAPI_TOKEN=12345\nDB_PORT=5432\nDEBUG=off\nSECRET_KEY=long-enough-key\n");
        assertThat(weak).containsExactly("DB_PASSWORD", "API_TOKEN");
        assertThat(r.apply("long-enough-key")).isEqualTo(MASK);
    }
}
