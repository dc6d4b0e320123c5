package io.djdeploy.cli;

import io.djdeploy.config.ConfigLoader;
import io.djdeploy.config.EnvironmentConfig;
import picocli.CommandLine.Option;

/** `--ref REF`: what to deploy, plan, check or analyse. */
public class RefMixin {
    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: the environment's ref).")
    String ref;

    /** A ref git would misread (or a shell would) is a usage error; commands call this before reading the config. */
    void check() {
        if (ref != null && (!ConfigLoader.REF.matcher(ref).matches() || ref.contains(".."))) {
            throw new CliException(ExitCode.USAGE, "--ref: '" + ref + "' is not a valid git ref " + ConfigLoader.REF_RULE);
        }
    }

    /** The ref given on the command line, else the environment's. */
    String or(EnvironmentConfig env) {
        check();
        return ref != null ? ref : env.ref();
    }
}
