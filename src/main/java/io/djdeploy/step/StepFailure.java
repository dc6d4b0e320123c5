package io.djdeploy.step;

import java.util.List;

/** A step did not pass. Carries what an operator needs: the command, exit status, last lines. */
public class StepFailure extends Exception {
    private final String command;
    private final Integer exitCode;
    private final List<String> tail;
    private String step;

    public StepFailure(String message, String command, Integer exitCode, List<String> tail) {
        super(message);
        this.command = command;
        this.exitCode = exitCode;
        this.tail = tail == null ? List.of() : List.copyOf(tail);
    }

    public StepFailure(String message) {
        this(message, null, null, List.of());
    }

    /** The step that failed; set by the runner. */
    public String step() {
        return step;
    }

    public void step(String name) {
        if (step == null) step = name;
    }

    public String command() {
        return command;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public List<String> tail() {
        return tail;
    }
}
