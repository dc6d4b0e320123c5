package io.djdeploy.cli;

import io.djdeploy.django.MigrationClassifier;

import io.djdeploy.step.Redactor;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.django.Helper;
import io.djdeploy.django.MigrationFacts;
import io.djdeploy.release.MigrationPlan;
import io.djdeploy.django.MigrationSteps;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.step.EventSink;
import io.djdeploy.pipeline.RunResult;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.LocalTransport;
import io.djdeploy.remote.TransportException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * `djdeploy migrations ENV [--ref REF]`: the plan a deploy of REF would gate on, built on the
 * migrate host exactly like a deploy (then removed). `--local PATH`: the same analysis on a
 * checkout on this machine, for CI and linting. Exit 0 all safe, 10 review needed, 13 error.
 */
@picocli.CommandLine.Command(name = "migrations",
        description = "Show pending migrations with each operation's class (safe, review) and reasons.")
class MigrationsCommand implements Callable<Integer> {
    /** Fed by the analysis (env file, config secrets); Main masks the final error with it. */
    final Redactor redactor = new Redactor();

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENV", description = "Environment (not with --local).")
    String environment;

    @Mixin
    RefMixin ref;

    @Option(names = "--local", paramLabel = "PATH", description = "A Django project checkout on this machine (the directory with manage.py).")
    Path local;

    @Option(names = "--settings", paramLabel = "MOD", description = "--local: DJANGO_SETTINGS_MODULE (default: what manage.py sets).")
    String settings;

    @Option(names = "--python", paramLabel = "PY", description = "--local: the interpreter (default: the first of PATH/.venv/bin/python, PATH/venv/bin/python, /usr/bin/python3 that can import Django).")
    String python;

    @Option(names = "--all", description = "--local: every migration from an empty database, not just the pending ones.")
    boolean all;

    @Option(names = "--since", paramLabel = "REF", description = "--local: only the migrations added since this git ref (a pull request's base), each judged against a database in use.")
    String since;

    @Option(names = "--include-django-apps", description = "--local: report the migrations of Django's own apps (auth, admin, ...) too.")
    boolean includeDjangoApps;

    @Mixin
    ConfigMixin config;

    @Mixin
    OutputMixin output;

    @Mixin
    HostFilterMixin filter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MigrationPlan plan;
        if (local != null) {
            if (environment != null) throw new CliException(ExitCode.USAGE, "give either ENV or --local PATH, not both");
            if (all && since != null) throw new CliException(ExitCode.USAGE, "give either --all or --since REF, not both");
            Path project = local.toAbsolutePath().normalize();
            Set<String> added = since != null ? LocalGit.addedSince(project, since) : null;
            MigrationFacts facts = analyzeLocal(project, all || since != null);
            if (!includeDjangoApps) facts = facts.only(m -> !Boolean.TRUE.equals(m.djangoApp()), facts.mode());
            if (added != null) {
                // what the change adds, judged in order against a database in use (a table it creates is new)
                plan = MigrationClassifier.plan(facts.only(m -> m.file() != null && added.contains(m.file()), "subset"));
            } else {
                // --all lints each migration as if it met a database in use; pending ones are judged in context
                plan = all ? MigrationClassifier.isolated(facts) : MigrationClassifier.plan(facts);
            }
        } else {
            if (environment == null) throw new CliException(ExitCode.USAGE, "missing ENV (or --local PATH for a checkout on this machine)");
            if (all || settings != null || python != null || since != null || includeDjangoApps) {
                throw new CliException(ExitCode.USAGE, "--all, --since, --settings, --python and --include-django-apps go with --local");
            }
            plan = analyzeRemote();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            // the same event the GATE emits (without the host: the analysis ran on this machine or the migrate host)
            new JsonRenderer(out, redactor).emit(new io.djdeploy.step.Event.MigrationPlanReady(null, plan, plan.reviewIds()));
        } else {
            for (String l : PlanTable.lines(plan, output.style())) out.println(l);
        }
        out.flush();
        return plan.needsReview() ? ExitCode.MIGRATIONS_REVIEW.code : 0;
    }

    private MigrationFacts analyzeLocal(Path project, boolean everyMigration) throws IOException, InterruptedException {
        if (!Files.isRegularFile(project.resolve("manage.py"))) {
            throw new CliException(ExitCode.USAGE, "--local " + local + ": no manage.py in that directory");
        }
        String py = python != null ? python : LocalGit.djangoPython(project);
        Path helper = Files.createTempFile("djdeploy-helper", ".py");
        try {
            Files.write(helper, Helper.bytes());
            List<String> argv = new ArrayList<>(List.of(py, helper.toString(), "migrations"));
            if (everyMigration) argv.add("--all");
            if (settings != null) {
                argv.add("--settings");
                argv.add(settings);
            }
            CommandResult r = new LocalTransport("local").run(Command.of(argv).in(project.toString()));
            try {
                return MigrationSteps.parse(r);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.ANALYSIS_FAILED, project + ": " + e.getMessage());
            }
        } catch (TransportException e) {
            throw new CliException(ExitCode.ANALYSIS_FAILED, e.getMessage());
        } finally {
            Files.deleteIfExists(helper);
        }
    }

    private MigrationPlan analyzeRemote() {
        ref.check();
        // a container release's plan comes from the helper inside its image (Pipelines.analyze(env))
        EnvironmentConfig env = filter.apply(config.environment(environment, true));
        EventSink sink = output.json() ? EventSink.NONE
                : new TextRenderer(spec.commandLine().getOut(), output.verbose, redactor, output.style());
        try (Deployer d = new Deployer(env, filter.transports(env), sink, redactor,
                io.djdeploy.step.Identity.current(System.getenv()), java.time.Clock.systemUTC(), Helper.bytes(), 8)) {
            RunResult result = d.analyze(ref.or(env));
            if (d.lastPlan() != null) return d.lastPlan();
            // no plan: the run stopped before the analysis (its own exit code) or the analysis failed
            ExitCode code = ExitCode.of(result);
            boolean beforeAnalysis = code == ExitCode.CONNECT || code == ExitCode.LOCKED || code == ExitCode.INTERRUPTED;
            throw new CliException(beforeAnalysis ? code : ExitCode.ANALYSIS_FAILED, redactor.apply(result.message()));
        }
    }
}
