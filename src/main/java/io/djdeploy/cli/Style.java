package io.djdeploy.cli;

import java.util.Map;

/** ANSI colors when wanted (--color, NO_COLOR, FORCE_COLOR, a terminal), plain text otherwise. */
public record Style(boolean color) {
    /** --color auto with this process's environment and terminal: for output before the options are parsed. */
    public static Style detect() {
        return of(OutputMixin.Color.auto, System.getenv(), System.console() != null);
    }

    /**
     * The flag wins; with auto, FORCE_COLOR (set, not "0") turns colors on even in a pipe (CI
     * logs render them), NO_COLOR (set, not empty: no-color.org) turns them off, else a terminal decides.
     */
    static Style of(OutputMixin.Color flag, Map<String, String> env, boolean terminal) {
        return switch (flag) {
            case always -> new Style(true);
            case never -> new Style(false);
            case auto -> {
                String force = env.get("FORCE_COLOR");
                String no = env.get("NO_COLOR");
                if (force != null && !force.equals("0")) yield new Style(true);
                if (no != null && !no.isEmpty()) yield new Style(false);
                yield new Style(terminal);
            }
        };
    }

    public String red(String s) { return wrap("31", s); }
    public String green(String s) { return wrap("32", s); }
    public String yellow(String s) { return wrap("33", s); }
    public String bold(String s) { return wrap("1", s); }

    private String wrap(String code, String s) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
