package io.djdeploy.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * `djdeploy completion bash|zsh`: a completion script, e.g. `source <(djdeploy completion bash)`.
 * picocli's script completes subcommands, options and enum values; the part appended from
 * completion/project.bash asks `djdeploy __complete` for the project's environments, hosts,
 * roles and release ids.
 */
@Command(name = "completion", description = "Print a shell completion script: source <(djdeploy completion bash), or zsh. "
        + "It completes environments, hosts, roles and release ids from the project's deploy.yml and ledger.")
class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(script(spec.root().commandLine(), shell));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String script(CommandLine root, Shell shell) {
        String script = AutoComplete.bash("djdeploy", root) + project(root);
        if (shell == Shell.zsh) {
            // picocli's script is bash; zsh runs it through its bash-completion emulation
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        return script;
    }

    /** The project-aware part, told which options of any subcommand take a value. */
    static String project(CommandLine root) {
        TreeSet<String> argOpts = new TreeSet<>();
        for (CommandLine sub : root.getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                if (o.arity().max() > 0) argOpts.addAll(java.util.List.of(o.names()));
            }
        }
        try (InputStream in = CompletionCommand.class.getResourceAsStream("/io/djdeploy/completion/project.bash")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@ARG_OPTS@", String.join(" ", argOpts));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
