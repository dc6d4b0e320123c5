package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.release.HostOps;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads every host's ledger and writes one self-contained HTML page for a deploy or rollback (docs/report.md). */
@Command(name = "report", description = "Write one self-contained HTML page for a deploy or rollback: "
        + "timeline per host, migration plan, health, who/when/ref.")
class ReportCommand extends EnvCommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "ID",
            description = "Release id (14 digits): the deploy that created it. Default: the newest deploy or rollback.")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the page to FILE (atomically) instead of standard output.")
    Path file;

    @Override
    public Integer call() throws InterruptedException {
        if (id != null && !id.matches("\\d{14}")) {
            throw new CliException(ExitCode.USAGE, "ID: '" + id + "' is not a release id (14 digits, e.g. 20261123194512)");
        }
        EnvironmentConfig env = env();
        redactor.addConfig(env);

        Map<String, List<LedgerEntry>> ledgers = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        java.util.function.Function<HostConfig, Transport> transports = filter.transports(env);
        for (HostConfig hc : env.hosts()) {
            try (Transport t = transports.apply(hc)) {
                t.connect();
                ledgers.put(hc.host(), new HostOps(t, new ReleaseLayout(env.deployTo())).ledger());
            } catch (TransportException e) {
                unreadable.put(hc.host(), e.getMessage());
            }
        }
        if (ledgers.isEmpty()) {
            Map.Entry<String, String> e = unreadable.entrySet().iterator().next();
            throw new CliException(ExitCode.CONNECT, e.getKey() + ": " + e.getValue());
        }

        // masked BEFORE the page escapes them: an escaped secret (&amp;, &quot;) would no longer match
        ledgers.replaceAll((h, entries) -> entries.stream().map(this::redacted).toList());
        unreadable.replaceAll((h, why) -> redactor.apply(why));
        List<ReportRuns.Run> runs = ReportRuns.runs(ledgers);
        ReportRuns.Run run = ReportRuns.pick(runs, id).orElseThrow(() -> new CliException(ExitCode.NO_TARGET, id == null
                ? "no deploy or rollback recorded yet in the ledger of " + String.join(", ", ledgers.keySet())
                : "release " + id + " is not in the ledger of " + String.join(", ", ledgers.keySet())
                  + (runs.isEmpty() ? " (no deploys recorded yet)" : " (newest: " + runs.get(runs.size() - 1).release()
                  + "; djdeploy releases " + environment + " lists them)")));
        unreadable.forEach((h, why) -> spec.commandLine().getErr().println("djdeploy: warning: " + h + ": ledger not read: " + why));

        String html = redactor.apply(ReportHtml.render(io.djdeploy.template.TextTemplates.forConfig(config.config), env.app(), env.name(), run, unreadable));
        if (file == null) {
            out().print(html);
            out().flush();
            return 0;
        }
        write(file, html);
        if (output.json()) {
            new JsonRenderer(out(), redactor).value("report", new Written(run.event(), run.release(), List.copyOf(run.hosts().keySet()),
                    file.toAbsolutePath().toString()));
        } else {
            out().println("report of " + run.event() + " " + run.release() + " (" + run.hosts().size()
                    + (run.hosts().size() == 1 ? " host" : " hosts") + ") written to " + file);
        }
        return 0;
    }

    /** A ledger entry with every text masked (entries written by an older djdeploy may hold a secret). */
    private LedgerEntry redacted(LedgerEntry e) {
        try {
            return io.djdeploy.release.Json.MAPPER.treeToValue(JsonRenderer.redact(io.djdeploy.release.Json.MAPPER.valueToTree(e), redactor),
                    LedgerEntry.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException ex) {
            throw new IllegalStateException("cannot mask a ledger entry: " + ex.getMessage(), ex);
        }
    }

    /** With --format json and -o: what was written, as one JSON line. */
    record Written(String runEvent, String release, List<String> hosts, String file) {}

    /** A temporary file next to the target, then rename(2): a reader never sees half a page. */
    private static void write(Path target, String html) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                w.write(html);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the message below is what matters
            }
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
            throw new CliException(ExitCode.USAGE, "-o: cannot write " + target + ": " + why);
        }
    }
}
