package io.djdeploy.cli;

import picocli.CommandLine.Command;

/** Placeholder registered in Main; being implemented (issue 8). */
@Command(name = "export-script", description = "Write a standalone bash release script for one host.")
class ExportScriptCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new CliException(ExitCode.FAILURE, "export-script is not implemented yet");
    }
}
