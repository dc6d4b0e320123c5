package io.djdeploy.cli;

import io.djdeploy.pipeline.Operations;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "status", description = "Current release, ref, sha, deployed at/by, health and lock, per host.")
class StatusCommand extends EnvCommand {
    /** Container releases keep their directories; this shows the current release's image (IMAGE file, size from the host's engine) with them. */
    @Override
    boolean containersSupported() {
        return true;
    }

    @Override
    public Integer call() throws InterruptedException {
        Operations ops = operations(env());
        List<Operations.HostStatus> rows = ops.status();
        ops.warnings().forEach(w -> spec.commandLine().getErr().println("djdeploy: warning: " + w));
        boolean allGood = true;
        JsonRenderer json = output.json() ? new JsonRenderer(out(), redactor) : null;
        PrintWriter out = out();
        Style style = output.style();
        for (Operations.HostStatus s : rows) {
            boolean healthy = s.error() == null && s.current() != null && s.lock() == null && (s.health() == null || s.health().ok());
            allGood &= healthy;
            if (json != null) {
                json.value("host_status", s);
                continue;
            }
            out.println("[" + s.host() + "] roles " + String.join(",", s.roles()));
            if (s.error() != null) {
                out.println("  " + style.red("unreachable: ") + TextRenderer.terminalSafe(redactor.apply(s.error()), false));
                continue;
            }
            if (s.current() == null) {
                out.println("  current:  none (nothing deployed)");
            } else {
                out.println("  current:  " + s.current()
                        + (s.revision() != null ? "  ref " + s.revision().ref() + "  sha " + shortSha(s.revision().sha()) : ""));
                if (s.revision() != null) out.println("  deployed: " + s.revision().deployedAt() + " by " + s.revision().user());
                if (s.image() != null) out.println("  image:    " + s.image().describe());
                else if (env().containers()) out.println("  image:    " + style.yellow("unknown") + " (the release directory has no IMAGE file)");
            }
            if (s.web() != null) out.println("  web:      " + s.web());
            if (Boolean.TRUE.equals(s.maintenance())) {
                out.println("  maintenance: ON, nginx answers 503 but for the health URL (djdeploy maintenance off " + environment + " ends it)");
            }
            if (s.health() != null) {
                out.println("  health:   " + (s.health().ok() ? style.green("ok") + ", " : style.red("FAILING") + ", ") + s.health().describe(env().health(), s.current()));
            }
            String stale = s.lock() == null ? null : io.djdeploy.release.Staleness.why(s.lock(),
                    io.djdeploy.step.Identity.current(System.getenv()).origin(), env().safety().staleLockAfter(), java.time.Instant.now());
            out.println("  lock:     " + (s.lock() == null ? style.green("free") : s.lock().maintenance() ? style.yellow(s.lock().holder())
                    + " (djdeploy unlock " + environment + " ends it)" : style.yellow("held") + " by " + s.lock().describe()
                    + (stale != null ? " -- " + style.red("STALE") + ": " + stale + " (djdeploy unlock " + environment + " --force removes it)" : "")));
            if (s.last() != null) {
                out.println("  last:     " + s.last().event() + " " + ReleasesCommand.outcome(style, s.last().outcome(), 0) + " at " + s.last().finished()
                        + (s.last().release() != null ? " (release " + s.last().release() + ")" : ""));
            }
        }
        return allGood ? 0 : ExitCode.UNHEALTHY.code;
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
