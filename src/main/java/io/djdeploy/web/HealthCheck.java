package io.djdeploy.web;

import io.djdeploy.config.HealthConfig;
import io.djdeploy.release.Json;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Health verification runs on the host (the URL is usually host-local) through the helper in
 * the release, retrying there so one command covers the whole wait.
 */
public final class HealthCheck {
    private HealthCheck() {}

    /** @param expectRelease the release id that must be reported, or null to check status only */
    public static Command command(String host, ReleaseLayout layout, String helperRelease, HealthConfig h, String expectRelease, int retries,
                                  boolean secretUrl) {
        return command(host, layout, helperRelease, h, expectRelease, retries, h.interval(), null, null, null, secretUrl);
    }

    /**
     * Whether a URL is marked {@code secret: true}: it then reaches the helper on its standard
     * input ({@code --url -}), never on a command line that {@code ps} shows. A URL that is not
     * secret stays an argument, which the helper of a release made by an older djdeploy reads.
     */
    public static boolean secret(io.djdeploy.config.EnvironmentConfig env, String url) {
        return url != null && env.secrets().contains(url);
    }

    /** {@code --url URL}, or {@code --url -} with the URL on standard input when it is secret. */
    private static Command withUrl(List<String> argv, int at, String url, boolean secret) {
        argv.add(at, "--url");
        argv.add(at + 1, secret ? "-" : url);
        Command c = Command.of(argv);
        return secret ? c.withStdin(url + "\n") : c;
    }

    /**
     * The health URL's path asked of one web instance directly: on its Unix socket, or on
     * its TCP address ("127.0.0.1:8001"), bypassing nginx (blue-green's idle color). With a
     * {@code deadline} the retries stop once it has passed, however slow each attempt is.
     */
    public static Command command(String host, ReleaseLayout layout, String helperRelease, HealthConfig h, String expectRelease,
                                  int retries, java.time.Duration interval, String unixSocket, String tcp, java.time.Duration deadline,
                                  boolean secretUrl) {
        List<String> argv = new ArrayList<>(List.of(layout.helperPython(helperRelease), layout.helper(helperRelease), "health",
                "--status", String.valueOf(h.status()),
                "--timeout", seconds(h.timeout().toMillis()),
                "--retries", String.valueOf(retries),
                "--interval", seconds(interval.toMillis()),
                "--header", h.header(),
                "--mode", h.release().name().toLowerCase(Locale.ROOT)));
        if (unixSocket != null) {
            argv.add("--unix-socket");
            argv.add(unixSocket);
        }
        if (tcp != null) {
            argv.add("--tcp");
            argv.add(tcp);
        }
        if (expectRelease != null && h.release() != HealthConfig.ReleaseCheck.OFF) {
            argv.add("--expect");
            argv.add(expectRelease);
        }
        if (deadline != null) {
            argv.add("--deadline");
            argv.add(String.valueOf(deadline.toSeconds()));
        }
        // the helper's own retries (or deadline) bound the time; the transport timeout is a backstop
        long budget = deadline != null ? deadline.plus(h.timeout()).toMillis() + 30_000
                : (h.timeout().toMillis() + interval.toMillis()) * retries + 30_000;
        return withUrl(argv, 3, url(h, host), secretUrl).withTimeout(java.time.Duration.ofMillis(budget));
    }

    /** An extra verification URL: its status, and (when given) a text the body must contain. */
    public static Command extraCommand(String host, ReleaseLayout layout, String helperRelease, HealthConfig base,
                                       io.djdeploy.config.VerifyConfig.Url u, boolean secretUrl) {
        List<String> argv = new ArrayList<>(List.of(layout.helperPython(helperRelease), layout.helper(helperRelease), "health",
                "--status", String.valueOf(u.status()),
                "--timeout", seconds(base == null ? 5000 : base.timeout().toMillis()), "--retries", "3", "--interval", "0.5",
                "--mode", u.text() == null ? "off" : "body"));
        if (u.text() != null) {
            argv.add("--expect");
            argv.add(u.text());
        }
        return withUrl(argv, 3, u.url().replace("{host}", host), secretUrl);
    }

    /** The URL with {host} replaced by the host's configured address. */
    public static String url(HealthConfig h, String host) {
        return h.url().replace("{host}", host);
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0);
    }

    /** The helper's JSON verdict. */
    public record Result(boolean ok, Integer status, String release, Integer attempt, String error, String body, Long elapsedMs) {
        public String describe(HealthConfig h, String expect) {
            if (ok) return "HTTP " + status + (release != null ? ", release " + release : "") + " after " + attempt + " attempt(s)";
            StringBuilder sb = new StringBuilder();
            if (error != null) sb.append(error);
            else if (status != null && status != h.status()) sb.append("HTTP ").append(status).append(", expected ").append(h.status());
            else if (expect != null) sb.append("reports release ").append(release == null ? "none" : release).append(", expected ").append(expect);
            sb.append(" (").append(h.url()).append(", ").append(attempt == null ? 0 : attempt).append(" attempts)");
            return sb.toString();
        }
    }

    /** The verdict in the last line of {@code out} that holds a JSON object (other lines may precede and follow it). */
    public static Result parseLastJson(String out) {
        String[] lines = out.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].startsWith("{")) continue;
            try {
                return Json.read(lines[i], Result.class);
            } catch (IllegalArgumentException e) {
                break;
            }
        }
        return new Result(false, null, null, null, "no health verdict", null, null);
    }

    public static Result parse(CommandResult r) {
        try {
            return Json.read(r.lastStdoutLine(), Result.class);
        } catch (IllegalArgumentException e) {
            return new Result(false, null, null, null, "health helper failed: " + r.lastLine().orElse("no output"), null, null);
        }
    }
}
