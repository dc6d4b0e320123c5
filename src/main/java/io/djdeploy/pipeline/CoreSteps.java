package io.djdeploy.pipeline;

import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.release.LockInfo;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.release.Revision;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Shell;
import io.djdeploy.release.HostOps;
import io.djdeploy.remote.TransportException;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The steps that deal with hosts, git and the release layout (Django and web steps live in their packages). */
public final class CoreSteps {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String CONNECT = "connect";
    public static final String LOCK = "lock";
    public static final String INSPECT = "inspect";
    public static final String TOOLS = "tools";
    public static final String ENV_FILE = "env file";
    public static final String FETCH = "fetch";
    public static final String CODE = "code";
    public static final String HELPER = "helper";
    public static final String SHARED_LINKS = "shared links";
    public static final String REVISION = "revision";
    public static final String RESTART_WORKERS = "restart workers";
    public static final String RESTART_BEAT = "restart beat";
    public static final String CLEANUP = "cleanup";
    static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private CoreSteps() {}

    static String iso(java.time.Instant t) {
        return ISO.format(t.atOffset(ZoneOffset.UTC).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    static LockInfo lockInfo(RunContext ctx) {
        return new LockInfo(ctx.who().user(), ctx.who().origin(), ctx.who().pid(), ctx.ref(), iso(ctx.started()),
                ctx.command(), ctx.runId());
    }

    /** Connects and takes the lock with the run's first reads in one command ({@link ConnectSteps}). */
    public static Step connect() {
        return ConnectSteps.connect();
    }

    public static Step lock() {
        return ConnectSteps.lock();
    }

    /** What is there now: current and the existing releases (read-only). */
    public static Step inspect() {
        return new Step() {
            public String name() { return INSPECT; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(h.ops().currentCommand(), h.ops().releasesCommand());
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                return List.of(Command.export("PREVIOUS", h.ops().currentCommand().pipe(Command.of("sed", "-n", "s,.*/,,; /^[0-9]\\{14\\}$/p"))),
                        Command.echo("current release: " + h.previous()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // read by the connect step's command: nothing to run here
                io.djdeploy.release.HostFacts f = h.facts();
                if (f != null && f.has("current")) return null;
                // read-only and never failing: what follows in a shared script may run
                return Scripted.queries(plan(h, ctx), Scripted.Gate.ALWAYS, (x, r) -> {
                    x.host().inspected(ReleaseLayout.idFromTarget(r.get(0).out()), x.host().ops().releaseIds(r.get(1).out()));
                    x.host().ops().warnings().forEach(x::warn);
                    x.info("current release: " + (x.host().previous() == null ? "none (first deploy)" : x.host().previous()));
                });
            }
            public void run(StepExec x) throws TransportException, InterruptedException {
                io.djdeploy.release.HostFacts f = x.host().facts();
                if (f != null && f.has("current")) {   // read by the connect step's command, under the lock
                    x.host().inspected(ReleaseLayout.idFromTarget(f.get("current").strip()), x.host().ops().releaseIds(f.get("releases")));
                } else {
                    x.host().inspected(x.host().ops().currentRelease(), x.host().ops().releases());
                }
                x.host().ops().warnings().forEach(x::warn);
                x.info("current release: " + (x.host().previous() == null ? "none (first deploy)" : x.host().previous()));
            }
        };
    }

    /**
     * Reads the env file into memory and hands its values to the redactor, so every line a
     * host prints afterwards is masked. @return its text (never printed), or null if unreadable
     */
    static String readEnvFile(StepExec x) throws TransportException, InterruptedException {
        return envFileRead(x, x.query(envFileCommand(x.ctx().env())));
    }

    /** As {@link #readEnvFile}, from what {@link #envFileCommand} printed. */
    static String envFileRead(StepExec x, CommandResult r) {
        if (!r.ok()) return null;
        java.util.List<String> weak = x.ctx().redactor().addEnvFile(r.stdout());
        // a documented limit, said where the operator looks for it: check, not every deploy
        if (!weak.isEmpty() && "check".equals(x.ctx().command())) x.warn(io.djdeploy.step.Redactor.tooShort(weak));
        return r.stdout();
    }

    /** Reads the env file (its values are never printed: the caller only feeds the redactor). */
    static Command envFileCommand(io.djdeploy.config.EnvironmentConfig env) {
        return Command.of("cat", env.django().envFile());
    }

    /** One command for every tool: each SSH round trip costs, and a host is checked in one. */
    public static Step tools() {
        return new Step() {
            public String name() { return TOOLS; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                // the tools are the loop's arguments (set --), so the loop itself holds no value
                // git.mode upload: hosts need no git
                List<String> tools = ctx.env().git().upload() ? List.of("set", "--", "tar", "sha256sum", ctx.env().python().interpreter())
                        : List.of("set", "--", "git", "tar", "sha256sum", ctx.env().python().interpreter());
                return List.of(Command.of(tools)
                        .andAlso(Command.sh("missing=''; for t in \"$@\"; do command -v \"$t\" >/dev/null || missing=\"$missing $t\"; done; "
                                + "if [ -n \"$missing\" ]; then echo \"not found on this host:$missing\" >&2; exit 127; fi")));
            }
        };
    }

    /**
     * The env file must be readable; its values are read into memory (never printed) so that
     * every line a host prints afterwards is redacted before anyone sees or records it.
     */
    public static Step envFile() {
        return new Step() {
            public String name() { return ENV_FILE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return ctx.env().django().envFile() != null; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                String f = ctx.env().django().envFile();
                // the second command only feeds the redactor: its output is never printed
                return List.of(Command.of("test", "-r", f).orElse(Command.fail("env file missing or unreadable: " + f + " (django.env_file)", 1)),
                        envFileCommand(ctx.env()));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                io.djdeploy.release.HostFacts f = x.host().facts();
                String read = f == null ? null : f.arg("envfile");
                if (read != null) {   // read by the connect step's command (a rollback's)
                    Command test = plan(x.host(), x.ctx()).get(0);
                    if (!read.equals("ok")) throw new StepFailure("command failed with exit status 1", test.script(), 1,
                            List.of("env file missing or unreadable: " + x.ctx().env().django().envFile() + " (django.env_file)"));
                    x.ctx().redactor().addEnvFile(f.withArg("envfile"));
                    return;
                }
                x.check(plan(x.host(), x.ctx()).get(0));
                readEnvFile(x);
            }
        };
    }

    /** Updates the bare mirror (an internal cache, never served) and resolves the ref to one commit (GitSteps). */
    public static Step fetch() {
        return GitSteps.fetch();
    }

    /** Exit status of the mirror command when deploy_to/repo is something djdeploy did not create (EX_DATAERR). */
    static final int NOT_A_MIRROR = 65;

    static String notAMirror(String host, String path) {
        return path + " on " + host + " exists but is not djdeploy's bare git mirror; djdeploy never deletes what it did not"
                + " create: move it away (mv " + path + " " + path + ".bak) or remove it yourself, then deploy again";
    }

    /**
     * Fetches into the bare mirror, or clones it where nothing is. Anything else at repo/ (a
     * checkout with someone's uncommitted work, a file) is refused, never removed: rmdir only
     * takes an empty directory away (`|| true`: export-script runs this under set -e).
     */
    static Command mirrorCommand(ReleaseLayout l, String repoUrl) {
        String[] credential = io.djdeploy.step.Redactor.splitPassword(repoUrl);
        String repo = l.repo();
        String url = credential == null ? repoUrl : credential[0];
        List<String> git = GitCredentials.git(credential);
        Command update = Command.of(concat(git, "-C", repo, "remote", "set-url", "origin", url))
                .then(Command.of(concat(git, "-C", repo, "fetch", "--prune", "--quiet", "origin")));
        // rmdir only takes an empty dir away; `|| true` keeps set -e happy in the exported script
        Command refuse = Command.ifThen(Command.of("test", "-e", repo).orElse(Command.of("test", "-L", repo)),
                Command.fail(repo + " exists but is not djdeploy's bare git mirror: move it away (mv " + repo + " " + repo
                        + ".bak), then deploy again", NOT_A_MIRROR));
        Command clone = Command.of("rmdir", repo).quiet().orTrue()
                .andAlso(refuse.then(Command.of(concat(git, "clone", "--mirror", "--quiet", "--", url, repo))));
        Command mirror = Command.ifElse(Command.of("test", "-f", repo + "/HEAD"), update, clone);
        return GitCredentials.around(mirror, credential);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    static Command resolveCommand(ReleaseLayout l, String ref) {
        // the ref was validated (no leading '-'), so git cannot read it as an option
        return Command.of("git", "-C", l.repo(), "rev-parse", "--verify", "--quiet", ref + "^{commit}");
    }

    /** Exports the exact commit into a new, private release directory. */
    public static Step code() {
        return new Step() {
            public String name() { return CODE; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                ReleaseLayout l = h.ops().layout();
                String rel = l.release(ctx.releaseId());
                String tar = rel + "/.djdeploy-code.tar";
                Command mkdir = Command.of("mkdir", "-p", l.releases()).then(Command.of("mkdir", rel));
                if (ctx.env().git().upload()) return List.of(mkdir, GitSteps.uploadCommand(l, ctx));
                return List.of(mkdir,
                        // tar.umask: git archive's default (002) would leave the code group-writable
                        Command.of("git", "-C", l.repo(), "-c", "tar.umask=022", "archive", "--format=tar", "--output=" + tar, sha(ctx))
                        .then(Command.of("tar", "-x", "-f", tar, "-C", rel))
                        .then(Command.of("rm", "-f", tar)));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // mkdir fails if the dir exists: never take over another run's dir; once it
                // succeeded, even a half-made dir is ours to remove on failure
                return Scripted.checked(plan(h, ctx)).withJudge((x, r) -> {
                    if (r.get(0).ok()) x.host().markReleaseCreated();
                });
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    static String sha(RunContext ctx) {
        return ctx.sha() != null ? ctx.sha() : "<commit of " + ctx.ref() + ">";
    }

    /** Ships the Python helper into the release (SFTP over SSH; a plain write locally). */
    public static Step helper() {
        return new Step() {
            public String name() { return HELPER; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(Command.writeFile(h.ops().layout().helper(ctx.releaseId()), 0644, ctx.helper()));
            }
        };
    }

    /** Links shared dirs and files into the release; shared files must exist (they hold config). */
    public static Step shared() {
        return new Step() {
            public String name() { return SHARED_LINKS; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return !ctx.env().shared().dirs().isEmpty() || !ctx.env().shared().files().isEmpty();
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                ReleaseLayout l = h.ops().layout();
                String rel = l.release(ctx.releaseId());
                List<Command> c = new ArrayList<>();
                for (String d : ctx.env().shared().dirs()) {
                    String target = l.shared() + "/" + d;
                    String link = rel + "/" + d;
                    c.add(Command.of("mkdir", "-p", target).then(Command.of("rm", "-rf", link))
                            .then(Command.of("mkdir", "-p", parent(link))).then(Command.of("ln", "-s", target, link)));
                }
                for (String f : ctx.env().shared().files()) {
                    String target = l.shared() + "/" + f;
                    String link = rel + "/" + f;
                    c.add(Command.of("test", "-e", target).orElse(Command.fail("shared file missing: " + target
                                    + " (create it before deploying; shared.files)", 1))
                            .then(Command.of("mkdir", "-p", parent(link))).then(Command.of("rm", "-rf", link))
                            .then(Command.of("ln", "-s", target, link)));
                }
                return c;
            }
        };
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    /** Written last in PREPARE: its presence marks a complete release (a valid rollback target). */
    public static Step revision() {
        return new Step() {
            public String name() { return REVISION; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                Revision rev = new Revision(ctx.releaseId(), ctx.ref(), sha(ctx), ctx.who().user(), iso(ctx.started()));
                // a temp file renamed over it: REVISION is never seen half-written
                return List.of(Command.writeFile(h.ops().layout().revision(ctx.releaseId()), 0644,
                        rev.render().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        };
    }

    /** Celery workers restart after every web host switched, so they never run ahead of the web tier. */
    public static Step restartWorkers() {
        return new Step() {
            public String name() { return RESTART_WORKERS; }
            public String waitsFor(HostRun h, RunContext ctx) { return "the workers' restart: Celery's warm shutdown lets running tasks finish"; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return workerCommand(ctx, false) != null && h.config().hasRole(io.djdeploy.config.HostConfig.WORKER);
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(worker(h, ctx, false));
            }
        };
    }

    public static Step restartBeat() {
        return new Step() {
            public String name() { return RESTART_BEAT; }
            public boolean appliesTo(HostRun h, RunContext ctx) {
                return workerCommand(ctx, true) != null && h.config().hasRole(io.djdeploy.config.HostConfig.BEAT);
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(worker(h, ctx, true));
            }
        };
    }

    /** workers.restart / beat_restart, or with runtime: container the command its container runs. */
    private static String workerCommand(RunContext ctx, boolean beat) {
        io.djdeploy.config.WorkersConfig w = ctx.env().workers();
        if (ctx.env().containers()) return beat ? w.beatCommand() : w.command();
        return beat ? w.beatRestart() : w.restart();
    }

    /** The restart command; for containers, the worker's container replaced by one of the run's release (docs/celery.md: same order). */
    private static Command worker(HostRun h, RunContext ctx, boolean beat) {
        Command c = templated(workerCommand(ctx, beat), h, ctx);
        if (!ctx.env().containers()) return c;
        return io.djdeploy.container.DockerCommands.replaceWorker(io.djdeploy.container.AppContainers.spec(ctx.env(), h.ops().layout()),
                h.ops().layout().release(ctx.releaseId()), ctx.releaseId(), beat ? "beat" : "worker", c.script(),
                (int) ctx.env().workers().stopTimeout().toSeconds());
    }

    static Command templated(String template, HostRun h, RunContext ctx) {
        java.util.Map<String, String> values = io.djdeploy.web.Templates.placeholders(ctx.env(), h.ops().layout(), ctx.releaseId());
        values.put("host", h.name());
        return Command.sh(io.djdeploy.web.Templates.render(template, values));
    }

    /** Old and incomplete releases go, never this run's or the rollback target: one command (HostOps). */
    public static Step cleanup() {
        return new Step() {
            public String name() { return CLEANUP; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(h.ops().cleanupCommand(ctx.env().keepReleases(), ctx.releaseId(), h.previous()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // what it removed is said as info lines, as before the cleanup ran on the host
                return Scripted.checked(plan(h, ctx)).withInfo("removed ");
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    /** The lock is held by someone else: carries the holder for the error message. */
    public static final class LockHeldFailure extends StepFailure {
        private final transient LockInfo holder;

        LockHeldFailure(String host, LockInfo holder, String stale) {
            super(stale != null
                    ? "locked by " + holder.describe() + "; the lock is STALE: " + stale
                            + " (remove it with djdeploy unlock ENV --force; the ledger records who did)"
                    : holder.maintenance() ? holder.holder() + " (djdeploy lock; its owner ends the hold with djdeploy unlock ENV)"
                    : "locked by " + holder.describe() + " (djdeploy unlock to release your own lock, --force for someone else's)");
            this.holder = holder;
        }

        public LockInfo holder() {
            return holder;
        }
    }
}
