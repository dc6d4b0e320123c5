package io.djdeploy.django;

import io.djdeploy.config.ChecksConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.release.Json;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the new release's settings on each host, with its own venv and env file:
 * `check --deploy` under a policy, the database reachable, and what `check --deploy` misses
 * behind a proxy (CSRF_TRUSTED_ORIGINS, SECURE_PROXY_SSL_HEADER vs the nginx site, STATIC_ROOT), and
 * file storages that would keep uploads inside the release (shared.media).
 */
public final class ReleaseChecks {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String CHECK_DEPLOY = "check --deploy";
    public static final String SETTINGS_CHECKS = "settings checks";
    static final Pattern CHECK_ID = Pattern.compile("\\(([a-z_]+(?:\\.[a-z_]+)*\\.[WE]\\d{3})\\)");
    static final Pattern MIGRATIONS_FOR = Pattern.compile("^Migrations for '([^']+)':$");
    static final Pattern PROXY_HEADER = Pattern.compile("proxy_set_header\\s+(\\S+)\\s+([^;]+);");

    private ReleaseChecks() {}

    /** `check --deploy`: errors always fail (Django's exit status); listed warning ids fail too. */
    public static Step checkDeploy() {
        return new Step() {
            public String name() { return CHECK_DEPLOY; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return ctx.env().django().checkDeploy(); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(Manage.command(h.ops().layout(), ctx.releaseId(), ctx.env().django(), Manage.Warm.ON, "check", "--deploy"));
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                // Django's errors fail (its exit status); a warning listed in checks.fail_on_warnings fails too
                Shell.Var out = Shell.var("out");
                Command c = Command.assign("out", plan(h, ctx).get(0).mergeStderr())
                        .orElse(Command.of("printf", "%s\\n", out).andAlso(Command.fail("manage.py check --deploy found errors", 1)))
                        .andAlso(Command.of("printf", "%s\\n", out));
                for (String id : ctx.env().checks().failOnWarnings()) {
                    c = c.andAlso(Command.of("printf", "%s", out).pipe(Command.of("grep", "-q", "-F", "--", "(" + id + ")")).not()
                            .orElse(Command.fail("check --deploy warning " + id + " fails by policy (fix the setting, or drop it from checks.fail_on_warnings)", 1)));
                }
                return List.of(c);
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // Django's exit status, and no warning that fails by policy (grep -F of its "(id)", as CHECK_ID reads it)
                Scripted s = Scripted.shown(plan(h, ctx), Scripted.Gate.EXIT_OK, (x, r) -> checked(x, plan(h, ctx).get(0), r.get(0)));
                List<String> policy = ctx.env().checks().failOnWarnings();
                if (policy.isEmpty()) return s;
                List<Object> grep = new ArrayList<>(List.of("grep", "-q", "-F"));
                for (String id : policy) grep.addAll(List.of("-e", "(" + id + ")"));
                grep.addAll(List.of("--", io.djdeploy.remote.Batch.KEPT_STDOUT, io.djdeploy.remote.Batch.KEPT_STDERR));
                return s.withOutputGate(Command.of(grep.toArray()).not());
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    private static void checked(StepExec x, Command c, CommandResult r) throws StepFailure {
        if (!r.ok()) throw new StepFailure("manage.py check --deploy found errors (exit " + r.exitCode() + ")", c.script(), r.exitCode(), r.tail());
        Set<String> found = ids(r.stdout() + "\n" + r.stderr());
        List<String> failing = new ArrayList<>();
        for (String id : found) if (x.ctx().env().checks().failOnWarnings().contains(id)) failing.add(id);
        x.report("django.check-deploy", failing.isEmpty(), failing.isEmpty()
                ? "no errors" + (found.isEmpty() ? ", no warnings" : "; warnings allowed by policy: " + String.join(", ", found))
                : "warnings that fail by policy: " + String.join(", ", failing),
                "fix the settings named by the warning (see the output above), or drop the id from checks.fail_on_warnings");
        x.failOnChecks();
    }

    static Set<String> ids(String output) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = CHECK_ID.matcher(output);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** db.reachable, proxy.*, static.root, shared.media: from the helper's settings facts (booleans and header names only). */
    public static Step settings() {
        return new Step() {
            public String name() { return SETTINGS_CHECKS; }
            public List<Command> script(HostRun h, RunContext ctx) {
                // without djdeploy's judgement of the facts, the script checks the one that stops a release: the database
                // the script's gate reads migrations with commands of their own: its last question here stops the warm process
                boolean makemigrations = ctx.env().checks().migrationsMissing() == ChecksConfig.Severity.FAIL;
                Command c = Command.assign("facts", factsCommand(h.ops().layout(), ctx, makemigrations ? Manage.Warm.ON : Manage.Warm.LAST))
                        .andAlso(Command.of("printf", "%s", Shell.var("facts"))
                        .pipe(Command.of("grep", "-q", "-E", "\"db_ok\": ?true")).orElse(Command.fail(
                                "the database does not answer with the release's settings (db.reachable; djdeploy check says more)", 1)));
                if (makemigrations) {
                    c = c.andAlso(makemigrationsCheck(h.ops().layout(), ctx, Manage.Warm.LAST).orElse(Command.fail(
                            "the models have changes without a migration (django.migrations-missing: makemigrations --check)", 1)));
                }
                return List.of(c);
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                // the release's warm Django process answers; its last question here stops it, unless GATE asks more
                boolean makemigrations = ctx.env().checks().migrationsMissing() != ChecksConfig.Severity.OFF;
                Manage.Warm last = MigrationSteps.analyzes(h, ctx) ? Manage.Warm.ON : Manage.Warm.LAST;
                List<Command> c = new ArrayList<>(List.of(factsCommand(h.ops().layout(), ctx, makemigrations ? Manage.Warm.ON : last)));
                String site = ctx.env().checks().nginxSite();
                if (site != null && h.config().hasRole(HostConfig.WEB)) c.add(Command.of("cat", site));
                if (makemigrations) c.add(makemigrationsCheck(h.ops().layout(), ctx, last));
                return c;
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // the facts are judged here, not on the host: a shared script ends after it
                return Scripted.queries(plan(h, ctx), Scripted.Gate.LAST, ReleaseChecks::settingsJudged);
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** @param results the plan's: the facts, the nginx site (when read), makemigrations --check (when on) */
    private static void settingsJudged(StepExec x, List<CommandResult> results) throws StepFailure {
        ChecksConfig cfg = x.ctx().env().checks();
        Command c = settings().plan(x.host(), x.ctx()).get(0);   // the facts command, as planned
        CommandResult r = results.get(0);
        int next = 1;
        Facts f;
        try {
            f = Json.read(r.lastJsonLine(), Facts.class);
        } catch (IllegalArgumentException e) {
            throw new StepFailure("the settings could not be inspected (exit " + r.exitCode() + ")", c.script(), r.exitCode(), r.tail());
        }
        if (f.error() != null) throw new StepFailure("the settings could not be loaded: " + f.error(), c.script(), r.exitCode(), r.tail());
        boolean web = x.host().config().hasRole(HostConfig.WEB);
        // the nginx site is read whenever it is planned, used only by the proxy.ssl-header check
        CommandResult site = cfg.nginxSite() != null && web ? results.get(next++) : null;
        x.report("db.reachable", Boolean.TRUE.equals(f.dbOk()), Boolean.TRUE.equals(f.dbOk())
                ? "the database answers with the release's settings" : "cannot connect with the release's settings (" + f.dbError() + ")",
                "check the DB_* / DATABASES settings in the env file, the database server, and the firewall");
        if (x.ctx().env().django().collectstatic()) {
            boolean ok = Boolean.TRUE.equals(f.staticRootSet()) && Boolean.TRUE.equals(f.staticRootWritable());
            x.report("static.root", ok, !Boolean.TRUE.equals(f.staticRootSet()) ? "STATIC_ROOT is not set"
                    : ok ? "STATIC_ROOT is set and writable" : "STATIC_ROOT is not writable",
                    "set STATIC_ROOT to a directory the deploy user can write (e.g. inside the release) and that nginx serves");
        }
        if (cfg.sharedMedia() && f.mediaInRelease() != null) sharedMedia(x, f.mediaInRelease(), x.host().ops().layout());
        if (cfg.migrationsMissing() != ChecksConfig.Severity.OFF) migrationsMissing(x, cfg.migrationsMissing(), results.get(next));
        if (cfg.publicUrl() != null) {
            boolean ok = Boolean.TRUE.equals(f.csrfTrustedOriginsCovers());
            x.report("proxy.csrf-trusted-origins", ok, ok ? "CSRF_TRUSTED_ORIGINS covers " + origin(cfg.publicUrl())
                    : "CSRF_TRUSTED_ORIGINS does not cover " + origin(cfg.publicUrl()) + ": form posts will fail CSRF checks",
                    "add '" + origin(cfg.publicUrl()) + "' to CSRF_TRUSTED_ORIGINS (Django 4+: with the scheme)");
        }
        if (web && (cfg.nginxSite() != null || https(cfg.publicUrl()))) {
            sslHeader(x, cfg, f.secureProxySslHeader(), site);
        }
        x.failOnChecks();
    }

    /** makemigrations --check --dry-run with the release's code: writes nothing, exits 1 when a model change has no migration. */
    static Command makemigrationsCheck(ReleaseLayout l, RunContext ctx, Manage.Warm warm) {
        return Manage.command(l, ctx.releaseId(), ctx.env().django(), warm, "makemigrations", "--check", "--dry-run", "--noinput");
    }

    /**
     * django.migrations-missing: models ahead of their migrations deploy as "nothing pending"
     * while the code expects a schema no migration makes.
     */
    static void migrationsMissing(StepExec x, ChecksConfig.Severity severity, CommandResult r) {
        List<String> missing = missingMigrations(r.stdout());
        String fix = "run manage.py makemigrations and commit the migrations, then deploy that commit"
                + " (or set checks.migrations_missing: warn)";
        if (r.ok()) {
            x.report("django.migrations-missing", true, "the migrations match the models", null);
        } else if (missing.isEmpty()) {
            x.report("django.migrations-missing", severity != ChecksConfig.Severity.FAIL,
                    "makemigrations --check failed (exit " + r.exitCode() + "): " + CommandResult.lastLine(r.stderr() + "\n" + r.stdout()), fix);
        } else if (severity == ChecksConfig.Severity.WARN) {
            x.warn("django.migrations-missing: models without a migration (allowed by checks.migrations_missing: warn): " + String.join("; ", missing));
        } else {
            x.report("django.migrations-missing", false, "models without a migration: " + String.join("; ", missing), fix);
        }
    }

    /** The migrations makemigrations would write, each with its operations ("notes.0004_note_title: Add field title to note"). */
    static List<String> missingMigrations(String out) {
        List<String> found = new ArrayList<>();
        String app = null;
        for (String line : out.split("\n")) {
            String t = line.strip();
            Matcher m = MIGRATIONS_FOR.matcher(t);
            if (m.find()) {
                app = m.group(1);
            } else if (app != null && t.endsWith(".py") && t.contains("/migrations/")) {
                String name = t.substring(t.lastIndexOf('/') + 1, t.length() - 3);
                found.add(app + "." + name + ":");
            } else if (app != null && t.length() > 2 && "-+~".indexOf(t.charAt(0)) >= 0 && t.charAt(1) == ' ' && !found.isEmpty()) {
                // "- Add field" up to Django 5.0; "+ Add", "~ Alter", "- Remove" since 5.1
                int last = found.size() - 1;
                found.set(last, found.get(last) + (found.get(last).endsWith(":") ? " " : ", ") + t.substring(2));
            }
        }
        return found;
    }

    /** shared.media: uploads written inside a release are deleted when keep_releases prunes it. */
    static void sharedMedia(StepExec x, List<StorageLocation> inRelease, ReleaseLayout l) {
        if (inRelease.isEmpty()) {
            x.report("shared.media", true, "no file storage location is inside the release", null);
            return;
        }
        List<String> named = new ArrayList<>();
        for (StorageLocation s : inRelease) named.add(s.setting() + " = " + s.path());
        x.report("shared.media", false, "file storage inside the release (uploads there are deleted with it): " + String.join("; ", named),
                "point the setting at a directory under " + l.shared() + " (e.g. MEDIA_ROOT = BASE_DIR / \"media\" with shared.dirs: [media]),"
                        + " or add the directory the path is in to shared.dirs; set checks.shared_media: false only if nothing is ever uploaded");
    }

    static void sslHeader(StepExec x, ChecksConfig cfg, List<String> header, CommandResult r) {
        if (header == null || header.size() != 2) {
            x.report("proxy.ssl-header", !https(cfg.publicUrl()), "SECURE_PROXY_SSL_HEADER is not set",
                    "behind nginx set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') and proxy_set_header X-Forwarded-Proto $scheme");
            return;
        }
        String nginxName = headerName(header.get(0));
        if (cfg.nginxSite() == null) {
            x.report("proxy.ssl-header", true, "SECURE_PROXY_SSL_HEADER is " + header.get(0) + " (set checks.nginx_site to verify nginx sets it)", null);
            return;
        }
        if (r == null || !r.ok()) {
            x.report("proxy.ssl-header", false, "cannot read the nginx site " + cfg.nginxSite(), "fix checks.nginx_site");
            return;
        }
        String value = setHeaders(r.stdout()).get(nginxName.toLowerCase(Locale.ROOT));
        boolean ok = value != null && (value.equals("$scheme") || value.equalsIgnoreCase(header.get(1)));
        x.report("proxy.ssl-header", ok, ok ? "nginx sets " + nginxName + " " + value + ", as SECURE_PROXY_SSL_HEADER expects"
                        : value == null ? "SECURE_PROXY_SSL_HEADER reads " + nginxName + " but " + cfg.nginxSite()
                        + " does not set it: any client can claim HTTPS" : "nginx sets " + nginxName + " " + value + ", Django expects " + header.get(1),
                "add `proxy_set_header " + nginxName + " $scheme;` to the location that proxies to gunicorn");
    }

    /** HTTP_X_FORWARDED_PROTO (Django's META key) -> X-Forwarded-Proto (the header nginx sets). */
    static String headerName(String metaKey) {
        String raw = metaKey.startsWith("HTTP_") ? metaKey.substring(5) : metaKey;
        StringBuilder sb = new StringBuilder();
        for (String part : raw.split("_")) {
            if (sb.length() > 0) sb.append('-');
            if (!part.isEmpty()) sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** proxy_set_header NAME VALUE lines of an nginx config, by lower-case name. */
    static Map<String, String> setHeaders(String config) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : config.split("\n")) {
            String l = line.strip();
            if (l.startsWith("#")) continue;
            Matcher m = PROXY_HEADER.matcher(l);
            if (m.find()) out.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2).strip());
        }
        return out;
    }

    static boolean https(String url) {
        return url != null && url.startsWith("https://");
    }

    static String origin(String url) {
        java.net.URI u = java.net.URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    static Command factsCommand(ReleaseLayout l, RunContext ctx, Manage.Warm warm) {
        List<String> args = new ArrayList<>(List.of("--release-dir", l.release(ctx.releaseId())));
        if (ctx.env().checks().publicUrl() != null) {
            args.add("--public-url");
            args.add(ctx.env().checks().publicUrl());
        }
        return MigrationSteps.helperCommand(l, ctx.releaseId(), ctx.env().django(), warm, "settings-facts", args.toArray(String[]::new));
    }

    /** What the helper reports: booleans and header names, never a value from the settings. */
    public record Facts(Boolean dbOk, String dbError, List<String> secureProxySslHeader, Boolean csrfTrustedOriginsCovers,
                        Boolean staticRootSet, Boolean staticRootWritable, Boolean debug, List<StorageLocation> mediaInRelease, String error) {}

    /** A file storage location that resolves inside the release: the setting that names it and the resolved path. */
    public record StorageLocation(String setting, String path) {}
}
