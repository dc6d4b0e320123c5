package io.djdeploy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/** Value rules shared by the sections: each check returns the problem in words, or null when the value is fine. */
final class Rules {
    static final Pattern APP = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
    static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+]");
    static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    /** Git ref names: what `git check-ref-format` allows, minus anything a shell or git option could misread. */
    static final Pattern REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./+-]{0,199}");
    /** {@link #REF} (and no "..") in words, for error messages. */
    static final String REF_RULE = "(letters, digits, '_', '.', '/', '+', '-'; not starting with '-', '.', '/' or '+'; no '..')";

    private Rules() {}

    static String ref(String v) {
        return REF.matcher(v).matches() && !v.contains("..") ? null : "is not a valid git ref " + REF_RULE;
    }

    static String absolutePath(String v) {
        if (!v.startsWith("/")) return "must be an absolute path";
        return pathChars(v);
    }

    /**
     * Directories a deploy must never own: cleanup, the repo mirror and the lock live right under
     * deploy_to, so deploy_to: /usr would put djdeploy's rm -rf and mv -T among the system's files.
     */
    static final Set<String> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
            "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
            "/usr/bin", "/usr/include", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/local", "/usr/sbin", "/usr/share", "/usr/src",
            "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin", "/usr/local/share",
            "/var/backups", "/var/cache", "/var/lib", "/var/local", "/var/lock", "/var/log", "/var/mail", "/var/opt", "/var/run",
            "/var/spool", "/var/tmp", "/var/www");

    static String deployTo(String v) {
        String problem = absolutePath(v);
        if (problem != null) return problem;
        String normal = Path.of(v).normalize().toString();
        if (SYSTEM_DIRS.contains(normal)) {
            return "'" + v + "' is " + (normal.equals("/") ? "the root directory" : "the system directory " + normal)
                    + ": deploy into a directory of its own, e.g. /srv/<app>";
        }
        return null;
    }

    static String relativePath(String v) {
        if (v.isEmpty()) return "must not be empty";
        if (v.startsWith("/")) return "must be relative to the release directory";
        return pathChars(v);
    }

    private static String pathChars(String v) {
        for (char c : v.toCharArray()) {
            if (c < 0x20 || c == 0x7f) return "must not contain control characters";
        }
        for (String part : v.split("/")) {
            if (part.equals("..")) return "must not contain '..'";
        }
        return null;
    }

    static String user(String v) {
        return USER.matcher(v).matches() ? null
                : "'" + v + "' is not a valid user name (lower-case letters, digits, '_', '.' and '-', at most 32 characters)";
    }

    static String command(String v) {
        if (v.isBlank()) return "must not be empty";
        if (v.contains("\n")) return "must be one line (chain commands with &&)";
        return null;
    }

    /** A path on the machine running djdeploy: absolute, or ~/ for the home directory. */
    static String localPath(String v) {
        if (!v.startsWith("/") && !v.startsWith("~/")) return "must be an absolute path or start with ~/";
        return pathChars(v);
    }

    static String url(String v) {
        try {
            // {host} is replaced by each host's address when the check runs
            URI u = new URI(v.replace("{host}", "host.invalid"));
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) return "must be an http:// or https:// URL";
            if (u.getHost() == null) return "must name a host, e.g. http://127.0.0.1:8000/healthz/";
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }

    /** A command template for one color; it must name the color somewhere. */
    static String colorCommand(String v) {
        String e = command(v);
        if (e != null) return e;
        return v.contains("{color}") ? null : "must contain {color} (blue or green), e.g. systemctl start {app}-web@{color}";
    }
}
