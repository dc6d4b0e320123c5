package io.djdeploy.django;

import io.djdeploy.config.PythonConfig;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.djdeploy.remote.Shell.quote;

/**
 * A virtualenv per release, so a rollback needs no pip. When the requirements files hash the
 * same as a kept release's (and the interpreter settings match), that venv is copied and its
 * paths rewritten instead of installing again.
 */
public final class VenvStep implements Step {
    /** The step name: ledger lines, events and `plan` output show it. */
    public static final String NAME = "venv";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Command> plan(HostRun h, RunContext ctx) {
        ReleaseLayout l = h.ops().layout();
        String id = ctx.releaseId();
        List<Command> cmds = new ArrayList<>();
        cmds.add(hashCommand(l, id, ctx.env().python()));
        cmds.add(Command.sh("# when a kept release's venv was built from the same requirements, copy it:"));
        cmds.add(cloneCommand(l, "<matching release>", id));
        cmds.add(Command.sh("# otherwise build it:"));
        cmds.add(createCommand(l, id, ctx.env().python()));
        cmds.add(stampCommand(l, id, "<requirements hash>"));
        return cmds;
    }

    @Override
    public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        ReleaseLayout l = x.host().ops().layout();
        String id = x.ctx().releaseId();
        PythonConfig py = x.ctx().env().python();
        CommandResult hr = x.query(hashCommand(l, id, py));
        if (!hr.ok()) {
            throw new StepFailure("cannot read the requirements files " + String.join(", ", py.requirements())
                    + " in the release (python.requirements)", hashCommand(l, id, py).script(), hr.exitCode(), hr.tail());
        }
        String hash = hash(py, hr.stdout());
        String source = findReusable(x, l, id, hash);
        if (source != null) {
            x.info("venv: requirements unchanged since release " + source + ", copying its venv");
            CommandResult r = x.run(cloneCommand(l, source, id));
            if (r.ok()) {
                x.check(stampCommand(l, id, hash));
                return;
            }
            x.info("venv: copy failed, building a new one");
            x.run(Command.of("rm", "-rf", "--", l.venv(id)));
        }
        x.check(createCommand(l, id, py));
        x.check(stampCommand(l, id, hash));
    }

    private static String findReusable(StepExec x, ReleaseLayout l, String id, String hash)
            throws TransportException, InterruptedException {
        CommandResult r = x.query(Command.sh("cd " + quote(l.releases()) + " && grep -l -x -F -- " + quote(hash)
                + " */.venv/.djdeploy-venv 2>/dev/null || true"));
        String best = null;
        for (String line : r.stdout().split("\n")) {
            int slash = line.indexOf('/');
            if (slash <= 0) continue;
            String candidate = line.substring(0, slash);
            if (!ReleaseLayout.isId(candidate) || candidate.equals(id)) continue;
            if (best == null || candidate.compareTo(best) > 0) best = candidate;
        }
        return best;
    }

    public static Command hashCommand(ReleaseLayout l, String id, PythonConfig py) {
        if (py.requirements().isEmpty()) return Command.sh("true");
        List<String> argv = new ArrayList<>(List.of("sha256sum", "--"));
        argv.addAll(py.requirements());
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
        return c;
    }

    public static Command stampCommand(ReleaseLayout l, String id, String hash) {
        return Command.sh("printf '%s\\n' " + quote(hash) + " > " + quote(l.venvStamp(id)));
    }

    /** What a venv depends on: the interpreter, the site-packages switch and every requirements file. */
    public static String hash(PythonConfig py, String sha256sumOutput) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(("interpreter=" + py.interpreter() + "\nsystem_site_packages=" + py.systemSitePackages() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            d.update(sha256sumOutput.strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
