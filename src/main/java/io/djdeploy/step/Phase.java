package io.djdeploy.step;

/**
 * The phases of a deploy, in order. Each is a barrier: no host starts the next until all passed.
 * BUILD runs only the project's local hooks, on the deploying machine, before anything connects.
 */
public enum Phase {
    BUILD, CONNECT, LOCK, PREFLIGHT, PREPARE, GATE, MIGRATE, SWITCH, WORKERS, FINALIZE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Before SWITCH nothing user-visible has changed on any host. */
    public boolean beforeSwitch() {
        return ordinal() < SWITCH.ordinal();
    }
}
