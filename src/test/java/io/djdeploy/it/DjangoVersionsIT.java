package io.djdeploy.it;

import io.djdeploy.django.DjangoVersions;
import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole migration story on each Django the tests have: Debian's 3.2, and 4.2 and 5.2 from
 * Debian's packages (scripts/django-versions). Each release's venv gets the newer Django through
 * python.requirements (a local wheel whose .pth puts it first on sys.path), so check --deploy,
 * collectstatic, the settings facts, makemigrations --check, the gate's analysis, migrate,
 * gunicorn and migrate-back all run on that Django. SQLite (the local site's database).
 */
@ExtendWith(TestHostsExtension.class)
class DjangoVersionsIT {
    static final String ENV = LocalSite.ENVIRONMENT;

    static List<DjangoVersions> versions() {
        return DjangoVersions.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void deployGateRollbackAndMigrateBack(DjangoVersions django, Site site) throws Exception {
        // given: the site's releases on this Django
        if (django.requirements() != null) {
            // python.requirements are relative to the release: a shared file links the cache's requirements in
            Files.copy(django.requirements(), site.site.deployTo().resolve("shared/django-version.txt"));
            Path config = site.site.config();
            String yml = Files.readString(config);
            assertThat(yml).contains("  system_site_packages: true", "  dirs: [media]");
            Files.writeString(config, yml.replace("  system_site_packages: true", "  requirements: [django-version.txt]\n  system_site_packages: true")
                    .replace("  dirs: [media]", "  dirs: [media]\n  files: [django-version.txt]"));
        }

        // when: v2 deploys
        Site.Run v2 = site.deploy("v2");

        // then: it runs on the Django asked for, gunicorn included
        assertThat(v2.code()).as(v2.output()).isZero();
        String v2Release = site.current();
        assertThat(djangoIn(site)).isEqualTo(django.version());
        assertThat(site.get("/").body()).contains("Hello from v2");

        // when: v3 (drops note.body) without approval, then with it
        Site.Run gated = site.deploy("v3");
        assertThat(gated.code()).as(gated.output()).isEqualTo(10);
        assertThat(gated.output()).contains("notes.0003_remove_note_body", "backward-incompatible");
        assertThat(site.current()).isEqualTo(v2Release);
        Site.Run approved = site.djdeploy("deploy", ENV, "--ref", "v3", "--approve-migrations");
        assertThat(approved.code()).as(approved.output()).isZero();
        assertThat(site.current()).isNotEqualTo(v2Release);

        // then: a plain rollback is refused (the schema lacks the column v2 reads) ...
        Site.Run refused = site.djdeploy("rollback", ENV);
        assertThat(refused.code()).as(refused.output()).isEqualTo(14);
        assertThat(refused.output()).contains("notes.0003_remove_note_body", "--migrate-back");

        // ... and --migrate-back unapplies it with v3's code on this Django, then v2 serves again
        Site.Run back = site.djdeploy("rollback", ENV, "--migrate-back");
        assertThat(back.code()).as(back.output()).isZero();
        assertThat(site.current()).isEqualTo(v2Release);
        MigrationGateIT.Db db = MigrationGateIT.sqlite(site.site.deployTo().resolve("shared/db.sqlite3"));
        assertThat(db.applied()).doesNotContain("notes.0003_remove_note_body");
        assertThat(db.columns("notes_note")).contains("body");
        assertThat(site.get("/").body()).contains("Hello from v2");
    }

    /** The Django version the current release's venv imports. */
    static String djangoIn(Site site) throws Exception {
        Path python = site.site.deployTo().resolve("current/.venv/bin/python");
        Process p = new ProcessBuilder(python.toString(), "-c", "import django; print('%d.%d' % django.VERSION[:2])")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
