package io.djdeploy.django;

import io.djdeploy.config.PythonConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;


/**
 * A virtualenv per release, so a rollback needs no pip. When the requirements files hash the
 * same as a kept release's (and the interpreter settings match), that venv is copied and its
 * paths rewritten instead of installing again.
 */
public final class VenvStep implements Step {
    /** The step name: ledger lines, events and `plan` output show it. */
    public static final String NAME = "venv";
    /** What python.install_project installs from; its hash decides venv reuse like a requirements file's. */
    static final String PYPROJECT = "pyproject.toml";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * One command: hash the requirements (as {@link #hash}), look for a kept release's venv
     * stamped with the same hash, copy it (paths rewritten by the helper) or else build one,
     * then stamp. The decision is made on the host, so the plan is what runs.
     */
    @Override
    public List<Command> plan(HostRun h, RunContext ctx) {
        return List.of(command(h.ops().layout(), ctx.releaseId(), ctx.env().python()));
    }

    @Override
    public String waitsFor(HostRun h, RunContext ctx) {
        List<String> req = ctx.env().python().requirements();
        return "the release's venv: a copy of a kept release's when the requirements are unchanged, else a pip install"
                + (req.isEmpty() ? "" : " of " + String.join(", ", req)) + " (package downloads and builds)";
    }

    /** The command's "venv: ..." lines (copied, or built after a failed copy) are info lines, as djdeploy's own. */
    @Override
    public void run(io.djdeploy.step.StepExec x) throws io.djdeploy.step.StepFailure, io.djdeploy.remote.TransportException, InterruptedException {
        scripted(x.host(), x.ctx()).runAlone(x);
    }

    @Override
    public io.djdeploy.step.Scripted scripted(HostRun h, RunContext ctx) {
        return io.djdeploy.step.Scripted.checked(plan(h, ctx)).withInfo("venv: ");
    }

    public static Command command(ReleaseLayout l, String id, PythonConfig py) {
        Shell.Var from = Shell.var("from");
        Shell.Var fromVenv = from.around(l.releases() + "/", "/.venv");

        // the newest other release whose venv was built from the same hash
        Command reusable = Command.assign("from", Command.of("grep", "-l", "-x", "-F", "--", Shell.var("hash"), Shell.glob("*/.venv/.djdeploy-venv"))
                .quiet().pipe(Command.of("cut", "-d", "/", "-f", "1")).pipe(Command.of("grep", "-x", "-E", "[0-9]{14}"))
                .pipe(Command.of("grep", "-v", "-x", "-F", "--", id)).pipe(Command.of("sort")).pipe(Command.of("tail", "-n", "1"))
                .in(l.releases()));
        Command copy = Command.of("test", "-n", from)
                .then(Command.of("printf", "venv: requirements unchanged since release %s, copying its venv\\n", from))
                .then(Command.of("cp", "-a", "--", fromVenv, l.venv(id)))
                .then(Command.of(l.venvPython(id), l.helper(id), "relocate-venv", fromVenv, l.venv(id)));
        Command build = Command.ifThen(Command.of("test", "-n", from),
                Command.echo("venv: copy failed, building a new one").then(Command.of("rm", "-rf", "--", l.venv(id))))
                .then(createCommand(l, id, py));
        return hashing(l, id, py).andAlso(reusable).andAlso(copy.orElse(build).then(stampCommand(l, id, Shell.var("hash"))));
    }

    /** Sets {@code $hash} on the host to what {@link #hash} computes from the same files. */
    public static Command hashing(ReleaseLayout l, String id, PythonConfig py) {
        Command sums = Command.assign("sums", hashCommand(l, id, py)).orElse(Command.fail("cannot read the requirements files "
                + String.join(", ", py.requirements()) + " in the release (python.requirements)", 1));
        return sums.andAlso(Command.assign("hash", Command.of("printf", "%s%s", prefix(py), Shell.var("sums"))
                .pipe(Command.of("sha256sum")).pipe(Command.of("cut", "-d", " ", "-f", "1"))));
    }

    /** What the hash covers besides the requirements files: the interpreter and the site-packages switch. */
    static String prefix(PythonConfig py) {
        return "interpreter=" + py.interpreter() + "\nsystem_site_packages=" + py.systemSitePackages() + "\n"
                + (py.installProject() ? "install_project=true\n" : "");
    }

    public static Command hashCommand(ReleaseLayout l, String id, PythonConfig py) {
        if (py.requirements().isEmpty() && !py.installProject()) return Command.sh("true");
        List<String> argv = new ArrayList<>(List.of("sha256sum", "--"));
        argv.addAll(py.requirements());
        if (py.installProject()) argv.add(PYPROJECT);
        return Command.of(argv).in(l.release(id));
    }

    static Command cloneCommand(ReleaseLayout l, String source, String id) {
        String src = source.startsWith("<") ? l.releases() + "/" + source + "/.venv" : l.venv(source);
        return Command.of("cp", "-a", "--", src, l.venv(id))
                .then(Command.of(l.venvPython(id), l.helper(id), "relocate-venv", src, l.venv(id)));
    }

    public static Command createCommand(ReleaseLayout l, String id, PythonConfig py) {
        List<String> venv = new ArrayList<>(List.of(py.interpreter(), "-m", "venv"));
        if (py.systemSitePackages()) venv.add("--system-site-packages");
        venv.add(l.venv(id));
        Command c = Command.of(venv);
        if (!py.requirements().isEmpty()) {
            List<String> pip = new ArrayList<>(List.of(l.venvPython(id), "-m", "pip", "install",
                    "--disable-pip-version-check", "--no-input", "--quiet"));
            for (String r : py.requirements()) {
                pip.add("-r");
                pip.add(r);
            }
            c = c.then(Command.of(pip).in(l.release(id)));
        }
        if (py.installProject()) {
            // a venv that sees the system's packages builds with the system's setuptools (no download);
            // the release's own directory stays first on sys.path, so its code is what runs
            List<String> pip = new ArrayList<>(List.of(l.venvPython(id), "-m", "pip", "install",
                    "--disable-pip-version-check", "--no-input", "--quiet"));
            if (py.systemSitePackages()) pip.add("--no-build-isolation");
            pip.add(".");
            c = c.then(Command.of(pip).in(l.release(id)));
        }
        return c;
    }

    public static Command stampCommand(ReleaseLayout l, String id, String hash) {
        return Command.of("printf", "%s\\n", hash).writeTo(l.venvStamp(id));
    }

    static Command stampCommand(ReleaseLayout l, String id, Shell.Var hash) {
        return Command.of("printf", "%s\\n", hash).writeTo(l.venvStamp(id));
    }

    /** What a venv depends on: the interpreter, the site-packages switch and every requirements file. */
    public static String hash(PythonConfig py, String sha256sumOutput) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(prefix(py).getBytes(StandardCharsets.UTF_8));
            d.update(sha256sumOutput.strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
