package io.djdeploy.web;

import io.djdeploy.config.HostConfig;
import io.djdeploy.config.SharedConfig;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;

import java.util.List;

/**
 * Old assets keep working after a switch (docs/web.md, "Old assets"): nginx serves the live
 * release's static files and falls back to {@code shared/static-archive}, which holds hard links
 * to the static files of every kept release. Linking costs no copy of any file's data; a file
 * whose only link left is the archive's belongs to no kept release any more and is pruned with
 * the releases (FINALIZE).
 */
public final class StaticArchive {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String LINK = "archive static files";
    public static final String PRUNE = "prune old static files";

    private StaticArchive() {}

    static boolean applies(HostRun h, RunContext ctx) {
        SharedConfig s = ctx.env().shared();
        return s.keepOldAssets() && ctx.env().django().collectstatic() && h.config().hasRole(HostConfig.WEB);
    }

    /**
     * PREPARE, after collectstatic: the new release's files replace same-named links (same hashed
     * name, same content); the live release's fill only gaps (a release deployed before the archive
     * existed).
     */
    public static Step link() {
        return new Step() {
            public String name() { return LINK; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(linkCommand(h.ops().layout(), ctx.releaseId(), ctx.env().shared().staticDir()));
            }
        };
    }

    public static Command linkCommand(ReleaseLayout l, String id, String staticDir) {
        String archive = l.staticArchive();
        String live = l.current() + "/" + staticDir;
        String release = l.release(id) + "/" + staticDir;
        // cp -l makes hard links: shared/ must be on the same file system as releases/
        return Command.of("mkdir", "-p", archive)
                .andAlso(Command.of("test", "!", "-d", live).orElse(Command.of("cp", "-aln", live + "/.", archive + "/")))
                .andAlso(Command.of("test", "!", "-d", release).orElse(Command.of("cp", "-alf", release + "/.", archive + "/")));
    }

    /** FINALIZE, after the old releases are removed: what no kept release links to any more. */
    public static Step prune() {
        return new Step() {
            public String name() { return PRUNE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return applies(h, ctx); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(pruneCommand(h.ops().layout()));
            }
        };
    }

    public static Command pruneCommand(ReleaseLayout l) {
        String archive = l.staticArchive();
        return Command.of("test", "!", "-d", archive).orElse(Command.of("find", archive, "-type", "f", "-links", "1", "-delete")
                .andAlso(Command.of("find", archive, "-mindepth", "1", "-type", "d", "-empty", "-delete")));
    }
}
