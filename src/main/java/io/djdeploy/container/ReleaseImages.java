package io.djdeploy.container;

import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;
import io.djdeploy.remote.Shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What status, releases and report show of a container release: the image its release
 * directory names in {@code IMAGE} (one line, the pulled reference with its digest, written at
 * pull time) and that image's size in the host's engine. One command lists the complete
 * releases with their images and asks the engine once for all of them ({@code docker image
 * inspect} takes several references), so a view pays no round trip per release.
 */
public final class ReleaseImages {
    private ReleaseImages() {}

    /** The file in each container release directory naming its image: {@code <registry>/<repository>@sha256:...}. */
    public static final String FILE = "IMAGE";

    /** {@code docker image inspect}'s answer per image: its size, then the references with digest it is known by. */
    static final String INSPECT_FORMAT = "size {{.Size}}{{range .RepoDigests}} {{.}}{{end}}";

    /**
     * One release's image.
     *
     * @param repository {@code <registry>/<repository>}
     * @param tag        the release id (a release's image is {@code <repository>:<id>})
     * @param digest     {@code sha256:...}, what the host pulled; null when IMAGE holds no digest
     * @param sizeBytes  the image's size in the host's engine; null when the engine does not have it
     * @param onHost     the engine has it (false: pruned, or no engine answered)
     */
    public record ReleaseImage(String repository, String tag, String digest, Long sizeBytes, boolean onHost) {
        /** {@code <repository>:<tag>}, the name the colors run. */
        public String name() {
            return repository + ":" + tag;
        }

        /** For a terminal: the name, the digest, the size or that the engine lacks it. */
        public String describe() {
            return name() + (digest != null ? "  " + digest : "") + "  " + (onHost ? size(sizeBytes) : "not in the host's engine");
        }
    }

    /** What the listing found: the complete releases (REVISION present) as printed, and the image of each that has one. */
    public record Listing(String complete, Map<String, ReleaseImage> images) {
        public Listing {
            images = Map.copyOf(images);
        }
    }

    /**
     * Prints {@code release ID} for each complete release (its REVISION written), {@code image ID LINE}
     * for those with an IMAGE file, then one {@code size N REF...} line per image the engine has.
     *
     * @param ids the releases to look at, or null for every one
     */
    public static Command listing(ReleaseLayout layout, List<String> ids) {
        String each = ids == null ? "*" : String.join(" ", ids.stream().map(Shell::quote).toList());
        // the references as positional parameters: no word splitting or globbing of a file's text
        return Command.sh("set --; for d in " + each + "; do [ -f \"$d/REVISION\" ] || continue; printf 'release %s\\n' \"$d\"; "
                + "[ -f \"$d/" + FILE + "\" ] || continue; r=$(head -n 1 \"$d/" + FILE + "\"); [ -n \"$r\" ] || continue; "
                + "printf 'image %s %s\\n' \"$d\" \"$r\"; set -- \"$@\" \"$r\"; done; "
                + "[ $# -eq 0 ] || docker image inspect --format " + Shell.quote(INSPECT_FORMAT) + " -- \"$@\" 2>/dev/null; true")
                .in(layout.releases()).quiet().orTrue();
    }

    /** The listing's output read back; lines of other shapes are ignored. */
    public static Listing parse(String stdout) {
        StringBuilder complete = new StringBuilder();
        Map<String, String> lines = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String line : (stdout == null ? "" : stdout).split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[0].equals("release")) complete.append(f[1]).append('\n');
            else if (f.length == 3 && f[0].equals("image")) lines.put(f[1], f[2]);
            else if (f.length >= 2 && f[0].equals("size") && f[1].matches("\\d{1,18}")) {
                for (int i = 2; i < f.length; i++) sizes.put(f[i], Long.parseLong(f[1]));
            }
        }
        Map<String, ReleaseImage> images = new LinkedHashMap<>();
        lines.forEach((id, ref) -> images.put(id, image(id, ref, sizes)));
        return new Listing(complete.toString(), images);
    }

    /** An IMAGE line ({@code repo@digest}, or {@code repo:tag@digest}) with its size from the engine's answer. */
    static ReleaseImage image(String id, String line, Map<String, Long> sizes) {
        int at = line.lastIndexOf('@');
        String name = at < 0 ? line : line.substring(0, at);
        String digest = at < 0 ? null : line.substring(at + 1);
        String tag = id;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        // the engine lists an image by repository@digest, without a tag
        Long size = digest == null ? null : sizes.get(name + "@" + digest);
        return new ReleaseImage(name, tag, digest, size, size != null);
    }

    /** Bytes as docker prints them (powers of 1000): {@code 242 MB}. */
    public static String size(Long bytes) {
        if (bytes == null) return "-";
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (u == 0 || v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    /** {@code sha256:} and the first 12 hex digits, for a table column. */
    public static String shortDigest(String digest) {
        if (digest == null) return "-";
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }

    /** The images of {@code ids} among a listing, in that order (absent ones left out). */
    public static List<ReleaseImage> of(Listing listing, List<String> ids) {
        List<ReleaseImage> out = new ArrayList<>();
        for (String id : ids) if (listing.images().containsKey(id)) out.add(listing.images().get(id));
        return out;
    }
}
