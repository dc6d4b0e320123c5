package io.djdeploy.it;

import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.Revision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exported release script on a real host from scripts/testhosts (sshd, supervisor,
 * gunicorn, nginx): copied onto the host, run there with bash over SSH, and checked for the
 * end state `djdeploy deploy` leaves (current, REVISION, the served release id, the ledger),
 * next to djdeploy's own deploys on the same host. The tests run in order on one host.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TestHostsExtension.class)
class ExportScriptIT {
    static final String ENV = "test";
    static Path dir;
    static TestHosts hosts;
    static String host;
    static String scriptRelease;
    static String djdeployRelease;
    static String secondScriptRelease;

    @BeforeAll
    static void up(TestHosts testHosts) throws Exception {
        hosts = testHosts;
        dir = hosts.dir;
        host = hosts.addresses.get(0);
    }

    /** Exports the script for the host into its /root (a bind mount of DIR/hosts/ADDR/root). */
    static void export(Path config, String name, String... more) {
        List<String> args = new ArrayList<>(List.of("export-script", ENV, "--host", host, "-o", hosts.host(host).resolve("root/" + name).toString()));
        args.addAll(List.of(more));
        Site.Run r = hosts.djdeploy(config, args.toArray(String[]::new));
        assertThat(r.code()).as(r.output()).isZero();
    }

    /** Runs /root/NAME on the host: `ssh root@ADDR [VAR=value] bash /root/NAME`, strict host keys. */
    static Site.Run onHost(String name, String... env) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ssh", "-i", dir.resolve("client_key").toString(),
                "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"), "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "root@" + host));
        argv.addAll(List.of(env));
        argv.addAll(List.of("bash", "/root/" + name));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(out).isTrue();
        return new Site.Run(p.exitValue(), out);
    }

    static Path deployTo() {
        return hosts.host(host).resolve("srv/demo");
    }

    static List<LedgerEntry> ledger() throws Exception {
        return hosts.ledger(host);
    }

    static LedgerEntry lastEntry() throws Exception {
        List<LedgerEntry> l = ledger();
        assertThat(l).isNotEmpty();
        return l.get(l.size() - 1);
    }

    static String served() throws Exception {
        return hosts.get(host, "/healthz/").headers().firstValue("X-Release").orElse(null);
    }

    @Test
    @Order(1)
    void theFirstRunStopsAtTheUnappliedMigrationsAndChangesNothing() throws Exception {
        // given: the script for the test host (v1: a new database, every migration unapplied)
        export(hosts.config(), "deploy.sh");

        // when
        Site.Run run = onHost("deploy.sh");

        // then: exit 10 as djdeploy's gate, nothing deployed, the lock released, the stop recorded
        assertThat(run.code()).as(run.output()).isEqualTo(10);
        assertThat(run.output()).contains("unapplied migration(s): contenttypes.0001_initial", "APPROVE_MIGRATIONS=1",
                "Planned operations:", "removed the unfinished release");
        assertThat(hosts.current(host)).isNull();
        assertThat(hosts.releaseDirs(host)).isEmpty();
        assertThat(deployTo().resolve(".djdeploy/lock")).doesNotExist();
        LedgerEntry e = lastEntry();
        assertThat(e.outcome()).isEqualTo("gated");
        assertThat(e.error()).contains(host + ": analyze migrations: ");
    }

    @Test
    @Order(2)
    void anApprovedRunEndsAsDjdeployDeployWould() throws Exception {
        // when
        Site.Run run = onHost("deploy.sh", "APPROVE_MIGRATIONS=1");

        // then: current is a complete release (REVISION written last) and nginx serves it
        assertThat(run.code()).as(run.output()).isZero();
        String id = hosts.current(host);
        assertThat(id).matches("\\d{14}");
        scriptRelease = id;
        Revision rev = Revision.parse(Files.readString(deployTo().resolve("releases/" + id + "/REVISION")));
        assertThat(rev.id()).isEqualTo(id);
        assertThat(rev.ref()).isEqualTo("v1");
        assertThat(rev.sha()).matches("[0-9a-f]{40}");
        assertThat(rev.user()).isEqualTo("root");
        assertThat(served()).isEqualTo(id);
        assertThat(hosts.get(host, "/").body()).contains("Hello from v1");
        assertThat(hosts.get(host, "/static/notes/site.css").statusCode()).isEqualTo(200);
        assertThat(deployTo().resolve("current")).isSymbolicLink();
        assertThat(Files.readSymbolicLink(deployTo().resolve("current")).toString()).isEqualTo("releases/" + id);
        assertThat(deployTo().resolve(".djdeploy/lock")).doesNotExist();

        // and: the ledger entry is djdeploy's
        LedgerEntry e = lastEntry();
        assertThat(e.event()).isEqualTo("deploy");
        assertThat(e.outcome()).isEqualTo("success");
        assertThat(e.release()).isEqualTo(id);
        assertThat(e.previous()).isNull();
        assertThat(e.ref()).isEqualTo("v1");
        assertThat(e.sha()).isEqualTo(rev.sha());
        assertThat(e.host()).isEqualTo(host);
        assertThat(e.approved()).containsExactly("*");
        assertThat(e.steps()).extracting(LedgerEntry.StepEntry::step)
                .containsSubsequence("lock", "fetch", "code", "venv", "check --deploy", "collectstatic", "revision", "migrate", "switch", "health", "cleanup");
        assertThat(e.steps()).allMatch(s -> "ok".equals(s.status()));

        // and: djdeploy reads it back
        Site.Run releases = hosts.djdeploy(hosts.config(), "releases", ENV);
        assertThat(releases.code()).as(releases.output()).isZero();
        assertThat(releases.output()).containsPattern("\\*\\s+" + id + "\\s+deploy\\s+success\\s+v1\\s+" + rev.sha().substring(0, 12));
        Site.Run status = hosts.djdeploy(hosts.config(), "status", ENV);
        assertThat(status.output()).contains("current:  " + id + "  ref v1  sha " + rev.sha().substring(0, 12), "lock:     free",
                "last:     deploy success");
        // status's health probe runs djdeploy's helper from the current release: a script-made
        // release gets it on first use, so the host reports healthy
        assertThat(status.code()).as(status.output()).isZero();
    }

    @Test
    @Order(3)
    void djdeployDeploysOnTopOfTheScriptsRelease() throws Exception {
        // when
        Site.Run run = hosts.djdeploy(hosts.config(), "deploy", ENV, "--ref", "v2", "-v");

        // then: same layout, so djdeploy finds the previous release and even reuses its venv
        assertThat(run.code()).as(run.output()).isZero();
        String id = hosts.current(host);
        assertThat(id).isGreaterThan(scriptRelease);
        djdeployRelease = id;
        assertThat(run.output()).contains("current release: " + scriptRelease, "requirements unchanged since release " + scriptRelease);
        assertThat(hosts.releaseDirs(host)).containsExactly(scriptRelease, id);
        assertThat(served()).isEqualTo(id);
        assertThat(hosts.get(host, "/").body()).contains("Hello from v2");
        assertThat(lastEntry().previous()).isEqualTo(scriptRelease);
    }

    @Test
    @Order(4)
    void theScriptAgainMakesASecondReleaseAndKeepsThePrevious() throws Exception {
        // when: the same script (v1) on top of djdeploy's v2 release
        Site.Run run = onHost("deploy.sh");

        // then: nothing to migrate (the database's v2 migration is unknown to v1's code), a new release
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output()).contains("current release: " + djdeployRelease, "no unapplied migrations",
                "requirements unchanged since release " + djdeployRelease);
        String id = hosts.current(host);
        assertThat(id).isGreaterThan(djdeployRelease);
        secondScriptRelease = id;
        assertThat(hosts.releaseDirs(host)).containsExactly(scriptRelease, djdeployRelease, id);
        assertThat(served()).isEqualTo(id);
        assertThat(hosts.get(host, "/").body()).contains("Hello from v1");
        LedgerEntry e = lastEntry();
        assertThat(e.outcome()).isEqualTo("success");
        assertThat(e.release()).isEqualTo(id);
        assertThat(e.previous()).isEqualTo(djdeployRelease);
        // the copied venv names its own path, not the one it was copied from
        Path activate = deployTo().resolve("releases/" + id + "/.venv/bin/activate");
        assertThat(Files.readString(activate)).contains("/srv/demo/releases/" + id + "/.venv").doesNotContain(djdeployRelease);
    }

    @Test
    @Order(5)
    void aReleaseThatCannotBootIsSwitchedBack() throws Exception {
        // given: a script for `noboot` (check passes, gunicorn cannot import the WSGI module)
        Path config = hosts.configWith("fast-health.yml", "retries: 40", "retries: 8");
        export(config, "noboot.sh", "--ref", "noboot");

        // when
        Site.Run run = onHost("noboot.sh");

        // then: exit 7 as djdeploy's, the previous release current and serving again
        assertThat(run.code()).as(run.output()).isEqualTo(7);
        // (the web reload runs in the switch command, as in djdeploy: it fails there, or at the health check)
        assertThat(run.output()).contains("switching back to release " + secondScriptRelease, "healthy again");
        assertThat(hosts.current(host)).isEqualTo(secondScriptRelease);
        assertThat(served()).isEqualTo(secondScriptRelease);
        LedgerEntry e = lastEntry();
        assertThat(e.outcome()).isEqualTo("rolled_back");
        assertThat(e.previous()).isEqualTo(secondScriptRelease);
        assertThat(e.release()).isGreaterThan(secondScriptRelease);
        assertThat(e.error()).matches("(?s)" + java.util.regex.Pattern.quote(host) + ": (switch|health): .*");
        Site.Run releases = hosts.djdeploy(hosts.config(), "releases", ENV);
        assertThat(releases.output()).containsPattern(e.release() + "\\s+bad\\s+deploy\\s+rolled_back");
    }

    @Test
    @Order(6)
    void aLockTakenByDjdeployStopsTheScript() throws Exception {
        // given
        Site.Run lock = hosts.djdeploy(hosts.config(), "lock", ENV);
        assertThat(lock.code()).as(lock.output()).isZero();
        try {
            // when
            Site.Run run = onHost("deploy.sh");

            // then: exit 4, the holder named, nothing touched
            assertThat(run.code()).as(run.output()).isEqualTo(4);
            assertThat(run.output()).contains("locked by ", "(lock)", "djdeploy unlock test");
            assertThat(hosts.current(host)).isEqualTo(secondScriptRelease);
            assertThat(deployTo().resolve(".djdeploy/lock")).isDirectory();
        } finally {
            Site.Run unlock = hosts.djdeploy(hosts.config(), "unlock", ENV);
            assertThat(unlock.code()).as(unlock.output()).isZero();
        }
    }

    @Test
    @Order(7)
    void aBlueGreenScriptBootsTheIdleColorAndSwapsTheSocket() throws Exception {
        // given: the same host under web.strategy blue-green (what `init` writes by default)
        Path config = hosts.blueGreenConfig("bg.yml", "  standby: 5m\n  drain: 1s\n");
        export(config, "bg.sh", "--ref", "v2");

        // when: the first run (the plain instance served before) and a second one
        Site.Run first = onHost("bg.sh");
        String blueRelease = hosts.current(host);
        Site.Run second = onHost("bg.sh");

        // then: blue boots and gets web.sock; the second run boots green and leaves blue in standby
        assertThat(first.code()).as(first.output()).isZero();
        assertThat(hosts.link(host, "/srv/demo/blue")).isEqualTo("releases/" + blueRelease);
        assertThat(second.code()).as(second.output()).isZero();
        String greenRelease = hosts.current(host);
        assertThat(greenRelease).isGreaterThan(blueRelease);
        assertThat(hosts.link(host, "/run/demo/web.sock")).isEqualTo("green.sock");
        assertThat(hosts.link(host, "/srv/demo/green")).isEqualTo("releases/" + greenRelease);
        assertThat(served()).isEqualTo(greenRelease);
        assertThat(hosts.get(host, "/").body()).contains("Hello from v2");
        assertThat(hosts.onHost(host, "supervisorctl -c /etc/demo/supervisord.conf status demo-web-blue || true")).contains("RUNNING");
        LedgerEntry e = lastEntry();
        assertThat(e.outcome()).isEqualTo("success");
        assertThat(e.steps()).extracting(LedgerEntry.StepEntry::step).containsSubsequence("boot idle color", "switch", "health", "retire old color");
        Site.Run status = hosts.djdeploy(config, "status", ENV);
        assertThat(status.output()).contains("blue-green: green live (release " + greenRelease + "), blue in standby (release " + blueRelease + ")");
    }
}
