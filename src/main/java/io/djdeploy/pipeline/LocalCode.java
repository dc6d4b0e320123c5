package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.GitConfig;
import io.djdeploy.step.Event;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.StepFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * git.mode upload: this machine resolves the ref and builds the release tree (git archive of
 * the commit, plus its submodules at the commits it records) as one gzip'd tar, streamed to
 * each host by the code step. Hosts need neither git nor access to the repository.
 */
final class LocalCode {
    private static final long GIT_TIMEOUT_MINUTES = 10;

    /** The resolved commit and the release tree as a gzip'd tar. */
    record Built(String sha, byte[] archive, List<String> submodules) {}

    private LocalCode() {}

    /** Checkpoint after PREFLIGHT (before the hosts agree on a commit): a no-op in host mode. */
    static RunResult resolve(Run run) throws StepFailure {
        EnvironmentConfig env = run.env();
        if (!env.git().upload()) return null;
        Built b = build(env.git(), env.repo(), run.ctx().ref(), Map.of());
        for (HostRun h : run.hosts()) {
            h.resolved(b.sha());
            run.events().emit(new Event.Check(h.name(), "git.ref", true, "ref " + run.ctx().ref() + " is commit "
                    + Run.shortSha(b.sha()) + " (resolved on this machine: git.mode upload)", null));
        }
        run.ctx().codeArchive(b.archive());
        run.info(null, "code built on this machine: " + (b.archive().length + 1023) / 1024 + " KiB compressed"
                + (b.submodules().isEmpty() ? "" : ", submodules " + String.join(", ", b.submodules())) + ", one stream per host");
        return null;
    }

    /** @param environ extra environment for git (tests point XDG_CACHE_HOME elsewhere) */
    static Built build(GitConfig git, String repo, String ref, Map<String, String> environ) throws StepFailure {
        String[] credential = io.djdeploy.step.Redactor.splitPassword(repo);
        String url = credential == null ? repo : credential[0];
        Git g = new Git(credential, environ);
        try {
            Path dir;
            if (git.local() != null) {
                dir = expand(git.local());
                if (!Files.isDirectory(dir)) throw new StepFailure("git.local " + dir + " is not a directory on this machine");
            } else {
                dir = cacheDir(environ).resolve(mirrorName(url));
                mirror(g, dir, url);
            }
            String sha = g.text(dir, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
            if (sha == null || !sha.matches("[0-9a-f]{40,64}")) {
                throw new StepFailure("ref '" + ref + "' does not resolve to a commit in " + dir
                        + (git.local() != null ? " (git.local; fetch or push it there)" : " (a mirror of " + url + ")"));
            }
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            List<String> subs = new ArrayList<>();
            archive(g, dir, sha, "", git.local() != null, tar, subs);
            tar.write(new byte[1024]); // the end-of-archive marker: two zero blocks
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
                tar.writeTo(z);
            }
            return new Built(sha, gz.toByteArray(), List.copyOf(subs));
        } catch (IOException e) {
            throw new StepFailure("could not build the code on this machine: " + e.getMessage());
        } finally {
            g.close();
        }
    }

    private static void mirror(Git g, Path dir, String url) throws StepFailure, IOException {
        if (Files.isRegularFile(dir.resolve("HEAD"))) {
            g.check(dir, "remote", "set-url", "origin", url);
            g.check(dir, "fetch", "--prune", "--quiet", "origin");
        } else {
            Files.createDirectories(dir.getParent());
            g.check(null, "clone", "--mirror", "--quiet", "--", url, dir.toString());
        }
    }

    /**
     * Appends the tar entries of {@code sha} (without the end marker) under {@code prefix}, then
     * each submodule at the commit this tree records (git ls-tree), not at whatever the clone has
     * checked out: the release holds exactly what the commit says.
     */
    private static void archive(Git g, Path dir, String sha, String prefix, boolean local, ByteArrayOutputStream out,
                                List<String> subs) throws StepFailure, IOException {
        List<String> args = new ArrayList<>(List.of("-c", "tar.umask=022", "archive", "--format=tar"));
        if (!prefix.isEmpty()) args.add("--prefix=" + prefix);
        args.add(sha);
        byte[] tar = g.bytes(dir, args.toArray(String[]::new));
        out.write(tar, 0, TarEntries.end(tar));
        String tree = new String(g.bytes(dir, "ls-tree", "-r", "-z", "--full-tree", sha), StandardCharsets.UTF_8);
        for (String entry : tree.split("\0")) {
            if (!entry.startsWith("160000 commit ")) continue;
            String subSha = entry.substring(14, entry.indexOf('\t'));
            String path = entry.substring(entry.indexOf('\t') + 1);
            Path subDir = dir.resolve(path);
            if (!local || g.text(subDir, "cat-file", "-t", subSha) == null) {
                throw new StepFailure("submodule " + prefix + path + " (commit " + Run.shortSha(subSha) + ") is not available on this machine: "
                        + (local ? "run git submodule update --init --recursive in " + dir
                                : "set git.local to a clone with its submodules (git submodule update --init --recursive)"));
            }
            subs.add(prefix + path);
            archive(g, subDir, subSha, prefix + path + "/", true, out, subs);
        }
    }

    static Path cacheDir(Map<String, String> environ) {
        String xdg = environ.getOrDefault("XDG_CACHE_HOME", System.getenv("XDG_CACHE_HOME"));
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("djdeploy").resolve("git");
    }

    /** One mirror per repository URL (without its password). */
    static String mirrorName(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            String tail = url.replaceAll("[/:]+$", "").replaceAll(".*[/:]", "").replaceAll("[^A-Za-z0-9._-]", "_");
            return (tail.isEmpty() ? "repo" : tail) + "-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path expand(String path) {
        return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
    }

    /** git on this machine: argument lists (no shell), a password only through the credential helper's 0600 file. */
    private static final class Git {
        private final String[] credential;
        private final Map<String, String> environ;
        private Path credentialFile;

        Git(String[] credential, Map<String, String> environ) {
            this.credential = credential;
            this.environ = environ;
        }

        void check(Path dir, String... args) throws StepFailure, IOException {
            Result r = run(dir, args);
            if (r.exit != 0) {
                throw new StepFailure("git " + args[0] + " failed on this machine (exit " + r.exit + "): " + r.err.strip(),
                        "git " + String.join(" ", args), r.exit, r.err.lines().toList());
            }
        }

        byte[] bytes(Path dir, String... args) throws StepFailure, IOException {
            Result r = run(dir, args);
            if (r.exit != 0) throw new StepFailure("git " + args[0] + " failed on this machine (exit " + r.exit + "): " + r.err.strip());
            return r.out;
        }

        /** Trimmed stdout, or null when git failed. */
        String text(Path dir, String... args) throws IOException {
            Result r = run(dir, args);
            return r.exit == 0 ? new String(r.out, StandardCharsets.UTF_8).strip() : null;
        }

        private record Result(int exit, byte[] out, String err) {}

        private Result run(Path dir, String... args) throws IOException {
            List<String> argv = new ArrayList<>(GitCredentials.git(credential));
            if (dir != null) argv.addAll(List.of("-C", dir.toString()));
            argv.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(environ);
            pb.environment().put("GIT_TERMINAL_PROMPT", "0");
            if (credential != null) pb.environment().put("DJDEPLOY_GIT_CREDENTIALS", credentialFile().toString());
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            try {
                if (!p.waitFor(GIT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return new Result(124, out, "timed out after " + GIT_TIMEOUT_MINUTES + " minutes");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            return new Result(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
        }

        private Path credentialFile() throws IOException {
            if (credentialFile == null) {
                credentialFile = Files.createTempFile("djdeploy-git-", ".cred", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(credentialFile, "password=" + credential[1] + "\n");
            }
            return credentialFile;
        }

        void close() {
            try {
                if (credentialFile != null) Files.deleteIfExists(credentialFile);
            } catch (IOException e) {
                // a temp file of mode 0600: nothing better to do than leave it
            }
        }

        private static byte[] readAll(InputStream in) {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
