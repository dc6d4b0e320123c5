package io.djdeploy.cli;

import io.djdeploy.remote.CommandResult;
import io.djdeploy.scaffold.LocalSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `djdeploy demo`: deploys the bundled example app to a local target and tells the story:
 * a first release, a second, a broken one that changes nothing, a rollback. Runs gunicorn
 * under its own supervisord, so it needs no root services, and stops everything it started.
 */
@Command(name = "demo", description = "Deploy the bundled example app locally: v1, v2, a broken release, a rollback, a gated migration.")
class DemoCommand implements Callable<Integer> {
    /** What the demo needs from Debian, checked by what it runs. */
    static final List<String[]> PREREQUISITES = List.of(
            new String[]{"git", "git", "command -v git"},
            new String[]{"python3-django", "Django for /usr/bin/python3", "/usr/bin/python3 -c 'import django'"},
            new String[]{"gunicorn", "gunicorn for /usr/bin/python3", "/usr/bin/python3 -c 'import gunicorn'"},
            new String[]{"python3-venv", "python3 -m venv with pip", "/usr/bin/python3 -c 'import ensurepip, venv'"},
            new String[]{"supervisor", "supervisord", "command -v supervisord && command -v supervisorctl"});

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to build the demo (default: a new temporary directory).")
    Path dir;

    @Option(names = "--no-install", description = "Never install missing packages, even as root.")
    boolean noInstall;

    @Mixin
    OutputMixin output;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    // created on first use: picocli instantiates every command, and an idle HttpClient's
    // selector thread sits in native code, which makes the JVM's exit wait 300 ms for it
    private HttpClient http;

    @Override
    public Integer call() throws Exception {
        if (output.json()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format json: demo narrates for a person, not events (use --format text)");
        }
        out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Path home = Home.locate();
        prerequisites();
        dir = dir == null ? Files.createTempDirectory("djdeploy-demo-") : dir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve("srv/demo/current")) || Files.exists(dir.resolve("repo"))) {
            throw new CliException(ExitCode.USAGE, "--dir " + dir + " already holds a demo; choose an empty directory");
        }
        LocalSite site = new LocalSite(dir, home);
        say("djdeploy demo in " + dir);
        step("Building the example app's git history (tags v1, v2, broken, v3, ...) in " + dir.resolve("repo"));
        try {
            site.create();
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "demo: " + e.getMessage());
        }
        say("   and a local site: env file, a private supervisord for gunicorn on 127.0.0.1:" + site.port() + ", deploy.yml");
        site.start();
        try {
            story(site.config(), site.port());
        } finally {
            site.stop();
        }
        say("");
        say("Demo finished in " + TextRenderer.seconds((System.nanoTime() - t0) / 1_000_000) + ". Everything it started is stopped. Look around:");
        say("  " + site.deployTo().resolve("current") + "  -> " + Files.readSymbolicLink(site.deployTo().resolve("current")));
        say("  " + site.deployTo().resolve("releases") + "/   one directory per release, each with its own .venv");
        say("  " + site.deployTo().resolve("shared") + "/     survives releases (the SQLite database, media)");
        say("  " + site.deployTo().resolve(".djdeploy/history.jsonl") + "  the ledger");
        say("  " + site.config() + "  the config; try: ./djdeploy plan demo -c " + site.config());
        return 0;
    }

    private void story(Path config, int port) throws Exception {
        String cfg = config.toString();
        step("1. Deploy v1: the whole checklist, in order, verified");
        expect(run("deploy", "demo", "--ref", "v1", "-c", cfg), 0, "deploy v1");
        say("   GET / says: " + page(port));
        step("2. Status");
        expect(run("status", "demo", "-c", cfg), 0, "status");
        step("3. Deploy v2: a new release directory, a migration (a nullable field), the page changes");
        expect(run("deploy", "demo", "--ref", "v2", "-c", cfg), 0, "deploy v2");
        say("   GET / says: " + page(port));
        step("4. Deploy `broken` (an import error): it fails in PREPARE and changes nothing");
        int code = run("deploy", "demo", "--ref", "broken", "-c", cfg);
        if (code != ExitCode.DEPLOY_FAILED.code) throw new CliException(ExitCode.FAILURE, "demo: deploying broken should fail with exit 6, got " + code);
        say("   exit code " + code + " (deploy failed before the switch); GET / still says: " + page(port));
        step("5. Roll back: switch to the previous good release (v1), no git, no pip, no collectstatic");
        long t = System.nanoTime();
        expect(run("rollback", "demo", "-c", cfg), 0, "rollback");
        say("   rollback took " + TextRenderer.seconds((System.nanoTime() - t) / 1_000_000) + "; GET / says: " + page(port));
        step("6. Deploy v3, which drops a column the running code still reads: the migration gate stops it");
        int gated = run("deploy", "demo", "--ref", "v3", "-c", cfg);
        if (gated != ExitCode.MIGRATIONS_REVIEW.code) {
            throw new CliException(ExitCode.FAILURE, "demo: deploying v3 should stop at the migration gate with exit 10, got " + gated);
        }
        say("   exit code " + gated + " (review needed); nothing changed, GET / still says: " + page(port));
        step("7. Approve the reviewed migration and deploy v3 again: it is applied once, on the migrate host");
        expect(run("deploy", "demo", "--ref", "v3", "--approve-migrations", "notes.0003_remove_note_body", "-c", cfg), 0, "deploy v3 approved");
        say("   GET / says: " + page(port));
        step("8. The ledger");
        expect(run("releases", "demo", "-c", cfg), 0, "releases");
    }

    private int run(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        if (output.verbose) a.add("-v");
        say("$ djdeploy " + String.join(" ", args).replace(dir.toString(), "$DIR"));
        StringWriter buf = new StringWriter();
        PrintWriter w = new PrintWriter(buf, true);
        int code = Main.execute(a.toArray(String[]::new), w, w);
        for (String line : buf.toString().split("\n")) {
            if (!line.isEmpty()) out.println("   " + line.replace(dir.toString(), "$DIR"));
        }
        out.flush();
        return code;
    }

    private void expect(int code, int want, String what) {
        if (code != want) throw new CliException(ExitCode.FAILURE, "demo: " + what + " exited " + code + " (expected " + want + "); see the output above");
    }

    private String page(int port) throws IOException, InterruptedException {
        if (http == null) http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("Hello from [^<\\s]+").matcher(r.body());
        return "HTTP " + r.statusCode() + " \"" + (m.find() ? m.group() : "?") + "\"";
    }

    private void prerequisites() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String[] p : PREREQUISITES) {
            if (sh(List.of("/bin/sh", "-c", p[2] + " >/dev/null 2>&1"), false) != 0) missing.add(p[0]);
        }
        if (missing.isEmpty()) return;
        String cmd = "apt-get update && apt-get install -y " + String.join(" ", missing);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || noInstall) {
            throw new CliException(ExitCode.PREREQUISITES, "the demo needs " + String.join(", ", missing)
                    + "; install them with: sudo " + cmd);
        }
        say("Installing missing demo prerequisites: " + String.join(" ", missing));
        if (sh(List.of("/bin/sh", "-c", "DEBIAN_FRONTEND=noninteractive " + cmd.replace("apt-get install", "apt-get install -q")), true) != 0) {
            throw new CliException(ExitCode.PREREQUISITES, "installing " + String.join(", ", missing) + " failed; run: " + cmd);
        }
    }

    private int sh(List<String> argv, boolean mustSucceed) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
        int code = p.exitValue();
        if (code != 0 && mustSucceed) {
            throw new CliException(ExitCode.FAILURE, "demo: " + String.join(" ", argv) + " failed (exit " + code + "): " + CommandResult.lastLine(text));
        }
        return code;
    }

    private void step(String s) {
        out.println();
        out.println(Style.detect().bold(s));
        out.flush();
    }

    private void say(String s) {
        out.println(s);
        out.flush();
    }

}
