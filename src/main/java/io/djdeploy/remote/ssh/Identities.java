package io.djdeploy.remote.ssh;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;

/**
 * Loads private key files before connecting, so that a missing file, a passphrase we do not
 * have or a key type this JVM cannot use is reported as such, not as "authentication failed".
 * Passphrases come from {@value SshOptions#PASSPHRASE_ENV}, else a prompt on an interactive terminal.
 */
final class Identities {
    /** The keys to offer and, for the failure message, what was offered and what was skipped. */
    record Loaded(List<KeyPair> keys, List<String> offered, List<String> skipped) {
    }

    private Identities() {
    }

    /**
     * {@code explicit} files must load (else an exception with the reason), except an encrypted
     * one without a passphrase when an agent may hold it; {@code defaults} (~/.ssh/id_*) that are
     * absent are ignored and those that cannot be used are skipped with a note.
     */
    static Loaded load(List<Path> explicit, List<Path> defaults, String passphrase, boolean agent) throws IOException {
        List<KeyPair> keys = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path p : explicit) {
            try {
                for (KeyPair kp : loadFile(p, passphrase)) {
                    keys.add(kp);
                    offered.add(describe(p, kp));
                }
            } catch (PassphraseMissing e) {
                if (!agent) throw e;
                skipped.add(e.getMessage()); // as ssh does, the agent may hold the decrypted key
            }
        }
        for (Path p : defaults) {
            if (!Files.isRegularFile(p) || explicit.contains(p)) continue;
            try {
                for (KeyPair kp : loadFile(p, passphrase)) {
                    keys.add(kp);
                    offered.add(describe(p, kp));
                }
            } catch (IOException e) {
                skipped.add(e.getMessage());
            }
        }
        return new Loaded(List.copyOf(keys), List.copyOf(offered), List.copyOf(skipped));
    }

    /** Passphrases typed at the prompt, per key file: asked once per run, not once per host. */
    private static final java.util.Map<Path, String> TYPED = new java.util.concurrent.ConcurrentHashMap<>();

    static List<KeyPair> loadFile(Path file, String passphrase) throws IOException {
        if (passphrase == null) passphrase = TYPED.get(file);
        try {
            return loadFileWith(file, passphrase);
        } catch (PassphraseMissing e) {
            String typed = prompt(file);
            if (typed == null) throw e;
            List<KeyPair> keys = loadFileWith(file, typed);
            TYPED.put(file, typed);
            return keys;
        }
    }

    /** On an interactive terminal, asks for the passphrase (hosts connect in parallel: one prompt at a time). */
    private static String prompt(Path file) {
        java.io.Console console = System.console();
        if (console == null) return null;
        synchronized (TYPED) {
            String known = TYPED.get(file);
            if (known != null) return known;
            char[] typed = console.readPassword("Passphrase for %s: ", file);
            return typed == null || typed.length == 0 ? null : new String(typed);
        }
    }

    /**
     * OpenSSH's sshkey_perm_ok: a key file of this user that group or others may access is
     * ignored, with these words. A key others can read is a key others may have copied.
     */
    static void checkPermissions(Path file) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException("identity file " + file + " does not exist", e);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to compare, as ssh on such systems
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions());
        open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
        if (open.isEmpty() || !a.owner().getName().equals(System.getProperty("user.name"))) return;
        throw new IOException("UNPROTECTED PRIVATE KEY FILE! Permissions " + mode(a.permissions()) + " for '" + file
                + "' are too open: it is required that your private key files are NOT accessible by others; this private key"
                + " is ignored (chmod 600 " + io.djdeploy.remote.Shell.quote(file.toString()) + ")");
    }

    /** The octal mode as ls and ssh print it, e.g. 0644. */
    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) m |= 1 << (8 - p.ordinal());
        return String.format("0%03o", m);
    }

    private static List<KeyPair> loadFileWith(Path file, String passphrase) throws IOException {
        checkPermissions(file);
        PassphraseProvider provider = new PassphraseProvider(passphrase);
        List<KeyPair> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, provider);
            if (pairs != null) pairs.forEach(out::add);
        } catch (NoSuchFileException e) {
            throw new IOException("identity file " + file + " does not exist", e);
        } catch (Exception | LinkageError e) {
            if (causedBy(e, PassphraseNeeded.class)) {
                throw new PassphraseMissing("identity file " + file + " is protected by a passphrase: set "
                        + SshOptions.PASSPHRASE_ENV + " (djdeploy prompts only on a terminal), or load the key into ssh-agent", e);
            }
            if (provider.asked && passphrase != null) {
                throw new IOException("cannot decrypt identity file " + file + " with the passphrase from "
                        + SshOptions.PASSPHRASE_ENV + " (wrong passphrase?)", e);
            }
            throw new IOException("cannot use identity file " + file + ": " + reason(e), e);
        }
        if (out.isEmpty()) throw new IOException("identity file " + file + " holds no private key");
        return out;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m != null && (m.contains("ed25519") || m.toLowerCase().contains("eddsa")) && !SecurityUtils.isEDDSACurveSupported()) {
            return "ed25519 keys need Bouncy Castle (bcprov) next to Apache MINA SSHD, and it is not in this build";
        }
        return m != null ? m : e.getClass().getSimpleName();
    }

    static String describe(Path file, KeyPair kp) {
        return file + " (" + KeyUtils.getKeyType(kp.getPublic()) + " " + KnownHosts.fingerprint(kp.getPublic()) + ")";
    }

    /** An encrypted key and no passphrase: the agent may still hold it. */
    static final class PassphraseMissing extends IOException {
        PassphraseMissing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class PassphraseNeeded extends IOException {
        PassphraseNeeded() {
            super("passphrase needed");
        }
    }

    private static final class PassphraseProvider implements FilePasswordProvider {
        private final String passphrase;
        volatile boolean asked;

        PassphraseProvider(String passphrase) {
            this.passphrase = passphrase;
        }

        @Override
        public String getPassword(SessionContext session, NamedResource resourceKey, int retryIndex) throws IOException {
            asked = true;
            if (passphrase == null) throw new PassphraseNeeded();
            return passphrase;
        }
    }
}
