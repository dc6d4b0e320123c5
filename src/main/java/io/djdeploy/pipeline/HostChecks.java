package io.djdeploy.pipeline;

import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.config.ChecksConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.web.WebSteps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PREFLIGHT checks of a host, before anything is built: the env file (present, root-owned,
 * not writable by the app, not world-readable, required keys), disk space and inodes under
 * deploy_to, clock skew against this machine, and the nginx config. Read-only; every check
 * reports a stable id, one line and a fix.
 */
public final class HostChecks {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String HOST_CHECKS = "host checks";
    private HostChecks() {}

    public static Step step() {
        return new Step() {
            public String name() { return HOST_CHECKS; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                List<Command> c = new ArrayList<>(List.of(factsCommand(h, ctx)));
                // the env file is read for the key names and the redactor; its values are never printed
                if (ctx.env().django().envFile() != null) c.add(CoreSteps.envFileCommand(ctx.env()));
                if (h.config().hasRole(HostConfig.WEB)) c.addAll(WebSteps.nginxTestCommand(ctx.env()));
                return c;
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                // a script checks what it can without djdeploy: the env file and its keys (names only), nginx -t
                List<Command> c = new ArrayList<>();
                String f = ctx.env().django().envFile();
                if (f != null) {
                    c.add(Command.of("test", "-r", f).orElse(Command.fail("env file missing or unreadable: " + f + " (django.env_file)", 1)));
                    for (String k : ctx.env().checks().requiredEnv()) {
                        c.add(Command.of("grep", "-q", "-E", "^(export[[:space:]]+)?" + k + "[[:space:]]*=", f)
                                .orElse(Command.fail("env file " + f + " has no " + k + " (checks.required_env)", 1)));
                    }
                }
                if (h.config().hasRole(HostConfig.WEB)) c.addAll(WebSteps.nginxTestCommand(ctx.env()));
                return c;
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // thresholds and the clock are judged here, not on the host: a shared script ends after it
                return Scripted.queries(plan(h, ctx), Scripted.Gate.LAST, (x, r) -> {
                    HostChecks.run(x, x.ctx().env().checks(), r);
                    x.failOnChecks();
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    static Command factsCommand(HostRun h, RunContext ctx) {
        String f = ctx.env().django().envFile();
        String dt = h.ops().layout().deployTo();
        Command disk = Command.of("df", "-Pk", dt).pipe(Command.of("awk", "NR==2 {print \"free_kb=\" $4}"))
                .andAlso(Command.of("df", "-Pi", dt).pipe(Command.of("awk", "NR==2 {print \"free_inodes=\" $4}")))
                .andAlso(Command.sh("echo now_ms=$(date +%s%3N)"));
        // a container release brings its interpreter in the image
        String needed = ctx.env().containers() ? null : ctx.env().python().version();
        if (needed != null) {
            // only with python.version: the plan of a config without it stays as it was
            disk = disk.andAlso(Command.of(ctx.env().python().interpreter(), "-c", "import sys; print('python_version=%d.%d' % sys.version_info[:2])")
                    .quiet().orElse(Command.echo("python_version=none")));
        }
        if (f == null) return disk;
        return Command.ifElse(Command.of("test", "-r", f),
                Command.echo("env_readable=1").andAlso(Command.of("stat", "-c", "env_owner=%U", f)).andAlso(Command.of("stat", "-c", "env_mode=%a", f)),
                Command.echo("env_readable=0")).andAlso(disk);
    }

    /** @param results what the plan's commands did: the facts, the env file (when set), nginx's tests (web hosts) */
    static void run(StepExec x, ChecksConfig cfg, List<CommandResult> results) {
        RunContext ctx = x.ctx();
        HostRun h = x.host();
        // the host read its clock between these two moments of ours
        long before = x.started();
        long after = System.currentTimeMillis();
        CommandResult r = results.get(0);
        int next = 1;
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) facts.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        String f = ctx.env().django().envFile();
        if (f != null) envFile(x, cfg, f, facts, results.get(next++));

        long freeMb = parse(facts.get("free_kb")) / 1024;
        x.report("disk.space", freeMb >= cfg.minFreeMb(), freeMb + " MiB free under " + h.ops().layout().deployTo() + " (at least "
                + cfg.minFreeMb() + ")", "free space, lower keep_releases, or checks.min_free_mb");
        long inodes = parse(facts.get("free_inodes"));
        // some file systems (btrfs, overlay) report no inode limit: 0 free of 0 means unlimited
        boolean inodesOk = inodes >= cfg.minFreeInodes() || inodes == 0 && facts.containsKey("free_inodes");
        x.report("disk.inodes", inodesOk, inodes + " inodes free (at least " + cfg.minFreeInodes() + ")",
                "remove old releases or small files; checks.min_free_inodes");
        long hostMs = parse(facts.get("now_ms"));
        long skew = hostMs == 0 ? Long.MAX_VALUE : Math.abs(hostMs - (before + after) / 2);
        long allowed = cfg.maxClockSkew().toMillis() + (after - before) / 2;
        x.report("clock.skew", skew <= allowed, skew == Long.MAX_VALUE ? "cannot read the host's clock"
                : "clock differs from this machine's by " + skew + " ms (at most " + cfg.maxClockSkew().toMillis() + ")",
                "run NTP (systemd-timesyncd or chrony) on every host: release ids and the ledger are timestamps");

        String needed = ctx.env().containers() ? null : ctx.env().python().version();
        if (needed != null) pythonVersion(x, ctx.env().python().interpreter(), needed, facts.getOrDefault("python_version", "none"));

        if (h.config().hasRole(HostConfig.WEB)) {
            for (Command c : WebSteps.nginxTestCommand(ctx.env())) {
                CommandResult n = results.get(next++);
                x.report("nginx.config", n.ok(), n.ok() ? "`" + c.script() + "` passed" : "`" + c.script() + "` failed: " + n.lastLine().orElse(""),
                        "fix the nginx configuration; a reload with a broken config keeps the old one and hides the error");
            }
        }
    }

    private static void envFile(StepExec x, ChecksConfig cfg, String f, Map<String, String> facts, CommandResult read) {
        // read even when the facts say unreadable: the step runs exactly the commands it plans
        String text = CoreSteps.envFileRead(x, read);
        boolean readable = "1".equals(facts.get("env_readable"));
        x.report("env-file.present", readable, readable ? f + " is readable" : f + " is missing or unreadable",
                "create it (KEY=value lines) on the host; see django.env_file");
        if (!readable) return;
        String owner = cfg.envFileOwner();
        boolean owned = owner.equals(facts.get("env_owner"));
        x.report("env-file.owner", owned, "owned by " + facts.get("env_owner") + (owned ? "" : ", expected " + owner),
                "chown " + owner + " " + f + " (the app must not own its secrets; checks.env_file_owner)");
        int mode = facts.get("env_mode") == null ? 0777 : Integer.parseInt(facts.get("env_mode"), 8);
        boolean groupOtherWrite = (mode & 022) != 0;
        boolean worldRead = (mode & 004) != 0;
        x.report("env-file.mode", !groupOtherWrite && !worldRead, String.format("mode %04o", mode)
                + (groupOtherWrite ? ", writable by group or others" : "") + (worldRead ? ", readable by everyone" : ""),
                "chmod 0640 " + f + " (root:app: the app reads it, only root writes it)");
        List<String> present = new ArrayList<>();
        for (String line : (text == null ? "" : text).split("\n")) {
            String l = line.strip();
            if (l.startsWith("export ")) l = l.substring(7).strip();
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("#")) present.add(l.substring(0, eq).strip());
        }
        List<String> missing = new ArrayList<>();
        for (String k : cfg.requiredEnv()) if (!present.contains(k)) missing.add(k);
        x.report("env-file.keys", missing.isEmpty(), missing.isEmpty() ? "has " + String.join(", ", cfg.requiredEnv())
                : "lacks " + String.join(", ", missing), "add the missing keys (names listed in checks.required_env)");
    }

    /** python.version: the host's interpreter must be at least the version the project declares. */
    static void pythonVersion(StepExec x, String interpreter, String needed, String found) {
        boolean ok = !"none".equals(found) && compareVersions(found, needed) >= 0;
        x.report("python.version", ok, "none".equals(found) ? interpreter + " does not run on the host"
                        : interpreter + " is Python " + found + (ok ? "" : ", older than the " + needed + " the project needs") + " (python.version " + needed + ")",
                "install Python " + needed + " or newer on the host (Debian: a newer release, or python" + needed
                        + " from backports) and set python.interpreter to it (e.g. python" + needed + ")");
    }

    /** "3.9" vs "3.11", numerically. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Long.compare(i < x.length ? parse(x[i]) : 0, i < y.length ? parse(y[i]) : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
