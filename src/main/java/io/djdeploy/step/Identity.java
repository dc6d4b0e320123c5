package io.djdeploy.step;

import java.net.InetAddress;
import java.util.Map;

/** Who runs djdeploy and from where: recorded in locks, REVISION files and the ledger. */
public record Identity(String user, String origin, long pid) {
    /** DJDEPLOY_USER (e.g. the CI actor) wins over the OS user name. */
    public static Identity current(Map<String, String> env) {
        String user = env.getOrDefault("DJDEPLOY_USER", System.getProperty("user.name", "unknown"));
        String origin;
        try {
            origin = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            origin = env.getOrDefault("HOSTNAME", "unknown");
        }
        return new Identity(user, origin, ProcessHandle.current().pid());
    }
}
