package io.djdeploy.pipeline;

import io.djdeploy.config.GitConfig;
import io.djdeploy.step.StepFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upload mode's tree, built by real git on this machine: the commit plus its submodules at the commits it records. */
class LocalCodeIT {
    @TempDir
    Path tmp;

    @Test
    void theTreeHoldsTheCommitAndItsSubmoduleAtTheRecordedCommitNotTheCheckedOutOne() throws Exception {
        // given: app with submodule lib; lib moved on after the app recorded it
        Path lib = repo("lib", "lib.py", "v = 1\n");
        Path app = repo("app", "manage.py", "print('app')\n");
        git(app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.toString(), "vendor/lib");
        git(app, "commit", "-q", "-m", "lib");
        git(app, "tag", "v1");
        Files.writeString(app.resolve("vendor/lib/lib.py"), "v = 2\n");
        git(app.resolve("vendor/lib"), "commit", "-q", "-am", "two");

        // when
        LocalCode.Built b = LocalCode.build(new GitConfig(GitConfig.Mode.UPLOAD, app.toString(), null), "/nowhere", "v1", Map.of());

        // then
        assertThat(b.sha()).isEqualTo(git(app, "rev-parse", "v1").strip());
        assertThat(b.submodules()).containsExactly("vendor/lib");
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path tgz = tmp.resolve("code.tar.gz");
        Files.write(tgz, b.archive());
        run(List.of("tar", "-x", "-z", "-f", tgz.toString(), "-C", out.toString()), null);
        assertThat(out.resolve("manage.py")).hasContent("print('app')");
        assertThat(out.resolve("vendor/lib/lib.py")).hasContent("v = 1");
    }

    @Test
    void withoutALocalCloneAMirrorOfRepoIsKeptInTheCacheAndFetchedAgain() throws Exception {
        // given
        Path app = repo("app2", "manage.py", "one\n");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        GitConfig mirror = new GitConfig(GitConfig.Mode.UPLOAD, null, null);
        String first = LocalCode.build(mirror, app.toString(), "HEAD", env).sha();

        // when: a new commit upstream
        Files.writeString(app.resolve("manage.py"), "two\n");
        git(app, "commit", "-q", "-am", "two");
        LocalCode.Built second = LocalCode.build(mirror, app.toString(), "HEAD", env);

        // then
        assertThat(second.sha()).isNotEqualTo(first).isEqualTo(git(app, "rev-parse", "HEAD").strip());
        try (var s = Files.list(tmp.resolve("cache/djdeploy/git"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("app2-");
        }
        assertThatThrownBy(() -> LocalCode.build(mirror, app.toString(), "nope", env)).isInstanceOf(StepFailure.class)
                .hasMessageContaining("ref 'nope' does not resolve to a commit");
    }

    private Path repo(String name, String file, String content) throws Exception {
        Path r = Files.createDirectory(tmp.resolve(name));
        git(r, "init", "-q");
        Files.writeString(r.resolve(file), content);
        git(r, "add", file);
        git(r, "commit", "-q", "-m", "init");
        return r;
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return run(argv, dir);
    }

    private static String run(List<String> argv, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", argv) + ": " + out).isTrue();
        return out;
    }
}
