package io.djdeploy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What `migrations --local` asks of the checkout on this machine: the files a change adds
 * since a git ref (--since), and an interpreter that can import Django. Commands run as
 * argument lists, never through a shell.
 */
final class LocalGit {
    private LocalGit() {}

    record Result(int code, String out) {}

    /** Paths (relative to the project, as the helper reports a migration's file) added since REF, committed or not. */
    static Set<String> addedSince(Path project, String ref) throws IOException, InterruptedException {
        if (ref.startsWith("-")) throw new CliException(ExitCode.USAGE, "--since " + ref + ": not a git ref");
        Result commit = run(project, "git", "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (commit.code() != 0) {
            throw new CliException(ExitCode.USAGE, "--since " + ref + ": not a commit in the git repository of " + project
                    + " (in CI, fetch the base branch first, e.g. git fetch origin main, then --since origin/main)");
        }
        Result diff = run(project, "git", "diff", "--name-only", "--diff-filter=A", "--relative", "--no-renames", commit.out().strip(), "--");
        Result untracked = run(project, "git", "ls-files", "--others", "--exclude-standard");
        if (diff.code() != 0 || untracked.code() != 0) {
            throw new CliException(ExitCode.ANALYSIS_FAILED, "git could not list what changed since " + ref + ": " + diff.out().strip());
        }
        Set<String> out = new LinkedHashSet<>();
        for (String l : (diff.out() + "\n" + untracked.out()).split("\n")) if (!l.isBlank()) out.add(l.strip());
        return out;
    }

    /** The project's venv, then Debian's python3: the first that can import Django. */
    static String djangoPython(Path project) throws IOException, InterruptedException {
        List<String> tried = new ArrayList<>();
        for (Path py : List.of(project.resolve(".venv/bin/python"), project.resolve("venv/bin/python"), Path.of("/usr/bin/python3"))) {
            if (!Files.isExecutable(py)) {
                tried.add(py + " (not found)");
                continue;
            }
            Result r = run(project, py.toString(), "-c", "import django");
            if (r.code() == 0) return py.toString();
            String[] lines = r.out().strip().split("\n");
            tried.add(py + " (" + lines[lines.length - 1] + ")");
        }
        throw new CliException(ExitCode.ANALYSIS_FAILED, "no Python here can import Django; tried " + String.join(", ", tried)
                + ". Pass the project's interpreter with --python PY (e.g. --python .venv/bin/python)");
    }

    static Result run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, argv[0] + ": " + e.getMessage());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, argv[0] + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out);
    }
}
