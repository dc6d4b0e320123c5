package io.djdeploy.container;

import io.djdeploy.config.ImageConfig;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.TransportException;
import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.step.StepExec;
import io.djdeploy.step.StepFailure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PREFLIGHT of a container environment, on each host: the Docker Engine answers, its data root
 * has room for a release's image, and the registry answers from that host (pulls come from
 * there in PREPARE). Read-only; one round trip that prints facts, judged here.
 */
public final class EngineChecks implements Step {
    /** One judged fact, as {@link StepExec#report} takes it. */
    public record Check(String id, boolean ok, String detail, String fix) {}

    @Override
    public String name() {
        return "container engine";
    }

    @Override
    public List<Command> plan(HostRun host, RunContext ctx) {
        return List.of(facts(ctx.env().image()));
    }

    /** engine=VERSION (empty: no answer), free_kb=N, registry=HTTP status (000: no answer). */
    static Command facts(ImageConfig image) {
        return Command.sh("printf 'engine=%s\\n' \"$(" + DockerCommands.engineVersion().script() + " 2>/dev/null)\"")
                .andAlso(Command.sh("printf 'free_kb=%s\\n' \"$(" + DockerCommands.engineDiskFreeKb().script() + ")\""))
                .andAlso(Command.sh("printf 'registry=%s\\n' \"$(" + DockerCommands.registryAnswers(image.registry()).script() + " 2>/dev/null)\""));
    }

    @Override
    public void run(StepExec x) throws StepFailure, TransportException, InterruptedException {
        CommandResult r = x.query(facts(x.ctx().env().image()));
        for (Check c : judge(parse(r.stdout()), x.ctx().env().image().registry(), x.ctx().env().checks().minFreeMb())) {
            x.report(c.id(), c.ok(), c.detail(), c.fix());
        }
        x.failOnChecks();
    }

    static Map<String, String> parse(String stdout) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) facts.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return facts;
    }

    static List<Check> judge(Map<String, String> facts, String registry, int minFreeMb) {
        List<Check> out = new ArrayList<>();
        String engine = facts.getOrDefault("engine", "");
        boolean up = !engine.isEmpty();
        out.add(new Check("docker.engine", up, up ? "Docker Engine " + engine + " answers" : "no Docker Engine answers (docker version shows no server)",
                "install Docker Engine (docker.io or docker-ce), start it, and let the deploy user use it (the docker group)"));
        if (up) {
            long freeMb = parseLong(facts.get("free_kb")) / 1024;
            out.add(new Check("docker.disk", freeMb >= minFreeMb, freeMb + " MiB free under the engine's data root (at least " + minFreeMb + ")",
                    "free space (docker image prune), lower keep_releases, or checks.min_free_mb"));
        }
        String status = facts.getOrDefault("registry", "");
        boolean answers = status.matches("[1-5][0-9][0-9]");
        out.add(new Check("docker.registry", answers, answers ? registry + " answers (HTTP " + status + ")" : registry + " does not answer from this host",
                "check image.registry, the host's DNS and firewall; credentials come from `docker login " + registry + "` on the host"));
        return out;
    }

    private static long parseLong(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
