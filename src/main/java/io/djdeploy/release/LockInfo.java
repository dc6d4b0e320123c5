package io.djdeploy.release;

/** What {@code .djdeploy/lock/info.json} says about who holds a host's lock. */
public record LockInfo(String user, String origin, Long pid, String ref, String started, String command, String runId) {
    /** What `djdeploy lock` writes: a hold until `unlock`, whose process exits at once (so it never goes stale). */
    public static final String MAINTENANCE = "lock";

    public boolean maintenance() {
        return MAINTENANCE.equals(command);
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(user == null ? "unknown user" : user);
        if (origin != null) sb.append('@').append(origin);
        if (command != null) sb.append(" (").append(command).append(ref != null ? " " + ref : "").append(')');
        if (started != null) sb.append(" since ").append(started);
        if (pid != null) sb.append(", pid ").append(pid);
        return sb.toString();
    }

    /** "locked by …", or "held for maintenance by …" for a `djdeploy lock` hold. */
    public String holder() {
        if (!maintenance()) return "locked by " + describe();
        return "held for maintenance by " + (user == null ? "unknown user" : user) + (origin != null ? "@" + origin : "")
                + (started != null ? " since " + started : "");
    }
}
