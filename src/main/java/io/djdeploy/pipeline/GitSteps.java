package io.djdeploy.pipeline;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Scripted;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.List;
import java.util.Locale;

/**
 * How code reaches a host beyond the bare mirror (CoreSteps.fetch): the {@code git.reachable}
 * check of host-fetch mode, and the code of upload mode, one gzip'd tar from this machine on
 * the stdin of {@code tar -x} (docs/git.md).
 */
public final class GitSteps {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String GIT_REACHABLE = "git reachable";
    /** Exit status of coreutils' timeout when the command timed out. */
    static final int TIMED_OUT = 124;

    private GitSteps() {}

    /** Host mode: can this host read the repository? Fails with the fix before anything is fetched. */
    public static Step reachable() {
        return new Step() {
            public String name() { return GIT_REACHABLE; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return !ctx.env().git().upload(); }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(lsRemoteCommand(ctx.env()));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                // it fails exactly when ls-remote does: a shared script may go on after it
                return Scripted.queries(plan(h, ctx), Scripted.Gate.EXIT_OK, (x, results) -> reached(x, results.get(0)));
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    private static void reached(StepExec x, CommandResult r) throws StepFailure {
        EnvironmentConfig env = x.ctx().env();
        String url = bareUrl(env.repo());
        if (r.ok()) {
            x.report("git.reachable", true, "this host reads " + url, null);
        } else {
            String[] why = diagnose(r.exitCode(), r.stderr(), url, user(x.host(), env), env.git().reachableTimeout().toSeconds());
            x.report("git.reachable", false, why[0], why[1]);
        }
        x.failOnChecks();
    }

    /**
     * Updates the bare mirror (an internal cache, never served) and resolves the ref to one
     * commit. Both exit 0 exactly when the step passes (a resolved ref is a commit id), so a
     * shared script may go on after it.
     */
    static Step fetch() {
        return new Step() {
            public String name() { return CoreSteps.FETCH; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return !ctx.env().git().upload(); } // LocalCode resolves it
            public String waitsFor(HostRun h, RunContext ctx) { return "git fetch from " + ctx.env().repo() + " (the git server, the network)"; }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(CoreSteps.mirrorCommand(h.ops().layout(), ctx.env().repo()), CoreSteps.resolveCommand(h.ops().layout(), ctx.ref()));
            }
            public List<Command> script(HostRun h, RunContext ctx) {
                return List.of(CoreSteps.mirrorCommand(h.ops().layout(), ctx.env().repo()), Command.export("SHA",
                        CoreSteps.resolveCommand(h.ops().layout(), ctx.ref()).orElse(Command.fail("ref " + ctx.ref()
                                + " is not a commit of the repository (push the tag or branch, or use another --ref)", 1))));
            }
            public Scripted scripted(HostRun h, RunContext ctx) {
                return Scripted.shown(plan(h, ctx), Scripted.Gate.EXIT_OK, GitSteps::fetched).quietAt(1);
            }
            public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
                scripted(x.host(), x.ctx()).runAlone(x);
            }
        };
    }

    private static void fetched(StepExec x, List<CommandResult> r) throws StepFailure {
        ReleaseLayout l = x.host().ops().layout();
        CommandResult m = r.get(0);
        String mirror = CoreSteps.mirrorCommand(l, x.ctx().env().repo()).script();
        if (m.exitCode() == CoreSteps.NOT_A_MIRROR) throw new StepFailure(CoreSteps.notAMirror(x.host().name(), l.repo()), mirror, m.exitCode(), m.tail());
        if (!m.ok()) throw new StepFailure("command failed with exit status " + m.exitCode(), mirror, m.exitCode(), m.tail());
        CommandResult res = r.get(1);
        String sha = res.out();
        if (!res.ok() || !sha.matches("[0-9a-f]{40,64}")) {
            x.report("git.ref", false, "'" + x.ctx().ref() + "' is not a commit in " + x.ctx().env().repo(),
                    "push the tag or branch, or pass an existing one with --ref");
            throw new StepFailure("ref '" + x.ctx().ref() + "' does not resolve to a commit in " + x.ctx().env().repo(),
                    CoreSteps.resolveCommand(l, x.ctx().ref()).script(), res.exitCode(), res.tail());
        }
        x.host().resolved(sha);
        x.report("git.ref", true, "ref " + x.ctx().ref() + " is commit " + sha.substring(0, 12), null);
    }

    /** git ls-remote of HEAD, under timeout, with no terminal to ask for a password or a host key. */
    static Command lsRemoteCommand(EnvironmentConfig env) {
        String[] credential = io.djdeploy.step.Redactor.splitPassword(env.repo());
        String url = credential == null ? env.repo() : credential[0];
        List<String> argv = new java.util.ArrayList<>(List.of("timeout", env.git().reachableTimeout().toSeconds() + "s",
                "env", "GIT_TERMINAL_PROMPT=0"));
        argv.addAll(GitCredentials.git(credential));
        argv.addAll(List.of("ls-remote", "--", url, "HEAD"));
        // stdout (the refs) is not needed; stderr carries ssh's reason when it fails
        Command c = Command.of(argv).writeTo("/dev/null");
        return credential == null ? c.withStdin(new byte[0]) : GitCredentials.around(c, credential);
    }

    /** @return {what failed, the exact fix}, from git's (ssh's) own words */
    static String[] diagnose(int exit, String stderr, String url, String user, long timeoutSeconds) {
        String err = stderr == null ? "" : stderr;
        String lower = err.toLowerCase(Locale.ROOT);
        String server = server(url);
        String home = user == null ? "~" : "root".equals(user) ? "/root" : "~" + user;
        String as = user == null ? "as the deploy user" : "as " + user;
        String upload = "; or let this machine send the code: git.mode: upload (docs/git.md)";
        if (lower.contains("host key verification failed")) {
            return new String[]{"this host does not know the SSH host key of " + server + " (Host key verification failed)",
                    "on the host, " + as + ": ssh-keyscan " + server + " >> " + home + "/.ssh/known_hosts, then compare the"
                            + " fingerprint (ssh-keygen -lf " + home + "/.ssh/known_hosts) with the one " + server + " publishes" + upload};
        }
        if (lower.contains("permission denied (publickey")) {
            return new String[]{server + " refused this host's key (Permission denied (publickey))",
                    "add a deploy key: on the host, " + as + ", ssh-keygen -t ed25519 -N '' -f " + home + "/.ssh/id_ed25519,"
                            + " then add " + home + "/.ssh/id_ed25519.pub as a read-only deploy key of the repository on " + server
                            + "; or forward your agent: ssh.forward_agent: true" + upload};
        }
        if (exit == TIMED_OUT) {
            return new String[]{"no answer from " + server + " within " + timeoutSeconds + "s",
                    "let this host reach " + server + " (firewall, proxy, DNS), or raise git.reachable_timeout" + upload};
        }
        if (lower.contains("could not resolve")) {
            return new String[]{"this host cannot resolve " + server + " (" + firstLine(err) + ")", "fix the host's DNS, or the repo URL" + upload};
        }
        if (lower.contains("authentication failed") || lower.contains("could not read username") || lower.contains("could not read password")) {
            return new String[]{server + " wants credentials this host does not have (" + firstLine(err) + ")",
                    "put a token in repo (https://user:TOKEN@...: it reaches git through a credential helper, never the command line)"
                            + " or use an SSH URL with a deploy key" + upload};
        }
        return new String[]{"this host cannot read " + url + " (git ls-remote exit " + exit + (err.isBlank() ? "" : ": " + firstLine(err)) + ")",
                "check that repo is right and that this host may read it" + upload};
    }

    /** The git server's host name: ssh://[user@]host[:port]/..., [user@]host:path, https://host/...; a path for a local repo. */
    public static String server(String url) {
        int scheme = url.indexOf("://");
        if (scheme > 0) {
            String rest = url.substring(scheme + 3);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            return authority.startsWith("[") ? authority.substring(0, authority.indexOf(']') + 1) : authority.replaceFirst(":\\d+$", "");
        }
        int colon = url.indexOf(':');
        if (colon > 0 && !url.substring(0, colon).contains("/")) return url.substring(url.lastIndexOf('@', colon) + 1, colon);
        return url;
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("").strip();
    }

    private static String bareUrl(String repo) {
        String[] c = io.djdeploy.step.Redactor.splitPassword(repo);
        return c == null ? repo : c[0];
    }

    private static String user(HostRun h, EnvironmentConfig env) {
        String u = h.config().user() != null ? h.config().user() : env.ssh().user();
        return u;
    }

    /** Upload mode: the tree built on this machine (LocalCode), unpacked from the command's stdin. */
    static Command uploadCommand(ReleaseLayout l, RunContext ctx) {
        String rel = l.release(ctx.releaseId());
        Command untar = Command.of("tar", "-x", "-z", "-f", "-", "-C", rel);
        return ctx.codeArchive() == null ? untar : untar.withStdin(ctx.codeArchive());
    }
}
