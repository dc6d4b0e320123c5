package io.djdeploy.release;

import io.djdeploy.remote.Command;
import io.djdeploy.remote.CommandResult;
import io.djdeploy.remote.Transport;
import io.djdeploy.remote.TransportException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.djdeploy.remote.Shell;

/** Release-layout operations on one host: lock, current link, releases, ledger, cleanup. */
public final class HostOps {
    /** Exit status the lock command uses for "someone else holds it" (EX_TEMPFAIL). */
    public static final int LOCK_HELD = 75;

    private final Transport transport;
    private final ReleaseLayout layout;
    private final Set<String> warned = new java.util.HashSet<>();
    private final List<String> pending = new ArrayList<>();

    public HostOps(Transport transport, ReleaseLayout layout) {
        this.transport = transport;
        this.layout = layout;
    }

    public ReleaseLayout layout() {
        return layout;
    }

    public Transport transport() {
        return transport;
    }

    // ---- lock ----

    /**
     * The info is written into a temp dir that is then renamed to {@code lock}: rename(2) is
     * atomic, so exactly one of two concurrent deploys gets the lock, and a lock never exists
     * without its info (on a full disk the write fails before anything is locked; an empty
     * {@code lock} would refuse every later deploy as "locked by unknown user"). Our lock dir is
     * never empty, so {@code mv -T} onto one that exists fails; an empty one left by an older
     * version is still reported as held, never taken over.
     */
    public Command lockCommand(LockInfo info) {
        Shell.Var tmp = Shell.var("lock_tmp");
        Command ifHeld = Command.ifThen(Command.of("test", "-d", layout.lock()),
                Command.of("cat", layout.lockInfo()).quiet().andAlso(Command.exit(LOCK_HELD)));
        // $$: the shell's pid, so concurrent deploys never share a temp dir
        Command name = Command.assign("lock_tmp", Command.of("printf", "%s", Shell.var("$").around(layout.meta() + "/lock.tmp.", "")));
        // tee rather than `cat > file`: the same bytes and exit status, with the path a shell variable
        Command writeInfo = Command.of("tee", tmp.around("", "/info.json")).writeTo("/dev/null")
                .orElse(Command.of("rm", "-rf", tmp).andAlso(Command.fail("cannot write the lock info in " + layout.meta() + " (disk full?)", 1)));
        Command move = Command.assign("lock_err", Command.of("mv", "-T", tmp, layout.lock()).mergeStderr())
                .orElse(Command.of("rm", "-rf", tmp).andAlso(ifHeld)
                        .andAlso(Command.of("printf", "%s\\n", Shell.var("lock_err")).toStderr()).andAlso(Command.exit(1)));
        return Command.of("mkdir", "-p", layout.meta()).then(name).then(ifHeld)
                .then(Command.of("rm", "-rf", tmp)).then(Command.of("mkdir", tmp)).then(writeInfo).then(move)
                .withStdin(Json.line(info) + "\n");
    }

    /** @return null when acquired, else the holder (possibly with unknown details) */
    public LockInfo acquire(LockInfo info) throws TransportException, InterruptedException, HostOpException {
        return lockOutcome(transport.run(lockCommand(info)));
    }

    /** What the lock command's result means: null when acquired, else the holder; an error throws. */
    public LockInfo lockOutcome(CommandResult r) throws HostOpException {
        if (r.ok()) return null;
        if (r.exitCode() == LOCK_HELD) return parseLock(r.out());
        throw new HostOpException("cannot create the lock " + layout.lock() + ": " + lastLine(r), r);
    }

    public LockInfo readLock() throws TransportException, InterruptedException {
        CommandResult r = transport.run(Command.ifThen(Command.of("test", "-d", layout.lock()),
                Command.echo("LOCKED").andAlso(Command.of("cat", layout.lockInfo()).quiet())).andAlso(Command.sh("true")));
        String out = r.out();
        if (!out.startsWith("LOCKED")) return null;
        return parseLock(out.substring("LOCKED".length()).strip());
    }

    private static LockInfo parseLock(String text) {
        try {
            return text.isBlank() ? new LockInfo(null, null, null, null, null, null, null) : Json.read(text, LockInfo.class);
        } catch (IllegalArgumentException e) {
            return new LockInfo(null, null, null, null, null, null, null);
        }
    }

    /** Removes the lock only if this run holds it (its run id is in the info file). */
    public Command unlockCommand(String runId) {
        return Command.ifThen(Command.of("grep", "-q", "-F", "--", runId, layout.lockInfo()).quiet(),
                Command.of("rm", "-rf", "--", layout.lock()));
    }

    public void release(String runId) throws TransportException, InterruptedException {
        transport.run(unlockCommand(runId));
    }

    public void forceUnlock() throws TransportException, InterruptedException, HostOpException {
        check(Command.of("rm", "-rf", "--", layout.lock()));
    }

    // ---- current and releases ----

    /** Prints current's target (nothing when there is none yet). */
    public Command currentCommand() {
        return Command.of("readlink", layout.current()).orTrue();
    }

    public String currentRelease() throws TransportException, InterruptedException {
        CommandResult r = transport.run(currentCommand());
        return ReleaseLayout.idFromTarget(r.out());
    }

    /** ln to a temp name, then rename over current: never a moment without a valid current. */
    public Command switchCommand(String id) {
        return Command.swapLink(layout.deployTo(), ReleaseLayout.currentTarget(id), "current");
    }

    public void switchTo(String id) throws TransportException, InterruptedException, HostOpException {
        check(switchCommand(id));
    }

    /**
     * Puts djdeploy's helper into a release that lacks it (one made by an exported script):
     * health checks run it from the release they check.
     */
    public void ensureHelper(String id, byte[] helper) throws TransportException, InterruptedException {
        String path = layout.helper(id);
        CommandResult r = transport.run(Command.ifElse(Command.of("test", "-f", path), Command.echo("present"),
                Command.of("mkdir", "-p", layout.release(id) + "/.djdeploy")));
        if (!r.out().contains("present")) transport.upload(helper, path, 0644);
    }

    /** Every release directory, oldest first. */
    public List<String> releases() throws TransportException, InterruptedException {
        return ids(transport.run(releasesCommand()).out());
    }

    /** Release ids among the lines a listing printed (as {@link #releases} reads them, warning about junk). */
    public List<String> releaseIds(String listing) {
        return ids(listing == null ? "" : listing.strip());
    }

    /** Lists the release directories (nothing when there are none yet). */
    public Command releasesCommand() {
        return Command.of("ls", "-1", layout.releases()).quiet().orTrue();
    }

    /** Releases whose PREPARE finished (REVISION written last), oldest first. */
    public List<String> completeReleases() throws TransportException, InterruptedException {
        return ids(transport.run(completeReleasesCommand()).out());
    }

    /** Lists the releases that have a REVISION file. */
    public Command completeReleasesCommand() {
        return Command.sh("for d in *; do [ -f \"$d/REVISION\" ] && echo \"$d\"; done; true").in(layout.releases()).quiet();
    }

    /**
     * Release ids among directory entries. Anything else (a 14-digit name that is no time stamp,
     * someone's backup dir) is ignored with a warning: junk must never stop a deploy or rollback.
     */
    private List<String> ids(String out) {
        TreeSet<String> s = new TreeSet<>();
        for (String line : out.split("\n")) {
            String id = line.strip();
            if (id.isEmpty()) continue;
            if (ReleaseLayout.isId(id)) s.add(id);
            else warn(layout.releases() + "/" + id + " is not a release (id: UTC yyyyMMddHHmmss): ignored");
        }
        return new ArrayList<>(s);
    }

    public Revision revision(String id) throws TransportException, InterruptedException {
        CommandResult r = transport.run(Command.of("cat", layout.revision(id)).quiet().orTrue());
        return Revision.parse(r.stdout());
    }

    /**
     * Removes an unfinished release. An interrupted run closes its channels, but the host's
     * processes working in the release (a venv being built, pip, collectstatic) keep writing
     * into it, and a plain rm races them ("Directory not empty"): see {@link #REMOVE_UNFINISHED}.
     */
    public Command removeReleaseCommand(String id) {
        return Command.of("set", "--", ereQuote(layout.releases()), id)
                .andAlso(Command.sh("pat=$1; " + REMOVE_UNFINISHED + "rmrel \"$2\"").in(layout.releases()));
    }

    /**
     * A shell function, run in the releases dir with {@code $pat} the dir as an extended regex:
     * {@code rmrel ID} stops every process whose command line names releases/ID, then removes
     * it, retrying for 5 s. The pattern brackets the id's first digit so it never matches the
     * removing shell's own command line (which carries the dir and the id apart).
     */
    private static final String REMOVE_UNFINISHED = "rmrel() { "
            + "pkill -f -- \"$pat/[$(printf %.1s \"$1\")]${1#?}\" 2>/dev/null; i=0; "
            + "until rm -rf -- \"$1\" 2>/dev/null; do i=$((i + 1)); "
            + "if [ \"$i\" -ge 20 ]; then rm -rf -- \"$1\"; return 1; fi; sleep 0.25; done; }; ";

    /** An extended regular expression matching exactly {@code s}. */
    static String ereQuote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (".[]()*+?{}|^$\\".indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    /**
     * Removes leftovers of killed runs (no REVISION) and releases beyond {@code keep}, never
     * {@code release} or {@code previous} (the rollback target), in one command on the host; it
     * says what it removed in lines starting "removed ". The values are the loop's arguments.
     */
    public Command cleanupCommand(int keep, String release, String previous) {
        List<String> args = new ArrayList<>(List.of("set", "--", String.valueOf(keep), ereQuote(layout.releases()), release));
        if (previous != null) args.add(previous);
        return Command.of(args).andAlso(Command.sh(REMOVE_UNFINISHED + CLEANUP_SCRIPT).in(layout.releases()));
    }

    /**
     * As {@link #cleanupCandidates}: the oldest (n - keep) go, unless protected; a leftover of a
     * killed run goes first, with its processes (the killed run's venv build may still write in it).
     */
    private static final String CLEANUP_SCRIPT = "keep=$1; pat=$2; shift 2; "
            + "for id in $(ls -1 | grep -x -E '[0-9]{14}'); do case \" $* \" in *\" $id \"*) continue ;; esac; "
            + "[ -f \"$id/REVISION\" ] && continue; rmrel \"$id\" || exit 1; "
            + "echo \"removed the incomplete release $id (left by an interrupted run)\"; done; "
            + "n=$(ls -1 | grep -c -x -E '[0-9]{14}'); i=0; removed=''; "
            + "for id in $(ls -1 | grep -x -E '[0-9]{14}' | sort); do i=$((i + 1)); [ \"$i\" -le $((n - keep)) ] || break; "
            + "case \" $* \" in *\" $id \"*) continue ;; esac; rm -rf -- \"$id\" || exit 1; removed=\"${removed:+$removed, }$id\"; done; "
            + "[ -z \"$removed\" ] || echo \"removed old releases: $removed\"";

    /** Pure selection: keep the newest {@code keep} plus every protected id. */
    public static List<String> cleanupCandidates(List<String> oldestFirst, int keep, Set<String> protect) {
        List<String> remove = new ArrayList<>();
        int n = oldestFirst.size();
        for (int i = 0; i < n - keep; i++) {
            String id = oldestFirst.get(i);
            if (!protect.contains(id)) remove.add(id);
        }
        return remove;
    }

    // ---- ledger ----

    /**
     * A write killed halfway leaves a last line without its newline: the next entry starts on a
     * line of its own, so only the torn line is lost, never the entry after it.
     */
    public Command appendLedgerCommand(LedgerEntry e) {
        String f = layout.ledger();
        Command newline = Command.of("test", "!", "-s", f).orElse(Command.of("tail", "-c", "1", f).outputIs(""))
                .orElse(Command.of("echo").appendTo(f));
        return Command.of("mkdir", "-p", layout.meta()).then(newline).then(Command.of("cat").appendTo(f))
                .withStdin(Json.line(e) + "\n");
    }

    public void appendLedger(LedgerEntry e) throws TransportException, InterruptedException, HostOpException {
        check(appendLedgerCommand(e));
    }

    /**
     * A run's last line and its lock released in one round trip: the lock is released whether
     * or not the line could be written, and the exit status is the write's.
     */
    public Command appendLedgerAndReleaseCommand(LedgerEntry e, String runId) {
        return appendLedgerCommand(e).grouped().andAlso(Command.sh("rc=$?")).andAlso(unlockCommand(runId))
                .andAlso(Command.sh("exit $rc"));
    }

    /**
     * @throws HostOpException the line was not written (the lock was released all the same)
     * @throws TransportException neither is known to be done
     */
    public void appendLedgerAndRelease(LedgerEntry e, String runId) throws TransportException, InterruptedException, HostOpException {
        CommandResult r = transport.run(appendLedgerAndReleaseCommand(e, runId));
        if (!r.ok()) {
            throw new HostOpException("command failed (exit " + r.exitCode() + "): " + appendLedgerCommand(e).script() + ": " + lastLine(r), r);
        }
    }

    /** Ledger entries, oldest first; a line that does not parse is skipped, not fatal. */
    public List<LedgerEntry> ledger() throws TransportException, InterruptedException {
        return ledgerEntries(transport.run(Command.of("cat", layout.ledger()).quiet().orTrue()).stdout());
    }

    /** The entries of the ledger's text, as {@link #ledger} reads them. */
    public List<LedgerEntry> ledgerEntries(String text) {
        List<LedgerEntry> out = new ArrayList<>();
        String[] lines = (text == null ? "" : text).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            try {
                out.add(Json.read(lines[i], LedgerEntry.class));
            } catch (IllegalArgumentException e) {
                // a torn (killed) write or a foreign line: keep reading the rest
                warn(layout.ledger() + " line " + (i + 1) + " is not a ledger entry (a write cut short?): skipped");
            }
        }
        return out;
    }

    /** What reads found and skipped since the last call (torn ledger lines, junk in releases/), each once. */
    public synchronized List<String> warnings() {
        List<String> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    private synchronized void warn(String message) {
        if (warned.add(message)) pending.add(message);
    }

    private void check(Command c) throws TransportException, InterruptedException, HostOpException {
        CommandResult r = transport.run(c);
        if (!r.ok()) throw new HostOpException("command failed (exit " + r.exitCode() + "): " + c.script() + ": " + lastLine(r), r);
    }

    static String lastLine(CommandResult r) {
        return r.lastLine().orElse("(no output)");
    }
}
