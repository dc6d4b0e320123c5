package io.djdeploy.cli;

import io.djdeploy.config.ConfigException;
import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.DeployConfig;
import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.WebConfig.Manager;
import io.djdeploy.config.WebConfig.Strategy;
import io.djdeploy.django.Helper;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.step.EventSink;
import io.djdeploy.step.Identity;
import io.djdeploy.step.Redactor;
import io.djdeploy.scaffold.InitFiles;
import io.djdeploy.scaffold.InitProject;
import io.djdeploy.scaffold.SettingsProbe;
import io.djdeploy.template.TextTemplates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * `djdeploy init`: reads a Django project's files (never imports it) and writes deploy.yml,
 * the service files under deploy/, an env file template, a health view, CI workflows and the
 * release checklist. Writes nothing if any of those files exists, unless --force.
 */
@Command(name = "init", description = "Scaffold deploy.yml and deploy/ (systemd, supervisor, nginx, env file, health view, CI, checklist) in a Django project.")
class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "The Django project (with manage.py). Default: the current directory.")
    Path dir;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Host(s) of the production environment, comma-separated; the first one runs migrations.")
    List<String> hosts;

    @Option(names = "--user", paramLabel = "USER", description = "SSH user djdeploy logs in as (the app itself runs as the user APP).")
    String user;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "The site's public host name (nginx server_name).")
    String domain;

    @Option(names = "--deploy-to", paramLabel = "PATH", description = "Release root on the hosts. Default: /srv/APP.")
    String deployTo;

    @Option(names = "--app", paramLabel = "APP", description = "App name: services, paths and the app's Unix user. Default: the project package's name.")
    String app;

    @Option(names = "--repo", paramLabel = "URL", description = "Git URL the hosts clone. Default: the checkout's remote origin.")
    String repo;

    @Option(names = "--manager", paramLabel = "MANAGER", defaultValue = "systemd", completionCandidates = Managers.class, description = "systemd or supervisor (default: ${DEFAULT-VALUE}).")
    String manager;

    @Option(names = "--strategy", paramLabel = "STRATEGY", defaultValue = "blue-green", completionCandidates = Strategies.class, description = "restart, reload or blue-green (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "virtualenv", completionCandidates = Runtimes.class,
            description = "virtualenv or container (default: ${DEFAULT-VALUE}); container also writes a Dockerfile and .dockerignore (docs/containers.md).")
    String runtime;

    @Option(names = "--registry", paramLabel = "REGISTRY", description = "With --runtime container: the registry every host pulls the images from. Default: registry.DOMAIN.")
    String registry;

    @Option(names = "--settings", paramLabel = "MODULE", description = "The production settings module. Default: manage.py's, or its production/prod sibling when that is a dev/local/development module.")
    String settings;

    @Option(names = "--python", paramLabel = "PYTHON", description = "A Python that can import Django, to ask the settings (none: read them as text). Default: the project's .venv, venv or env, then /usr/bin/python3.")
    String python;

    @Option(names = "--add-gunicorn", description = "Append gunicorn to the requirements file when it is missing (asked on a terminal).")
    boolean addGunicorn;

    /** The values of --manager and --strategy for shell completion (the options are strings, checked in call()). */
    static final class Managers extends java.util.ArrayList<String> {
        Managers() { super(List.of("systemd", "supervisor")); }
    }

    static final class Runtimes extends java.util.ArrayList<String> {
        Runtimes() { super(List.of("virtualenv", "container")); }
    }

    static final class Strategies extends java.util.ArrayList<String> {
        Strategies() { super(Arrays.stream(Strategy.values()).map(Strategy::label).toList()); }
    }

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    @Option(names = "--stacktrace", hidden = true)
    boolean stacktrace;

    /** Asks for a missing value on a terminal; null without one (then missing values are errors). Tests replace it. */
    Function<String, String> prompt = terminalPrompt();

    private static final String HOST = "[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+]";
    private static final String USER = "[a-z_][a-z0-9_.-]{0,31}";
    private static final String APP = "[a-z][a-z0-9_-]{0,31}";
    private static final String DOMAIN = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*";
    private static final String SAFE_PATH = "/[A-Za-z0-9._/@+-]*";
    private static final String REGISTRY = "[a-z0-9]([a-z0-9.-]{0,252})(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*){0,8}";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Manager mgr = switch (manager) {
            case "systemd" -> Manager.SYSTEMD;
            case "supervisor" -> Manager.SUPERVISOR;
            default -> throw new CliException(ExitCode.USAGE, "--manager: '" + manager + "' is not systemd or supervisor");
        };
        Strategy strat = Arrays.stream(Strategy.values()).filter(s -> s.label().equals(strategy)).findFirst()
                .orElseThrow(() -> new CliException(ExitCode.USAGE, "--strategy: '" + strategy + "' is not restart, reload or blue-green"));
        if (!runtime.equals("virtualenv") && !runtime.equals("container")) {
            throw new CliException(ExitCode.USAGE, "--runtime: '" + runtime + "' is not virtualenv or container");
        }
        if (registry != null && runtime.equals("virtualenv")) {
            throw new CliException(ExitCode.USAGE, "--registry: only with --runtime container");
        }
        if (runtime.equals("container") && strat != Strategy.BLUE_GREEN) {
            throw new CliException(ExitCode.USAGE, "--strategy " + strategy + ": --runtime container switches blue-green (containers as the colors)");
        }
        Path root = dir.toAbsolutePath().normalize();
        InitProject project;
        try {
            SettingsProbe probe = "none".equals(python) ? SettingsProbe.NONE
                    : SettingsProbe.using(python != null ? List.of(Path.of(python)) : SettingsProbe.candidates(root));
            if (settings != null && !settings.matches("[A-Za-z_][\\w]*(\\.[A-Za-z_][\\w]*)*")) {
                throw new CliException(ExitCode.USAGE, "--settings: '" + settings + "' is not a Python module name");
            }
            project = InitProject.detect(root, settings, probe);
        } catch (InitProject.NotAProject e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read the project in " + root + ": " + e.getMessage(), e);
        }

        // what is missing: asked on a terminal, else one line naming every flag
        if (repo == null) repo = project.repo();
        List<String> missing = new ArrayList<>();
        if (hosts == null || hosts.isEmpty()) {
            String a = ask("Host(s) to deploy to, comma-separated");
            if (a != null) hosts = Arrays.stream(a.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (hosts == null || hosts.isEmpty()) missing.add("--host");
        }
        if (user == null && (user = ask("SSH user on the hosts")) == null) missing.add("--user");
        if (domain == null && (domain = ask("Public domain of the site (e.g. shop.example.com)")) == null) missing.add("--domain");
        if (repo == null && (repo = ask("Git URL the hosts clone the code from")) == null) missing.add("--repo (no git remote origin found)");
        if (!missing.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "missing " + String.join(", ", missing) + " (no terminal to ask on)");
        }
        String theApp = app != null ? app : project.defaultApp();
        String theDeployTo = deployTo != null ? deployTo : "/srv/" + theApp;
        for (String h : hosts) check(h, HOST, "--host", "is not a host name or address");
        check(user, USER, "--user", "is not a Unix user name");
        check(domain, DOMAIN, "--domain", "is not a domain name (e.g. shop.example.com)");
        check(theApp, APP, app != null ? "--app" : "--app (default from the package " + project.packageName() + ")",
                "is not an app name: lower-case letters, digits, - and _, starting with a letter, at most 32 (it is also the app's Unix user)");
        check(theDeployTo, SAFE_PATH, "--deploy-to", "must be an absolute path of letters, digits and . _ / @ + -");
        if (theDeployTo.replaceAll("/+$", "").isEmpty()) throw new CliException(ExitCode.USAGE, "--deploy-to: must not be /");
        if (repo.isBlank() || repo.startsWith("-") || repo.chars().anyMatch(Character::isWhitespace)) {
            throw new CliException(ExitCode.USAGE, "--repo: '" + repo + "' is not a git URL or path");
        }
        String ref = project.branch() != null && ConfigLoader.REF.matcher(project.branch()).matches() ? project.branch() : "main";
        String theRegistry = null;
        if (runtime.equals("container")) {
            theRegistry = registry != null ? registry : "registry." + domain.toLowerCase(java.util.Locale.ROOT);
            check(theRegistry, REGISTRY, "--registry", "is not a registry address like registry.example.com:5000 (lower case, no scheme)");
        }
        InitFiles.Choices choices = new InitFiles.Choices(theApp, hosts, user, domain, theDeployTo, mgr, strat, repo, ref, theRegistry);

        Map<String, String> files = new LinkedHashMap<>(InitFiles.generate(TextTemplates.of(root), project, choices));
        // the checklist describes the virtualenv deploy; the container one is not written yet (docs/containers.md)
        if (!choices.containers()) files.put(InitFiles.CHECKLIST, checklist(root, files.get("deploy.yml")));

        List<String> existing = files.keySet().stream().filter(f -> Files.exists(root.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        if (!existing.isEmpty() && !force) {
            throw new CliException(ExitCode.USAGE, "not overwriting what exists in " + root + ": " + String.join(", ", existing)
                    + " (nothing was written; --force replaces them)");
        }
        for (Map.Entry<String, String> f : files.entrySet()) write(root.resolve(f.getKey()), f.getValue());

        String gunicornNote = gunicorn(root, project);
        out.println((project.source() != null ? "Asked " + project.source() + ": " : "Guessed from the settings' text: ")
                + project.settingsModule() + " (WSGI " + project.wsgiApp() + ", requirements "
                + (project.requirements().isEmpty() ? "none" : String.join(" ", project.requirements()))
                + ", static " + (project.staticUrl() == null ? "elsewhere" : project.staticUrl() + " from " + project.staticRoot())
                + ", SSL header " + (project.sslHeader() == null ? "not set" : project.sslHeader())
                + ", media " + project.mediaRoot() + ", Celery " + (project.celery() ? "yes" : "no")
                + (project.python() != null ? ", Python " + project.python() + " from " + project.pythonSource() : "") + ").");
        for (String n : project.notes()) out.println("  " + n);
        if (gunicornNote != null) out.println("  " + gunicornNote);
        out.println("Wrote " + files.size() + " files in " + root + (existing.isEmpty() ? "" : " (replaced " + existing.size() + ")") + ":");
        for (String f : files.keySet()) out.println("  " + f);
        List<String> warnings = new ArrayList<>(project.warnings());
        if (!project.gunicorn() && gunicornNote == null) {
            warnings.add("gunicorn is not in " + (project.pyproject() ? "pyproject.toml's dependencies" : project.requirements().isEmpty()
                    ? "the requirements" : String.join(", ", project.requirements())) + ": the web services run it from each release's venv;"
                    + " add it (init --add-gunicorn appends it to the requirements file)");
        }
        if (mgr == Manager.SUPERVISOR && !project.readsEnvFile()) {
            warnings.add("supervisor cannot load an env file and the settings do not read DJANGO_ENV_FILE: load that file in the settings, or use --manager systemd");
        }
        if (!warnings.isEmpty()) {
            out.println();
            out.println("Check:");
            for (String w : warnings) out.println("  - " + w);
        }
        out.println();
        out.println("Next steps:");
        int i = 1;
        for (String s : InitFiles.nextSteps(project, choices)) out.println("  " + (i++) + ". " + s);
        out.println("More: docs/init.md.");
        out.flush();
        return 0;
    }

    /**
     * Appends gunicorn to the first requirements file when it is missing and --add-gunicorn (or
     * the answer on a terminal) says so; returns what was done, or null. pyproject.toml is only
     * warned about: its dependency list is the user's to edit.
     */
    private String gunicorn(Path root, InitProject project) {
        if (project.gunicorn() || project.requirements().isEmpty()) return null;
        String file = project.requirements().get(0);
        boolean add = addGunicorn;
        if (!add && prompt != null) {
            String a = ask("gunicorn is not in " + file + "; add it? [Y/n]");
            add = a == null || a.toLowerCase(java.util.Locale.ROOT).startsWith("y");
        }
        if (!add) return null;
        try {
            String text = Files.readString(root.resolve(file));
            write(root.resolve(file), text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "gunicorn\n");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return "added gunicorn to " + file;
    }

    private static void check(String value, String regex, String flag, String why) {
        if (!value.matches(regex)) throw new CliException(ExitCode.USAGE, flag + ": '" + value + "' " + why);
    }

    private String ask(String question) {
        if (prompt == null) return null;
        String a = prompt.apply(question);
        return a == null || a.isBlank() ? null : a.strip();
    }

    private static Function<String, String> terminalPrompt() {
        Console console = System.console();
        if (console == null) return null;
        return q -> console.readLine("%s: ", q);
    }

    /**
     * deploy/CHECKLIST.md: the same text `djdeploy checklist production` prints for this
     * deploy.yml, made before anything is written (the generated config is parsed like any other;
     * a config the loader rejects is a bug in init, and then nothing is written).
     */
    private static String checklist(Path root, String deployYml) {
        DeployConfig cfg;
        try {
            cfg = new ConfigLoader().parse(root.resolve("deploy.yml"), deployYml);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.FAILURE, "init generated a deploy.yml that does not load (a bug; nothing was written): " + e.getMessage());
        }
        EnvironmentConfig env = cfg.environments().get(InitFiles.ENVIRONMENT);
        Redactor redactor = new Redactor();
        List<Deployer.PlannedStep> plan;
        // planning connects to nothing: no transport is ever asked for
        try (Deployer d = new Deployer(env, h -> {
            throw new IllegalStateException("init connects to no host");
        }, EventSink.NONE, redactor, Identity.current(System.getenv()), Clock.systemUTC(), Helper.bytes(), 1)) {
            plan = d.plan(env.ref());
        }
        StringWriter buf = new StringWriter();
        ChecklistCommand.render(new PrintWriter(buf), env, env.ref(), "deploy.yml", plan, redactor);
        return buf.toString();
    }

    /** Each file via a temp file and a rename: never half-written. */
    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".djdeploy-tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
