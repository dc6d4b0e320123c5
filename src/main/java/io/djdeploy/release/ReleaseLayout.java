package io.djdeploy.release;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where things live under deploy_to on a host (design: "On the host"). Pure path logic: no I/O.
 *
 * <pre>
 *   current -> releases/20261123194512
 *   releases/&lt;id&gt;/          code at one commit, REVISION, .venv/
 *   shared/                   survives releases
 *   repo/                     bare git mirror
 *   .djdeploy/history.jsonl   ledger
 *   .djdeploy/lock/           present only while someone deploys
 * </pre>
 */
public record ReleaseLayout(String deployTo, boolean containers) {
    public static final Pattern RELEASE_ID = Pattern.compile("\\d{14}");
    private static final DateTimeFormatter ID_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    // strict: 20260231000000 is no date (the default resolver would quietly read Feb 28)
    private static final DateTimeFormatter ID_PARSE = DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    /** A release directory with its own venv (runtime virtualenv). */
    public ReleaseLayout(String deployTo) {
        this(deployTo, false);
    }

    /** The layout of an environment's hosts: {@code runtime: container} releases have no venv on the host. */
    public static ReleaseLayout of(io.djdeploy.config.EnvironmentConfig env) {
        return new ReleaseLayout(env.deployTo(), env.containers());
    }

    public String current() {
        return deployTo + "/current";
    }

    /** Built next to current, then renamed over it: rename(2) is atomic, `ln -sfn` is not. */
    public String currentTmp() {
        return deployTo + "/current.tmp";
    }

    public String releases() {
        return deployTo + "/releases";
    }

    public String release(String id) {
        requireId(id);
        return releases() + "/" + id;
    }

    /** The symlink target stored in current: relative, so the tree can be moved or bind-mounted. */
    public static String currentTarget(String id) {
        requireId(id);
        return "releases/" + id;
    }

    public String shared() {
        return deployTo + "/shared";
    }

    /** Present while maintenance is on: nginx answers 503 with this page (docs/maintenance.md). */
    public String maintenancePage() {
        return shared() + "/maintenance.html";
    }

    /** Hashed static files of every kept release, hard-linked (docs/web.md, "Old assets"). */
    public String staticArchive() {
        return shared() + "/static-archive";
    }

    public String repo() {
        return deployTo + "/repo";
    }

    public String meta() {
        return deployTo + "/.djdeploy";
    }

    public String ledger() {
        return meta() + "/history.jsonl";
    }

    public String lock() {
        return meta() + "/lock";
    }

    public String lockInfo() {
        return lock() + "/info.json";
    }

    public String venv(String id) {
        return release(id) + "/.venv";
    }

    public String venvPython(String id) {
        return venv(id) + "/bin/python";
    }

    /** Holds the hash of what built the venv; its presence means the venv is complete. */
    public String venvStamp(String id) {
        return venv(id) + "/.djdeploy-venv";
    }

    /**
     * The interpreter that runs the helper's host-side commands (the health check): the
     * release's venv, or for a container release, which has no venv on the host, the host's
     * python3 (the health check needs nothing but the standard library).
     */
    public String helperPython(String id) {
        return containers ? "python3" : venvPython(id);
    }

    public String helper(String id) {
        return release(id) + "/.djdeploy/helper.py";
    }

    /** Written last in PREPARE: a release without it is incomplete and never a rollback target. */
    public String revision(String id) {
        return release(id) + "/REVISION";
    }

    public static String newId(Instant now) {
        return ID_FORMAT.format(now);
    }

    public static Instant idTime(String id) {
        requireId(id);
        return java.time.LocalDateTime.parse(id, ID_PARSE).toInstant(ZoneOffset.UTC);
    }

    /** 14 digits that are a real UTC time: 20261399999999 is junk someone left in releases/, not a release. */
    public static boolean isId(String id) {
        if (id == null || !RELEASE_ID.matcher(id).matches()) return false;
        try {
            java.time.LocalDateTime.parse(id, ID_PARSE);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** A fresh id later than every existing one, even when clocks or fast retries collide. */
    public static String nextId(Instant now, java.util.Collection<String> existing) {
        // ids have whole seconds: 12:00:05.8 must count as taken by an existing 120005
        Instant t = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (String e : existing) {
            if (!isId(e)) continue;
            Instant et = idTime(e);
            if (!t.isAfter(et)) t = et.plusSeconds(1);
        }
        return newId(t);
    }

    public static void requireId(String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("not a release id (14 digits, UTC yyyyMMddHHmmss): " + id);
        }
    }

    /** Extracts the release id from a readlink of current, or null. */
    public static String idFromTarget(String target) {
        if (target == null) return null;
        String t = target.strip();
        int slash = t.lastIndexOf('/');
        String id = slash >= 0 ? t.substring(slash + 1) : t;
        return isId(id) ? id : null;
    }
}
