package io.djdeploy.django;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReleaseChecksTest {
    @Test
    void checkIdsAreReadFromCheckDeployOutput() {
        String out = """
                System check identified some issues:

                WARNINGS:
                ?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.
                ?: (security.W018) You should not have DEBUG set to True in deployment.
                System check identified 2 issues (0 silenced).
                """;
        assertThat(ReleaseChecks.ids(out)).containsExactly("security.W004", "security.W018");
    }

    @Test
    void missingMigrationsAreReadFromMakemigrationsCheckOutputOfEachDjango() {
        // Django 3.2 and 4.2 mark operations with "-"; 5.1+ with "+", "~", "-"
        String v32 = """
                Migrations for 'notes':
                  notes/migrations/0002_alter_note_title.py
                    - Alter field title on note
                """;
        String v52 = """
                Migrations for 'notes':
                  notes/migrations/0002_alter_note_title.py
                    ~ Alter field title on note
                    + Add field done to note
                Migrations for 'shop':
                  shop/migrations/0007_remove_item_sku.py
                    - Remove field sku from item
                """;
        assertThat(ReleaseChecks.missingMigrations(v32)).containsExactly("notes.0002_alter_note_title: Alter field title on note");
        assertThat(ReleaseChecks.missingMigrations(v52)).containsExactly(
                "notes.0002_alter_note_title: Alter field title on note, Add field done to note",
                "shop.0007_remove_item_sku: Remove field sku from item");
        assertThat(ReleaseChecks.missingMigrations("No changes detected\n")).isEmpty();
    }

    @Test
    void proxyHeadersOfAnNginxSiteAreFound() {
        String site = """
                location / {
                    proxy_set_header Host $host;
                    # proxy_set_header X-Forwarded-Proto http;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_pass http://unix:/run/shop/web.sock;
                }
                """;
        assertThat(ReleaseChecks.setHeaders(site)).containsEntry("x-forwarded-proto", "$scheme").containsEntry("host", "$host");
        assertThat(ReleaseChecks.origin("https://shop.example.com:8443/path")).isEqualTo("https://shop.example.com:8443");
        assertThat(ReleaseChecks.headerName("HTTP_X_FORWARDED_PROTO")).isEqualTo("X-Forwarded-Proto");
    }
}
