package io.djdeploy.cli;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.pipeline.Deployer;
import io.djdeploy.step.Phase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "plan", description = "Print every phase and the exact commands per host. Connects to nothing, changes nothing.")
class PlanCommand extends EnvCommand {
    @Mixin
    RefMixin ref;

    @Override
    public Integer call() {
        ref.check();
        EnvironmentConfig env = env();
        try (Deployer d = deployer(env, sink(), 1)) {
            List<Deployer.PlannedStep> plan = d.plan(ref.or(env));
            if (output.json()) {
                JsonRenderer json = new JsonRenderer(out(), redactor);
                for (Deployer.PlannedStep s : plan) json.value("planned_step", s);
                return 0;
            }
            PrintWriter out = out();
            out.println("Plan for " + env.name() + " (" + ref.or(env) + "); <placeholders> are filled in at run time.");
            Phase phase = null;
            for (Deployer.PlannedStep s : plan) {
                if (s.phase() != phase) {
                    phase = s.phase();
                    out.println();
                    out.println("==> " + phase.name());
                }
                out.println("[" + s.host() + "] " + s.step());
                for (String c : s.commands()) out.println("    " + redactor.apply(c));
            }
            return 0;
        }
    }
}
