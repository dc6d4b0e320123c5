package io.djdeploy.cli;

/** The one exception that carries an exit code and a one-line message to the user. */
public class CliException extends RuntimeException {
    private final ExitCode exitCode;
    /** The config's problems, each its own {@code config_error} event with --format json; empty for other errors. */
    private final java.util.List<io.djdeploy.config.ConfigError> configErrors;

    public CliException(ExitCode exitCode, String message) {
        this(exitCode, message, java.util.List.of());
    }

    public CliException(ExitCode exitCode, String message, java.util.List<io.djdeploy.config.ConfigError> configErrors) {
        super(message);
        this.exitCode = exitCode;
        this.configErrors = java.util.List.copyOf(configErrors);
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.configErrors = java.util.List.of();
    }

    public java.util.List<io.djdeploy.config.ConfigError> configErrors() {
        return configErrors;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
