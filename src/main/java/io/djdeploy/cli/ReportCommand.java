package io.djdeploy.cli;

import picocli.CommandLine.Command;

/** Placeholder registered in Main; being implemented (issue 8). */
@Command(name = "report", description = "Write a self-contained HTML report of a deploy.")
class ReportCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new CliException(ExitCode.FAILURE, "report is not implemented yet");
    }
}
