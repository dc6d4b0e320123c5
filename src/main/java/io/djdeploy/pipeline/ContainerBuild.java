package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.ImageConfig;
import io.djdeploy.config.MigrationsConfig;
import io.djdeploy.container.AppContainers;
import io.djdeploy.container.DockerCommands;
import io.djdeploy.container.ImageBuild;
import io.djdeploy.django.MigrationFacts;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.django.ReleaseManifest;
import io.djdeploy.release.Json;
import io.djdeploy.release.LedgerEntry;
import io.djdeploy.release.Revision;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.Event;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PREPARE of a container release, once for all hosts: the release tree (built on this machine
 * from the resolved commit, as git.mode upload does) becomes the image
 * {@code <registry>/<repository>:<id>} on the builder (this machine, or {@code image.build: host
 * NAME} over SSH), gets its migration manifest as a label (the helper run inside the image),
 * and is pushed. Every host then pulls it ({@link io.djdeploy.container.ImagePull}).
 */
final class ContainerBuild {
    static final String NAME = "build image";

    private ContainerBuild() {}

    /**
     * Checkpoint after PREFLIGHT: this machine resolves the ref and builds the release tree,
     * whatever git.mode says: the builder needs the tree, the hosts need neither git nor the code.
     */
    static RunResult resolve(Run run) throws StepFailure {
        EnvironmentConfig env = run.env();
        LocalCode.Built b = LocalCode.build(env.git(), env.repo(), run.ctx().ref(), Map.of());
        for (HostRun h : run.hosts()) {
            h.resolved(b.sha());
            run.events().emit(new Event.Check(h.name(), "git.ref", true, "ref " + run.ctx().ref() + " is commit "
                    + Run.shortSha(b.sha()) + " (resolved on this machine: the image is built from it)", null));
        }
        run.ctx().codeArchive(b.archive());
        return null;
    }

    /** The host the build is shown under: the builder, or the first host when this machine builds. */
    static boolean shownUnder(HostRun h, RunContext ctx) {
        ImageConfig image = ctx.env().image();
        return image.buildsLocally() ? h.config().equals(ctx.env().hosts().get(0)) : h.config().host().equals(image.builder());
    }

    static Revision revision(RunContext ctx) {
        return new Revision(ctx.releaseId(), ctx.ref(), CoreSteps.sha(ctx), ctx.who().user(), CoreSteps.iso(ctx.started()));
    }

    static boolean manifests(RunContext ctx) {
        return ctx.env().django().migrate() && ctx.env().migrations().policy() != MigrationsConfig.Policy.OFF;
    }

    static Step step() {
        return new Step() {
            public String name() { return NAME; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return shownUnder(h, ctx); }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "docker build of the release's image (a changed requirements file rebuilds its layer) and its push to "
                        + ctx.env().image().registry();
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                EnvironmentConfig env = ctx.env();
                byte[] tree = ctx.codeArchive() != null ? ctx.codeArchive() : new byte[0];
                List<Command> c = new ArrayList<>(List.of(ImageBuild.buildOnly(env.image(), env.app(), revision(ctx), tree)));
                if (manifests(ctx)) c.add(AppContainers.manifest(env, ctx.releaseId(), ctx.helper()));
                c.add(ImageBuild.labelAndPush(env.image(), ctx.releaseId(), manifests(ctx)
                        ? Map.of(DockerCommands.LABEL_MANIFEST, "<the manifest>") : Map.of()));
                return c;
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                return List.of(Command.fail("runtime: container: the release script cannot build and push the image; deploy with djdeploy", 1));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                build(x);
            }
        };
    }

    private static void build(StepExec x) throws StepFailure, TransportException, InterruptedException {
        RunContext ctx = x.ctx();
        EnvironmentConfig env = ctx.env();
        ImageConfig image = env.image();
        String id = ctx.releaseId();
        // a builder host runs it over its own connection; this machine through a local shell
        Transport on = image.buildsLocally() ? ctx.thisMachine() : null;
        String where = image.buildsLocally() ? "on this machine" : "on " + image.builder();
        long t0 = System.nanoTime();
        exec(x, on, ImageBuild.buildOnly(image, env.app(), revision(ctx), ctx.codeArchive()), false);
        x.info("image " + image.name(id) + " built " + where + " in " + seconds(t0));
        Map<String, String> labels = new TreeMap<>();
        if (manifests(ctx)) {
            Command c = AppContainers.manifest(env, id, ctx.helper());
            // the helper's JSON says why it failed: judged by its verdict, not only its exit status
            CommandResult r = on == null ? x.query(c) : on.run(c);
            MigrationFacts facts;
            try {
                facts = MigrationSteps.parse(r);
            } catch (IllegalArgumentException e) {
                throw new StepFailure("the image's migration manifest: " + e.getMessage(), c.script(), r.exitCode(), r.tail());
            }
            List<LedgerEntry.MigrationEntry> manifest = ReleaseManifest.of(facts);
            ctx.manifest(manifest);
            labels.put(DockerCommands.LABEL_MANIFEST, Json.line(new ReleaseManifest(manifest)));
        }
        long t1 = System.nanoTime();
        exec(x, on, ImageBuild.labelAndPush(image, id, labels), false);
        x.info("image pushed to " + image.registry() + " in " + seconds(t1));
    }

    /** Runs on the builder; a failure fails the step with the command and its last lines. */
    private static CommandResult exec(StepExec x, Transport on, Command c, boolean quiet)
            throws StepFailure, TransportException, InterruptedException {
        CommandResult r = on == null ? (quiet ? x.query(c) : x.run(c)) : quiet ? on.run(c) : x.runOn(on, c);
        if (!r.ok()) throw new StepFailure("command failed with exit status " + r.exitCode(), c.script(), r.exitCode(), r.tail());
        return r;
    }

    private static String seconds(long since) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - since) / 1e9);
    }
}
