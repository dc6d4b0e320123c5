package io.djdeploy.web;

/**
 * The names blue-green depends on, defined once: the runtime ({@link BlueGreen}) finds what the
 * files `djdeploy init` writes ({@link ServiceFiles}) set up under these names.
 *
 * <p>Colors {@code blue} and {@code green}; color links {@code <deploy_to>/<color>} pointing at a
 * release; sockets {@code <socket_dir>/<color>.sock}; the live link {@code <socket_dir>/web.sock}
 * pointing at the live color's socket, which nginx always proxies to; systemd instances
 * {@code <app>-web@<color>}; supervisor programs {@code <app>-web-<color>}.
 */
public final class BlueGreenNames {
    private BlueGreenNames() {}

    /** The live link's file name inside the socket directory. */
    public static final String LIVE_SOCKET = "web.sock";

    /** {@code web.socket_dir} when the config leaves it out. */
    public static String defaultSocketDir(String app) {
        return "/run/" + app;
    }

    /** What nginx proxies to: a socket (restart/reload) or a symlink to the live color's socket (blue-green). */
    public static String liveSocket(String socketDir) {
        return socketDir + "/" + LIVE_SOCKET;
    }

    public static String colorSocketFile(String color) {
        return color + ".sock";
    }

    public static String colorSocket(String socketDir, String color) {
        return socketDir + "/" + colorSocketFile(color);
    }

    /** The symlink that pins a color to a release. */
    public static String colorLink(String deployTo, String color) {
        return deployTo + "/" + color;
    }

    /** The nginx upstream the site proxies to (and, over TCP, the include djdeploy rewrites defines): a valid nginx name. */
    public static String upstreamName(String app) {
        return app.replaceAll("[^A-Za-z0-9_]", "_") + "_web";
    }

    public static String systemdInstance(String app, String color) {
        return app + "-web@" + color;
    }

    public static String supervisorProgram(String app, String color) {
        return app + "-web-" + color;
    }
}
