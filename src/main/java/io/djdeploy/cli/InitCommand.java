package io.djdeploy.cli;

import picocli.CommandLine.Command;

/** Placeholder registered in Main; being implemented (issue 8). */
@Command(name = "init", description = "Scaffold deploy.yml and a deploy/ folder in a Django project.")
class InitCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new CliException(ExitCode.FAILURE, "init is not implemented yet");
    }
}
