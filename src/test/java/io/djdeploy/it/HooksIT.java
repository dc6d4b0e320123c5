package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hooks (docs/hooks.md) on a test host, with the example app's tag {@code hooks}: a local hook
 * runs a real front-end build (Debian's node and npm, no registry) in a checkout of the project,
 * its output is uploaded into the release and served by nginx; an after_prepare hook compiles
 * the locale with {@code manage.py compilemessages} (Debian's gettext) in the new release; a
 * failing before_switch hook changes nothing; a failing after_switch hook switches back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class HooksIT {
    static final String ENV = "test";
    static final String WEB = TestHosts.address(1);
    static final String BUILD = "  - {at: local, command: \"npm run build\", upload: [notes/static/notes/build]}\n"
            + "  - {at: after_prepare, command: \"python manage.py compilemessages\", once: true}\n";
    static TestHosts fleet;
    /** A checkout of the project at the tag, holding deploy.yml (local hooks run where deploy.yml is). */
    static Path checkout;

    @BeforeAll
    static void up(@TestHostsExtension.Hosts(1) TestHosts hosts) throws Exception {
        fleet = hosts;
        checkout = fleet.dir.resolve("checkout");
        Postgres.run("git", "clone", "-q", "--branch", "hooks", fleet.dir.resolve("repo").toString(), checkout.toString());
        Site.Run first = fleet.djdeploy(fleet.config(), "deploy", ENV, "--ref", "v2");
        assertThat(first.code()).as(first.output()).isZero();
    }

    static Path config(String hooks) throws IOException {
        Path p = checkout.resolve("deploy.yml");
        Files.writeString(p, Files.readString(fleet.config()) + "hooks:\n" + hooks);
        return p;
    }

    static Path release(String id) {
        return fleet.host(WEB).resolve("srv/demo/releases/" + id);
    }

    @Test
    @Order(1)
    void aLocalBuildIsUploadedAndServedAndCompilemessagesRunsInTheNewRelease() throws Exception {
        // when
        Site.Run run = fleet.djdeploy(config(BUILD), "deploy", ENV, "--ref", "hooks");

        // then
        assertThat(run.code()).as(run.output()).isZero();
        String id = fleet.current(WEB);
        // built here (not in git), uploaded into the release, collected and served by nginx
        assertThat(checkout.resolve("notes/static/notes/build/app.js")).exists();
        assertThat(release(id).resolve("notes/static/notes/build/app.js")).exists();
        HttpResponse<String> asset = fleet.get(WEB, "/static/notes/build/app.js");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).contains("built by npm run build");
        // compiled on the host, in the new release
        assertThat(release(id).resolve("locale/de/LC_MESSAGES/django.mo")).isNotEmptyFile();
        assertThat(fleet.get(WEB, "/").body()).contains("Hello from v2");
        // the hooks are steps of the ledger line
        LedgerEntry last = fleet.ledger(WEB).get(fleet.ledger(WEB).size() - 1);
        assertThat(last.outcome()).isEqualTo("success");
        assertThat(last.steps()).extracting(s -> s.phase() + "/" + s.step())
                .contains("build/hook local", "prepare/upload build", "prepare/hook after_prepare");
    }

    @Test
    @Order(2)
    void aFailingBeforeSwitchHookLeavesTheOldReleaseServingAndTheLockReleased() throws Exception {
        // given
        String before = fleet.current(WEB);
        List<String> releases = fleet.releaseDirs(WEB);
        Path config = config(BUILD + "  - {at: before_switch, command: \"echo cache table missing >&2; exit 3\"}\n");

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "hooks");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains("hook before_switch", "failed with exit status 3", "cache table missing");
        assertThat(fleet.current(WEB)).isEqualTo(before);
        assertThat(fleet.releaseDirs(WEB)).isEqualTo(releases);
        assertThat(fleet.host(WEB).resolve("srv/demo/.djdeploy/lock")).doesNotExist();
        assertThat(fleet.get(WEB, "/static/notes/build/app.js").statusCode()).isEqualTo(200);
        LedgerEntry last = fleet.ledger(WEB).get(fleet.ledger(WEB).size() - 1);
        assertThat(last.outcome()).isEqualTo("failed");
        assertThat(last.steps()).extracting(LedgerEntry.StepEntry::step).contains("hook before_switch");
    }

    @Test
    @Order(3)
    void aFailingAfterSwitchHookSwitchesBackAutomatically() throws Exception {
        // given
        String before = fleet.current(WEB);
        Path config = config(BUILD + "  - {at: after_switch, command: \"test -e no-such-file\"}\n");

        // when
        Site.Run run = fleet.djdeploy(config, "deploy", ENV, "--ref", "hooks");

        // then
        assertThat(run.code()).as(run.output()).isEqualTo(7);
        assertThat(run.output()).contains("hook after_switch");
        assertThat(fleet.current(WEB)).isEqualTo(before);
        assertThat(fleet.get(WEB, "/healthz/").headers().firstValue("X-Release")).hasValue(before);
        assertThat(fleet.host(WEB).resolve("srv/demo/.djdeploy/lock")).doesNotExist();
        LedgerEntry last = fleet.ledger(WEB).get(fleet.ledger(WEB).size() - 1);
        assertThat(last.outcome()).isEqualTo("rolled_back");
        assertThat(last.steps()).extracting(LedgerEntry.StepEntry::step).contains("hook after_switch");
    }
}
