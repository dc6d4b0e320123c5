package io.djdeploy.release;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one host's first command found (issue 18: one round trip instead of a dozen): the
 * lock's outcome and, when this run got the lock, the reads a run needs before it decides
 * anything (current link, release dirs, which are complete, and for a rollback the ledger,
 * the releases' REVISION files, helpers and manifests, the env file, the applied migrations).
 * The host prints each part after a marker line {@code @@NONCE NAME [ARG]}; the nonce is the
 * run's own, so no file's content can pose as a marker.
 *
 * @param sections each part's text by "NAME" or "NAME ARG", in the order printed
 */
public record HostFacts(Map<String, String> sections) {
    public HostFacts {
        sections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    }

    /** The marker line before a part, as the host prints it (a newline first: the part before may lack its last one). */
    public static String marker(String nonce, String name) {
        return "\n@@" + nonce + " " + name + "\n";
    }

    /**
     * @return the parts, or null when the output does not start with the "start" part (the
     *         host's shell did not run the script)
     */
    public static HostFacts parse(String out, String nonce) {
        String tag = "@@" + nonce + " ";
        Map<String, String> sections = new LinkedHashMap<>();
        String name = null;
        StringBuilder text = new StringBuilder();
        boolean started = false;
        for (String line : (out + "\n").split("\n", -1)) {
            if (line.startsWith(tag)) {
                if (name != null) sections.put(name, strip(text));
                name = line.substring(tag.length()).strip();
                text.setLength(0);
                started |= name.equals("start");
                continue;
            }
            if (name != null) text.append(line).append('\n');
        }
        if (name != null) sections.put(name, strip(text));
        return started ? new HostFacts(sections) : null;
    }

    /** The part's text without the newline the next marker added (and the split's own). */
    private static String strip(StringBuilder text) {
        String s = text.toString();
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);   // the line end the split added back
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);   // the newline the marker starts with
        return s;
    }

    public boolean has(String name) {
        return sections.containsKey(name);
    }

    /** A part's text, null when the host did not print it. */
    public String get(String name) {
        return sections.get(name);
    }

    /** The part whose name starts with {@code name + " "}: its argument (e.g. "lock 75" gives "75"), or null. */
    public String arg(String name) {
        for (String k : sections.keySet()) if (k.startsWith(name + " ")) return k.substring(name.length() + 1);
        return null;
    }

    /** The text of the part "NAME ARG" whose argument {@link #arg} returns. */
    public String withArg(String name) {
        String a = arg(name);
        return a == null ? null : sections.get(name + " " + a);
    }

    /** Every "NAME ID" part, by ID (e.g. each release's manifest). */
    public Map<String, String> each(String name) {
        Map<String, String> out = new TreeMap<>();
        sections.forEach((k, v) -> {
            if (k.startsWith(name + " ")) out.put(k.substring(name.length() + 1), v);
        });
        return out;
    }

    /** The lock command's exit status (0: this run holds the lock), or -1 when it did not report. */
    public int lockExit() {
        String a = arg("lock");
        try {
            return a == null ? -1 : Integer.parseInt(a);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
