package io.djdeploy.cli;

import io.djdeploy.pipeline.Operations;
import io.djdeploy.remote.TransportException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

@Command(name = "releases", description = "The ledger, newest first: deploys, rollbacks and failures.")
class ReleasesCommand extends EnvCommand {
    /** Container releases keep their directories; this shows each release's image (IMAGE file, size from the first host's engine) with them. */
    @Override
    boolean containersSupported() {
        return true;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<Operations.ReleaseRow> rows;
        try {
            Operations ops = operations(env());
            rows = ops.releases();
            ops.warnings().forEach(w -> spec.commandLine().getErr().println("djdeploy: warning: " + w));
        } catch (TransportException e) {
            throw new CliException(ExitCode.CONNECT, e.host() + ": " + e.getMessage());
        }
        if (output.json()) {
            JsonRenderer json = new JsonRenderer(out(), redactor);
            for (Operations.ReleaseRow r : rows) {
                // the ledger's own "event" (deploy, rollback, ...) would collide with the line's event name
                com.fasterxml.jackson.databind.node.ObjectNode n = io.djdeploy.release.Json.MAPPER.valueToTree(r);
                n.set("run_event", n.remove("event"));
                json.value("release", n);
            }
            return 0;
        }
        PrintWriter out = out();
        boolean images = env().containers();
        String fmt = "%-2s %-15s %-4s %-9s %-12s %-14s %-13s %-12s %-21s %s";
        Style style = output.style();
        String head = String.format(Locale.ROOT, fmt, "", "RELEASE", "BAD", "EVENT", "OUTCOME", "REF", "SHA", "BY", "FINISHED", "ON DISK");
        // container releases: the image each directory names, as the first host's engine has it
        out.println(style.bold(images ? head + String.format(Locale.ROOT, " %-20s %s", "DIGEST", "SIZE") : head));
        // colored after padding, so the escape codes do not count as column width
        fmt = "%-2s %-15s %s %-9s %s %-14s %-13s %-12s %-21s %s";
        boolean marked = false;
        for (Operations.ReleaseRow r : rows) {
            boolean mark = r.current() && !marked;
            marked |= mark;
            String line = String.format(Locale.ROOT, fmt, mark ? style.green("*") + " " : "", r.release(), r.bad() ? style.red("bad ") : "    ",
                    r.event(), outcome(style, r.outcome(), 12),
                    r.ref() == null ? "-" : r.ref(), StatusCommand.shortSha(r.sha()), r.user(), r.finished(), r.present() ? "yes" : "no");
            // "yes"/"no" under ON DISK, padded to its width
            if (images) line += " ".repeat(r.present() ? 4 : 5) + String.format(Locale.ROOT, " %-20s %s", imageColumn(r), r.image() == null ? "-"
                    : r.image().onHost() ? io.djdeploy.container.ReleaseImages.size(r.image().sizeBytes()) : "not on host");
            out.println(line);
        }
        if (rows.isEmpty()) out.println("(no deploys recorded yet)");
        return 0;
    }

    private static String imageColumn(Operations.ReleaseRow r) {
        return r.image() == null ? "-" : io.djdeploy.container.ReleaseImages.shortDigest(r.image().digest());
    }

    /** A ledger outcome padded to {@code width}, green for success, red for a failure, yellow otherwise. */
    static String outcome(Style style, String outcome, int width) {
        String o = outcome == null ? "-" : outcome;
        String padded = o.length() >= width ? o : o + " ".repeat(width - o.length());
        return o.equals("success") ? style.green(padded) : o.contains("fail") ? style.red(padded) : style.yellow(padded);
    }
}
