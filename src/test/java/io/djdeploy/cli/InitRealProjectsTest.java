package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.PythonConfig;
import io.djdeploy.django.VenvStep;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.scaffold.InitProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.djdeploy.cli.InitTest.flags;
import static io.djdeploy.cli.InitTest.init;
import static io.djdeploy.cli.InitTest.load;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * init on the example projects shaped like real ones (examples/splitsettings,
 * examples/pyprojectapp), reading their files as text (--python none); what asking Django
 * adds is InitExamplesIT's. Python version, gunicorn and pyproject handling.
 */
class InitRealProjectsTest {
    static Path example(Path tmp, String name) throws IOException {
        Path src = Path.of(System.getProperty("djdeploy.home", ".")).resolve("examples").resolve(name).toAbsolutePath();
        Path dst = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                if (p.toString().contains("__pycache__")) continue;
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dst;
    }

    @Test
    void aDevDefaultInManagePyGivesWayToItsProductionSiblingAndSettingsPicksAnother(@TempDir Path tmp) throws Exception {
        // given: manage.py defaults to shop.settings.dev; shop/settings/production.py exists
        Path dir = example(tmp, "splitsettings");

        // when
        InitTest.Run r = init(dir, flags());

        // then
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("manage.py defaults to shop.settings.dev (a development module); using its sibling shop.settings.production");
        EnvironmentConfig env = load(dir).environments().get("production");
        assertThat(env.django().settings()).isEqualTo("shop.settings.production");
        assertThat(Files.readString(dir.resolve("deploy/supervisor/shop.conf"))).contains("shop.settings.production").doesNotContain("settings.dev");
        assertThat(Files.readString(dir.resolve(".github/workflows/deploy.yml"))).contains("DJANGO_SETTINGS_MODULE: shop.settings.production");

        // and: --settings wins, and a module that does not exist is a usage error
        InitTest.Run dev = init(dir, flags("--force", "--settings", "shop.settings.dev"));
        assertThat(dev.code()).as(dev.out()).isZero();
        assertThat(load(dir).environments().get("production").django().settings()).isEqualTo("shop.settings.dev");
        assertThat(dev.out()).doesNotContain("using its sibling");
        InitTest.Run bad = init(dir, flags("--force", "--settings", "shop.settings.staging"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).contains("--settings shop.settings.staging: no such module");
    }

    @Test
    void readAsTextTheSplitProjectIsAGuessAndInitSaysSo(@TempDir Path tmp) throws Exception {
        Path dir = example(tmp, "splitsettings");

        InitProject p = InitProject.detect(dir);

        // MEDIA_ROOT = os.path.join(PROJECT_DIR, "media") cannot be read as text: assumed, and said
        assertThat(p.source()).isNull();
        assertThat(p.warnings()).anyMatch(w -> w.startsWith("read the settings as text and guessed"))
                .anyMatch(w -> w.startsWith("cannot read MEDIA_ROOT from the settings text"));
        // the names the settings read, even as text; the secret key under its own name
        assertThat(p.envKeys()).contains("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SHOP_DB_PATH").doesNotContain("SECRET_KEY", "DJANGO_ENV_FILE");
        InitTest.Run r = init(dir, flags());
        assertThat(r.out()).contains("Guessed from the settings' text: shop.settings.production");
        String envFile = Files.readString(dir.resolve("deploy/env.example"));
        assertThat(envFile).contains("DJANGO_SECRET_KEY=replace-me\n", "DJANGO_ALLOWED_HOSTS=shop.example.com,127.0.0.1\n")
                .doesNotContain("\nSECRET_KEY=");
        // the secret first: SENTRY_DSN (a secret) before the non-secret SHOP_DB_PATH
        assertThat(envFile.indexOf("SENTRY_DSN")).isLessThan(envFile.indexOf("SHOP_DB_PATH"));
        assertThat(load(dir).environments().get("production").checks().requiredEnv()).startsWith("DJANGO_SECRET_KEY")
                .doesNotContain("SECRET_KEY");
        assertThat(Files.readString(dir.resolve(".github/workflows/deploy.yml"))).contains("DJANGO_SECRET_KEY: ci-only-not-a-secret");
    }

    @Test
    void rootsNextToBaseDirBecomeSharedFoldersLinkedFromBothParents() {
        Path base = Path.of("/home/me/shop/src");
        assertThat(InitProject.hostRoot(base, "/home/me/shop/src/staticfiles")).isEqualTo("staticfiles");
        assertThat(InitProject.hostRoot(base, "/home/me/shop/src/public/assets/")).isEqualTo("public/assets");
        assertThat(InitProject.hostRoot(base, "/home/me/shop/media")).isEqualTo("../media");
        assertThat(InitProject.hostRoot(base, "/var/lib/shop/media")).isEqualTo("/var/lib/shop/media");
        assertThat(InitProject.hostRoot(base, "")).isNull();
        assertThat(InitProject.hostRoot(base, "/home/me/shop/src")).isNull();    // BASE_DIR itself: never a shared folder
    }

    @Test
    void theDeclaredPythonVersionGoesIntoDeployYmlAndBothCiFiles(@TempDir Path tmp) throws Exception {
        // given: .python-version (splitsettings), pyproject's requires-python (pyprojectapp), runtime.txt
        Path split = example(tmp, "splitsettings");
        Path pyproject = example(tmp, "pyprojectapp");
        Path runtime = example(tmp.resolve("r"), "splitsettings");
        Files.delete(runtime.resolve(".python-version"));
        Files.writeString(runtime.resolve("runtime.txt"), "python-3.9.18\n");

        for (Path d : List.of(split, pyproject, runtime)) assertThat(init(d, flags()).code()).isZero();

        assertThat(load(split).environments().get("production").python().version()).isEqualTo("3.11");
        assertThat(load(pyproject).environments().get("production").python().version()).isEqualTo("3.10");
        assertThat(load(runtime).environments().get("production").python().version()).isEqualTo("3.9");
        assertThat(Files.readString(split.resolve(".github/workflows/deploy.yml"))).contains("python-version: \"3.11\"");
        assertThat(Files.readString(pyproject.resolve(".gitlab-ci.yml"))).contains("image: python:3.10").doesNotContain("3.12");
        // without a declaration: the default, and no python.version check
        Path none = example(tmp.resolve("n"), "splitsettings");
        Files.delete(none.resolve(".python-version"));
        assertThat(init(none, flags()).code()).isZero();
        assertThat(load(none).environments().get("production").python().version()).isNull();
        assertThat(Files.readString(none.resolve(".github/workflows/deploy.yml"))).contains("python-version: \"3.12\"");
    }

    @Test
    void aMissingGunicornIsSaidAndAddedOnlyWhenAsked(@TempDir Path tmp) throws Exception {
        Path dir = example(tmp, "splitsettings");

        InitTest.Run warned = init(dir, flags());
        assertThat(warned.out()).contains("gunicorn is not in requirements.txt");
        assertThat(Files.readString(dir.resolve("requirements.txt"))).doesNotContain("gunicorn");

        InitTest.Run added = init(dir, flags("--force", "--add-gunicorn"));
        assertThat(added.code()).as(added.out()).isZero();
        assertThat(added.out()).contains("added gunicorn to requirements.txt").doesNotContain("gunicorn is not in");
        assertThat(Files.readString(dir.resolve("requirements.txt"))).isEqualTo("Django>=3.2,<6.0\ngunicorn\n");

        // and once it is there, init neither warns nor adds it again
        InitTest.Run again = init(dir, flags("--force", "--add-gunicorn"));
        assertThat(again.out()).doesNotContain("gunicorn is not in", "added gunicorn");
        assertThat(Files.readString(dir.resolve("requirements.txt"))).isEqualTo("Django>=3.2,<6.0\ngunicorn\n");
    }

    @Test
    void aPyprojectProjectInstallsItselfInEachReleaseAndInCi(@TempDir Path tmp) throws Exception {
        Path dir = example(tmp, "pyprojectapp");

        InitTest.Run r = init(dir, flags());

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).doesNotContain("gunicorn is not in", "no requirements");   // gunicorn is in pyproject's dependencies
        PythonConfig py = load(dir).environments().get("production").python();
        assertThat(py.requirements()).isEmpty();
        assertThat(py.installProject()).isTrue();
        assertThat(Files.readString(dir.resolve(".github/workflows/deploy.yml"))).contains(".venv/bin/pip install .\n");
        assertThat(load(dir).environments().get("production").shared().dirs()).containsExactly("uploads");

        // the venv step: pip install . after the requirements, with the system's setuptools when it sees them,
        // and pyproject.toml hashed for venv reuse
        ReleaseLayout l = new ReleaseLayout("/srv/blog");
        PythonConfig system = new PythonConfig("/usr/bin/python3", true, List.of(), "3.10", true);
        assertThat(VenvStep.createCommand(l, "20261201000000", system).script())
                .contains("-m pip install --disable-pip-version-check --no-input --quiet --no-build-isolation .");
        assertThat(VenvStep.createCommand(l, "20261201000000", new PythonConfig("python3", false, List.of(), null, true)).script())
                .contains("--quiet .").doesNotContain("--no-build-isolation");
        assertThat(VenvStep.hashCommand(l, "20261201000000", system).script()).contains("sha256sum -- pyproject.toml");
        assertThat(VenvStep.createCommand(l, "20261201000000", new PythonConfig("python3", false, List.of("requirements.txt"))).script())
                .doesNotContain(" install --disable-pip-version-check --no-input --quiet .");
    }
}
