package io.djdeploy.release;

import io.djdeploy.remote.Command;

/**
 * Maintenance mode on a host is one file, {@code shared/maintenance.html}: the nginx site checks
 * for it on every request ({@code if (-f …)}) and answers 503 with it, so turning maintenance
 * on or off needs no nginx reload. The page is written to a temp name and renamed over the old
 * one, so nginx never serves half a page.
 */
public final class MaintenancePage {
    private MaintenancePage() {}

    public static Command on(ReleaseLayout l, String html) {
        String tmp = l.maintenancePage() + ".tmp";
        // tee rather than `cat > file`: the same bytes, with the path an argument
        return Command.of("mkdir", "-p", l.shared())
                .andAlso(Command.of("tee", tmp).writeTo("/dev/null"))
                .andAlso(Command.of("chmod", "0644", tmp))
                .andAlso(Command.of("mv", "-f", tmp, l.maintenancePage()))
                .withStdin(html);
    }

    public static Command off(ReleaseLayout l) {
        return Command.of("rm", "-f", l.maintenancePage());
    }

    /** Prints "maintenance on" or "maintenance off". */
    public static Command state(ReleaseLayout l) {
        return Command.ifElse(Command.of("test", "-f", l.maintenancePage()), Command.echo("maintenance on"), Command.echo("maintenance off"));
    }

    public static boolean isOn(String stateOutput) {
        return stateOutput != null && stateOutput.contains("maintenance on");
    }

    /** Text for an HTML page: the operator's --message goes into the template escaped. */
    public static String html(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
