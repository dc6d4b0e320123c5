package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.scaffold.ExportScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * `djdeploy export-script ENV [--host H] [-o FILE]`: a standalone bash release script that does
 * on one host what `deploy` does (stage 2 of adopting automation, after `checklist`).
 * Connects to nothing. See docs/export-script.md.
 */
@Command(name = "export-script",
        description = "Write a standalone bash release script for one host: the deploy pipeline as plain commands (connects to nothing).")
class ExportScriptCommand extends EnvCommand {
    @Option(names = "--host", paramLabel = "HOST",
            description = "The host the script is for (default: the first host with role migrate, else the first host).")
    String host;

    @Mixin
    RefMixin ref;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the script to FILE (mode 0755) instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        refuseJson("a bash script");
        ref.check();
        EnvironmentConfig env = env();
        HostConfig target = pick(env, host);
        String theRef = ref.or(env);
        String script;
        try {
            script = ExportScript.render(env, target, theRef, new ExportScript.Origin(version(), commandLine(env, target, theRef),
                    config.config.toString()));
        } catch (ExportScript.Unsupported e) {
            throw new CliException(ExitCode.CONFIG, config.config + ": environments." + env.name() + ": " + e.getMessage());
        }
        if (output == null) {
            out().print(script);
            out().flush();
            return 0;
        }
        write(output, script);
        out().println("wrote " + output + " (release script for " + target.host() + ", ref " + theRef + "; run it on the host: bash "
                + output.getFileName() + ")");
        return 0;
    }

    static HostConfig pick(EnvironmentConfig env, String name) {
        if (name == null) {
            HostConfig m = env.migrateHost();
            return m != null ? m : env.hosts().get(0);
        }
        return env.hosts().stream().filter(h -> h.host().equals(name)).findFirst().orElseThrow(() -> new CliException(ExitCode.USAGE,
                "--host: " + name + " is not a host of environment " + env.name() + " (its hosts: "
                        + String.join(", ", env.hosts().stream().map(HostConfig::host).toList()) + ")"));
    }

    /** The command line that makes the same script again, for its header. */
    private String commandLine(EnvironmentConfig env, HostConfig target, String theRef) {
        List<String> argv = new ArrayList<>(List.of("djdeploy", "export-script", env.name(), "--host", target.host(), "--ref", theRef,
                "-c", config.config.toString()));
        return io.djdeploy.remote.Shell.join(argv);
    }

    private static String version() {
        try {
            return new Main.Version().getVersion()[0];
        } catch (IOException e) {
            return "djdeploy";
        }
    }

    /** Atomically: a temp file next to FILE, mode 0755, renamed over it; a reader never sees half a script. */
    static void write(Path file, String script) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            Files.writeString(tmp, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | UnsupportedOperationException e) {
            throw new CliException(ExitCode.USAGE, "-o: cannot write " + file + ": " + describe(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the error above is what matters
                }
            }
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
