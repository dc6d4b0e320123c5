package io.djdeploy.django;

import io.djdeploy.step.HostRun;
import io.djdeploy.step.RunContext;
import io.djdeploy.step.Step;
import io.djdeploy.remote.Command;

import java.util.List;

/** The manage.py steps of a deploy. */
public final class DjangoSteps {
    // step names: ledger lines, events and `plan` output show them, so they are a contract
    public static final String COLLECTSTATIC = "collectstatic";
    private DjangoSteps() {}

    public static Step collectstatic() {
        return new Step() {
            public String name() { return COLLECTSTATIC; }
            public boolean appliesTo(HostRun h, RunContext ctx) { return ctx.env().django().collectstatic(); }
            public String waitsFor(HostRun h, RunContext ctx) {
                return "manage.py collectstatic: copying (and, with a manifest storage, hashing) every static file into the release";
            }
            public List<Command> plan(HostRun h, RunContext ctx) {
                return List.of(Manage.command(h.ops().layout(), ctx.releaseId(), ctx.env().django(), Manage.Warm.ON, "collectstatic", "--noinput"));
            }
        };
    }

}
