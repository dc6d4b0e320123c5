package io.djdeploy.remote.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OpenSSH known_hosts, strictly: a host whose key is not listed is refused unless the run
 * accepts new keys; a host listed with other keys is always refused. Parsed here rather than
 * with MINA's KnownHostEntry, which skips lines whose key type this JVM cannot decode (ed25519
 * without an EdDSA provider) and so would turn a known host into an unknown one.
 */
final class KnownHosts {
    static final Path GLOBAL = Path.of("/etc/ssh/ssh_known_hosts");
    static final String CERT_AUTHORITY = "@cert-authority";
    private static final Object APPEND_LOCK = new Object();

    /** One host key line that matched the host. */
    record Known(Path file, int line, String marker, String keyType, byte[] blob) {
        String where() {
            return file + ":" + line;
        }

        String describe() {
            return keyType + " " + fingerprint(blob) + " (" + where() + ")";
        }
    }

    /** What to do with a server's key; {@code message} says why when refused, or notes an addition. */
    record Decision(boolean accepted, String message) {
        static Decision accept(String note) {
            return new Decision(true, note);
        }

        static Decision refuse(String message) {
            return new Decision(false, message);
        }
    }

    private final Path file;
    private final List<Path> readOnly;
    private final boolean acceptNew;

    /** {@code file} is read and appended to; {@code readOnly} files (e.g. /etc/ssh/ssh_known_hosts) are only read. */
    KnownHosts(Path file, List<Path> readOnly, boolean acceptNew) {
        this.file = file;
        this.readOnly = List.copyOf(readOnly);
        this.acceptNew = acceptNew;
    }

    /**
     * The user's file (ssh.known_hosts, else ~/.ssh/known_hosts) and, read-only, the system-wide
     * one: as with ssh's UserKnownHostsFile, naming a file replaces only the user's, so the
     * system's keys and its {@code @revoked} lines still count.
     */
    static KnownHosts of(SshOptions options, Path global) {
        Path user = options.resolvedKnownHosts();
        boolean readGlobal = Files.isRegularFile(global) && !user.toAbsolutePath().normalize().equals(global.toAbsolutePath().normalize());
        return new KnownHosts(user, readGlobal ? List.of(global) : List.of(), options.acceptNewHostKeys());
    }

    Path file() {
        return file;
    }

    /** The decision for {@code key} presented by {@code host} (the resolved host name, as ssh writes it) on {@code port}. */
    Decision check(String host, int port, PublicKey key) throws IOException {
        String type = KeyUtils.getKeyType(key);
        byte[] blob = blob(key);
        String label = host + ":" + port;
        String presented = type + " " + fingerprint(blob);
        List<Known> known = lookup(host, port);
        for (Known k : known) {
            if ("@revoked".equals(k.marker()) && Arrays.equals(k.blob(), blob)) {
                return Decision.refuse("host key for " + label + " (" + presented + ") is marked @revoked in " + k.where()
                        + "; refusing to connect");
            }
        }
        List<Known> plain = known.stream().filter(k -> k.marker() == null).toList();
        for (Known k : plain) {
            if (k.keyType().equals(type) && Arrays.equals(k.blob(), blob)) return Decision.accept(null);
        }
        List<Known> authorities = known.stream().filter(k -> CERT_AUTHORITY.equals(k.marker())).toList();
        if (plain.isEmpty() && !authorities.isEmpty()) {
            // the operator trusts this host through a CA: neither ignore that nor trust a plain key on first use
            return Decision.refuse("host " + label + " is trusted only through " + CERT_AUTHORITY + " in "
                    + authorities.stream().map(Known::where).collect(Collectors.joining(", "))
                    + ", and djdeploy does not support host certificates; refusing to connect. List the host's own key"
                    + " (check its fingerprint, " + presented + ", out of band): " + keyscan(host, port, type) + " >> "
                    + shellWord(file.toString()));
        }
        if (!plain.isEmpty()) {
            boolean sameType = plain.stream().anyMatch(k -> k.keyType().equals(type));
            String listed = plain.stream().map(Known::describe).collect(Collectors.joining(", "));
            return Decision.refuse((sameType ? "HOST KEY CHANGED for " : "HOST KEY MISMATCH for ") + label
                    + ": the server presented " + presented + " but known_hosts has " + listed
                    + "; refusing to connect (this can be a man-in-the-middle attack). If the host was rebuilt, "
                    + "check the new key out of band, then remove the old entry: ssh-keygen -R "
                    + shellWord(hostPattern(host, port)) + " -f " + shellWord(plain.get(0).file().toString())
                    + unusable(plain));
        }
        if (acceptNew) {
            boolean added = append(host, port, type, blob);
            return Decision.accept(added ? "added " + presented + " for " + label + " to " + file : null);
        }
        return Decision.refuse("unknown host key for " + label + ": " + presented + " is not in " + file
                + "; refusing to connect. If that is the host's key, rerun with --accept-new-host-keys, or add it with: "
                + keyscan(host, port, type) + " >> " + shellWord(file.toString()));
    }

    /** Why a listed key cannot have been offered: this JVM cannot use its type (ed25519 without an EdDSA provider). */
    private static String unusable(List<Known> listed) {
        Set<String> usable = SshConnect.signatures(Set.of()).stream().map(f -> SshConnect.keyType(f.getName()))
                .collect(Collectors.toSet());
        Set<String> missing = listed.stream().map(Known::keyType).filter(t -> !usable.contains(t))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (missing.isEmpty() || listed.stream().anyMatch(k -> usable.contains(k.keyType()))) return "";
        return ". Note: this build of djdeploy cannot use " + String.join(", ", missing)
                + " host keys, so the server offered another type; add the host's "
                + String.join(" or ", usable.stream().map(KnownHosts::keyscanType).distinct().sorted().toList())
                + " key to known_hosts";
    }

    /** The key types known_hosts lists for this host, to prefer them in key exchange as OpenSSH does. */
    Set<String> knownTypes(String host, int port) {
        try {
            return lookup(host, port).stream().filter(k -> k.marker() == null).map(Known::keyType)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (IOException e) {
            return Set.of(); // check() will report the unreadable file
        }
    }

    List<Known> lookup(String host, int port) throws IOException {
        List<Known> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        files.add(file);
        files.addAll(readOnly);
        for (Path f : files) {
            if (!Files.isRegularFile(f)) continue;
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot read " + f + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                Known k = parse(f, i + 1, lines.get(i), host, port);
                if (k != null) out.add(k);
            }
        }
        return out;
    }

    /** The entry on this line if it is about host:port; lines we cannot parse are skipped, as ssh does. */
    static Known parse(Path file, int lineNo, String line, String host, int port) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) return null;
        String[] f = t.split("\\s+");
        int i = 0;
        String marker = null;
        if (f[0].startsWith("@")) {
            marker = f[0];
            i = 1;
        }
        if (f.length < i + 3) return null;
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(f[i + 2]);
        } catch (IllegalArgumentException bad) {
            return null;
        }
        if (!hostMatches(f[i], host, port)) return null;
        return new Known(file, lineNo, marker, f[i + 1], blob);
    }

    /**
     * OpenSSH's rules: the name looked up is {@code host} on port 22, {@code [host]:port}
     * otherwise, case-insensitively; patterns are comma-separated, may use {@code *} and
     * {@code ?}, a matching {@code !pattern} vetoes the line; {@code |1|salt|hash} is a hashed
     * name (HMAC-SHA1 keyed with the salt).
     */
    static boolean hostMatches(String patterns, String host, int port) {
        String name = hostPattern(host.toLowerCase(Locale.ROOT), port);
        if (patterns.startsWith("|1|")) return hashedMatches(patterns, name);
        boolean matched = false;
        for (String p : patterns.split(",")) {
            if (p.isEmpty()) continue;
            boolean negated = p.startsWith("!");
            if (negated) p = p.substring(1);
            if (glob(p.toLowerCase(Locale.ROOT), name)) {
                if (negated) return false;
                matched = true;
            }
        }
        return matched;
    }

    private static boolean hashedMatches(String entry, String name) {
        String[] parts = entry.split("\\|");
        if (parts.length != 4) return false;
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Shell-style wildcards: {@code *} any run of characters, {@code ?} one character. */
    static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    /** Appends host's key unless a concurrent run already did; returns whether it wrote. */
    private boolean append(String host, int port, String type, byte[] blob) throws IOException {
        synchronized (APPEND_LOCK) {
            for (Known k : lookup(host, port)) {
                if (k.marker() == null && k.keyType().equals(type) && Arrays.equals(k.blob(), blob)) return false;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            String text = line(host, port, type, blob) + "\n";
            if (Files.exists(file) && Files.size(file) > 0) {
                byte[] existing = Files.readAllBytes(file);
                if (existing[existing.length - 1] != '\n') text = "\n" + text;
            }
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return true;
        }
    }

    /** A known_hosts line as ssh writes it (not hashed). */
    static String line(String host, int port, String keyType, byte[] blob) {
        return hostPattern(host, port) + " " + keyType + " " + Base64.getEncoder().encodeToString(blob);
    }

    static String line(String host, int port, PublicKey key) {
        return line(host, port, KeyUtils.getKeyType(key), blob(key));
    }

    /** {@code host} for port 22, {@code [host]:port} otherwise: how OpenSSH names a host in known_hosts. */
    static String hostPattern(String host, int port) {
        return port == 22 || port <= 0 ? host : "[" + host + "]:" + port;
    }

    /** OpenSSH's SHA256 fingerprint of a public key blob: {@code SHA256:} + unpadded base64. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(PublicKey key) {
        return fingerprint(blob(key));
    }

    /** The SSH wire encoding of a public key (what known_hosts holds in base64). */
    static byte[] blob(PublicKey key) {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putRawPublicKey(key);
        return b.getCompactData();
    }

    /** The command that fetches this kind of key, for copy and paste. */
    static String keyscan(String host, int port, String keyType) {
        StringBuilder sb = new StringBuilder("ssh-keyscan");
        if (port != 22 && port > 0) sb.append(" -p ").append(port);
        return sb.append(" -t ").append(keyscanType(keyType)).append(' ').append(shellWord(host)).toString();
    }

    /** ssh-keyscan's -t name for a key type: ed25519, ecdsa, rsa, ... */
    static String keyscanType(String keyType) {
        if (keyType.startsWith("ecdsa-")) return "ecdsa";
        if (keyType.startsWith("ssh-")) return keyType.substring(4);
        if (keyType.startsWith("sk-ecdsa")) return "ecdsa-sk";
        if (keyType.startsWith("sk-ssh-ed25519")) return "ed25519-sk";
        return keyType;
    }

    private static String shellWord(String s) {
        return io.djdeploy.remote.Shell.quote(s);
    }
}
