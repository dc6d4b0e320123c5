package io.djdeploy.it;

import io.djdeploy.scaffold.LocalSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `djdeploy migrations`: on an environment (builds the release, reports, removes it) and on a local checkout. */
@ExtendWith(TestHostsExtension.class)
class MigrationsCommandIT {
    @Test
    void onAnEnvironmentItReportsThePlanAndChangesNothing(Site site) throws Exception {
        // given
        assertThat(site.deploy("v2").code()).isZero();
        String current = site.current();
        List<String> dirs = site.releaseDirs();

        // when
        Site.Run review = site.djdeploy("migrations", LocalSite.ENVIRONMENT, "--ref", "v3");
        Site.Run safe = site.djdeploy("migrations", LocalSite.ENVIRONMENT, "--ref", "v2", "--format", "json");

        // then
        assertThat(review.code()).as(review.output()).isEqualTo(10);
        assertThat(review.output()).contains("notes.0003_remove_note_body", "Remove field body from note", "review",
                "backward-incompatible");
        assertThat(safe.code()).as(safe.output()).isZero();
        assertThat(safe.output().strip()).startsWith("{\"event\":\"migration_plan\",").endsWith(",\"plan\":{\"verdict\":\"safe\",\"migrations\":[]},\"unapproved\":[]}");
        assertThat(site.current()).isEqualTo(current);
        assertThat(site.releaseDirs()).isEqualTo(dirs);
        assertThat(site.locked()).isFalse();
        assertThat(site.ledger()).as("only the first deploy's started + success lines").hasSize(2);
    }

    @Test
    void onALocalCheckoutItLintsForCi(@TempDir Path dir) throws Exception {
        // given: v3 checked out, its database at v2 (migrated with v2's code)
        Path repo = dir.resolve("repo");
        Postgres.run(Site.home().resolve("scripts/example-repo").toString(), repo.toString());
        Path v2 = export(repo, "v2", dir.resolve("v2"));
        Path v3 = export(repo, "v3", dir.resolve("v3"));
        Map<String, String> env = Map.of("SECRET_KEY", "x".repeat(60), "DB_PATH", dir.resolve("db.sqlite3").toString());
        assertThat(run(env, v2, "/usr/bin/python3", "manage.py", "migrate", "--noinput").code()).isZero();

        // when
        Site.Run pending = djdeploy(env, "migrations", "--local", v3.toString(), "--python", "/usr/bin/python3", "--format", "json");
        Site.Run all = djdeploy(env, "migrations", "--local", v3.toString(), "--python", "/usr/bin/python3", "--all");
        Site.Run upToDate = djdeploy(env, "migrations", "--local", v2.toString(), "--python", "/usr/bin/python3");
        Site.Run broken = djdeploy(Map.of(), "migrations", "--local", v3.toString(), "--python", "/usr/bin/python3");

        // then
        assertThat(pending.code()).as(pending.output()).isEqualTo(10);
        assertThat(pending.output().strip()).contains("\"plan\":{\"verdict\":\"review\",\"migrations\":[{\"app\":\"notes\",\"name\":\"0003_remove_note_body\","
                + "\"operations\":[{\"type\":\"RemoveField\",\"class\":\"review\",\"reasons\":[\"backward-incompatible\"]");
        assertThat(all.code()).isEqualTo(10);
        assertThat(all.output()).contains("notes.0001_initial", "notes.0002_note_body", "notes.0003_remove_note_body");
        assertThat(upToDate.code()).as(upToDate.output()).isZero();
        assertThat(upToDate.output()).contains("nothing pending");
        assertThat(broken.code()).as(broken.output()).isEqualTo(13);
        assertThat(broken.output()).contains("SECRET_KEY").doesNotContain("x".repeat(60));
    }

    @Test
    void sinceARefItClassifiesOnlyWhatTheChangeAdds(@TempDir Path dir) throws Exception {
        // given: a CI checkout of v3 with an empty database, no --python (no venv: Debian's python3 is found)
        Path repo = dir.resolve("repo");
        Postgres.run(Site.home().resolve("scripts/example-repo").toString(), repo.toString());
        Path checkout = dir.resolve("checkout");
        Postgres.run("git", "clone", "-q", repo.toString(), checkout.toString());
        Postgres.run("git", "-C", checkout.toString(), "checkout", "-q", "v3");
        Map<String, String> env = Map.of("SECRET_KEY", "x".repeat(60), "DB_PATH", dir.resolve("empty.sqlite3").toString());

        // when
        Site.Run pr = djdeploy(env, "migrations", "--local", checkout.toString(), "--since", "v2");
        Site.Run nothing = djdeploy(env, "migrations", "--local", checkout.toString(), "--since", "v3");
        Site.Run twoTags = djdeploy(env, "migrations", "--local", checkout.toString(), "--since", "v1", "--format", "json");
        Site.Run withDjango = djdeploy(env, "migrations", "--local", checkout.toString(), "--all", "--include-django-apps");
        Site.Run badRef = djdeploy(env, "migrations", "--local", checkout.toString(), "--since", "no-such-ref");

        // then: only v3's migration, judged against a database in use (the CI database is empty)
        assertThat(pr.code()).as(pr.output()).isEqualTo(10);
        assertThat(pr.output()).contains("notes.0003_remove_note_body", "backward-incompatible")
                .doesNotContain("notes.0002_note_body", "auth.", "contenttypes.");
        assertThat(nothing.code()).as(nothing.output()).isZero();
        assertThat(nothing.output()).contains("nothing pending");
        assertThat(twoTags.code()).as(twoTags.output()).isEqualTo(10);
        assertThat(twoTags.output()).contains("\"name\":\"0002_note_body\"", "\"name\":\"0003_remove_note_body\"")
                .doesNotContain("0001_initial");
        // Django's own apps only when asked for
        assertThat(withDjango.output()).contains("auth.0001_initial", "notes.0001_initial");
        assertThat(badRef.code()).as(badRef.output()).isEqualTo(2);
        assertThat(badRef.output()).contains("--since no-such-ref: not a commit");
    }

    static Path export(Path repo, String tag, Path to) throws Exception {
        Files.createDirectories(to);
        Postgres.run("/bin/sh", "-c", "git -C '" + repo + "' archive " + tag + " | tar -x -C '" + to + "'");
        return to;
    }

    static Site.Run djdeploy(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("java", "-jar", Site.home().resolve("target/djdeploy.jar").toString()));
        argv.addAll(List.of(args));
        Site.Run r = run(env, Site.home(), argv.toArray(String[]::new));
        EventLog.check(List.of(args), r.output());
        return r;
    }

    static Site.Run run(Map<String, String> env, Path cwd, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove("DJANGO_SETTINGS_MODULE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Site.Run(p.exitValue(), out);
    }
}
