package io.djdeploy.pipeline;

import io.djdeploy.config.HookConfig;
import io.djdeploy.config.HookConfig.Point;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.Shell;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code at: local} hooks: commands on the deploying machine, in the project directory (the
 * directory of deploy.yml), before anything connects (e.g. {@code npm ci && npm run build});
 * and the paths they name under {@code upload}, copied into every new release at PREPARE as
 * one tar stream per host, so hosts need no node or npm.
 */
public final class LocalHooks {
    public static final String BUILD = HookSteps.name(Point.LOCAL);
    public static final String UPLOAD = "upload build";

    private LocalHooks() {}

    static List<HookConfig> hooks(RunContext ctx) {
        return ctx.env().hooks().at(Point.LOCAL);
    }

    static List<String> uploads(RunContext ctx) {
        List<String> out = new ArrayList<>();
        for (HookConfig h : hooks(ctx)) for (String u : h.upload()) if (!out.contains(u)) out.add(u);
        return out;
    }

    /** {@code cd PROJECT && sh -c CMD} */
    public static Command command(RunContext ctx, HookConfig hook) {
        return Command.of("sh", "-c", hook.command()).in(ctx.env().hooks().projectDir().toString()).withTimeout(hook.timeout());
    }

    /** Runs once, shown and recorded under the first host (the deploying machine has no ledger of its own). */
    public static Step build() {
        return new Step() {
            public String name() { return BUILD; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return HookSteps.deploys(ctx) && !hooks(ctx).isEmpty() && h.config().equals(ctx.env().hosts().get(0));
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return hooks(ctx).stream().map(hook -> command(ctx, hook)).toList();
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                // a release script runs on the host: the build is the operator's, before it
                return hooks(ctx).stream().map(hook -> Command.echo("on the deploying machine, before this script: cd "
                        + ctx.env().hooks().projectDir() + " && " + hook.command())).toList();
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                LocalTransport local = new LocalTransport("localhost");
                for (HookConfig hook : hooks(x.ctx())) {
                    Command c = command(x.ctx(), hook);
                    CommandResult r;
                    try {
                        r = x.runOn(local, c);
                    } catch (TransportException e) {
                        String why = e.getMessage() != null && e.getMessage().contains("command timed out")
                                ? "timed out after " + hook.timeout().toSeconds() + "s" : "could not run: " + e.getMessage();
                        throw new StepFailure(x.ctx().redactor().apply("local hook " + Shell.quote(hook.command()) + " " + why), c.script(), null, List.of());
                    }
                    if (!r.ok()) {
                        throw new StepFailure(x.ctx().redactor().apply("local hook " + Shell.quote(hook.command()) + " failed with exit status "
                                + r.exitCode()), c.script(), r.exitCode(), r.tail());
                    }
                }
            }
        };
    }

    /** {@code tar -x} of the local hooks' uploads into the new release; the archive travels on stdin. */
    public static Command extract(HostRun h, RunContext ctx) {
        return Command.of("tar", "-x", "--no-same-owner", "-f", "-", "-C", h.ops().layout().release(ctx.releaseId()));
    }

    public static Step upload() {
        return new Step() {
            public String name() { return UPLOAD; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return HookSteps.deploys(ctx) && !uploads(ctx).isEmpty();
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(extract(h, ctx));
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                List<Command> out = new ArrayList<>();
                for (String u : uploads(ctx)) {
                    out.add(Command.echo("copy " + u + " from the local build into " + h.ops().layout().release(ctx.releaseId())));
                }
                return out;
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                byte[] tar = archive(x.ctx().env().hooks().projectDir(), uploads(x.ctx()));
                x.info("uploading " + String.join(", ", uploads(x.ctx())) + " (" + tar.length / 1024 + " KiB) into release " + x.ctx().releaseId());
                x.check(extract(x.host(), x.ctx()).withStdin(tar));
            }
        };
    }

    /** One tar of the paths (relative to the project) with the local tar: no shell, every path one argument. */
    static byte[] archive(Path project, List<String> paths) throws StepFailure, InterruptedException {
        for (String p : paths) {
            if (!Files.exists(project.resolve(p), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new StepFailure("upload path " + p + " does not exist in " + project + " (a local hook should have made it)");
            }
        }
        List<String> argv = new ArrayList<>(List.of("tar", "-c", "-f", "-", "--"));
        argv.addAll(paths);
        try {
            Process proc = new ProcessBuilder(argv).directory(project.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            proc.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = proc.getInputStream()) {
                in.transferTo(out);
            }
            if (!proc.waitFor(5, TimeUnit.MINUTES) || proc.exitValue() != 0) {
                proc.destroyForcibly();
                throw new StepFailure("tar could not archive " + String.join(", ", paths) + " in " + project);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new StepFailure("cannot archive " + String.join(", ", paths) + ": " + e.getMessage());
        }
    }
}
