package io.djdeploy.step;

import io.djdeploy.config.EnvironmentConfig;

import java.time.Instant;
import java.util.UUID;

/**
 * What every host shares in one run. Only the runner's main thread sets the mutable parts,
 * and only between phases (a barrier), so hosts never race on it.
 */
public final class RunContext {
    private final EnvironmentConfig env;
    private final String command;
    private volatile String ref;
    private final Identity who;
    private final String runId = UUID.randomUUID().toString();
    private final Instant started;
    private final byte[] helper;
    private final boolean planOnly;
    private volatile String releaseId;
    private volatile String sha;
    private volatile io.djdeploy.release.MigrationPlan migrationPlan;
    private volatile java.util.List<io.djdeploy.release.LedgerEntry.MigrationEntry> manifest;
    private volatile java.util.Set<String> approvedMigrations = java.util.Set.of();

    private final Redactor redactor;

    public RunContext(EnvironmentConfig env, String command, String ref, Identity who, Instant started, byte[] helper, boolean planOnly,
                      Redactor redactor) {
        this.redactor = redactor;
        this.env = env;
        this.command = command;
        this.ref = ref;
        this.who = who;
        this.started = started;
        this.helper = helper;
        this.planOnly = planOnly;
    }

    public EnvironmentConfig env() { return env; }
    /** Secrets found during the run (the env file's values) are added here. */
    public Redactor redactor() { return redactor; }
    public String command() { return command; }
    public String ref() { return ref; }
    public Identity who() { return who; }
    public String runId() { return runId; }
    public Instant started() { return started; }
    public byte[] helper() { return helper; }
    public boolean planOnly() { return planOnly; }
    public String releaseId() { return releaseId; }
    public String sha() { return sha; }

    /** Set by the GATE analysis on the migrate host (the only writer), read after the barrier. */
    public io.djdeploy.release.MigrationPlan migrationPlan() { return migrationPlan; }
    public void migrationPlan(io.djdeploy.release.MigrationPlan p) { this.migrationPlan = p; }
    public java.util.List<io.djdeploy.release.LedgerEntry.MigrationEntry> manifest() { return manifest; }
    public void manifest(java.util.List<io.djdeploy.release.LedgerEntry.MigrationEntry> m) { this.manifest = m; }
    /** app.name ids approved with --approve-migrations; "*" approves all. */
    public java.util.Set<String> approvedMigrations() { return approvedMigrations; }
    public void approvedMigrations(java.util.Set<String> ids) { this.approvedMigrations = java.util.Set.copyOf(ids); }

    private volatile String note;
    private volatile byte[] codeArchive;

    /** git.mode upload: the release tree built on this machine (a gzip'd tar), set once between PREFLIGHT and PREPARE. */
    public byte[] codeArchive() { return codeArchive; }
    public void codeArchive(byte[] archive) { this.codeArchive = archive; }

    /** A remark for the ledger entry of this run (e.g. a forced rollback). */
    public String note() { return note; }
    public void note(String n) { this.note = n; }

    private volatile String outcome;

    /** The ledger outcome of a run that succeeded in a particular way (a rollback that migrated back); null: the default. */
    public String outcome() { return outcome; }
    public void outcome(String o) { this.outcome = o; }

    /** The deploying machine, where a container release's image is built by default (tests give a fake). */
    private volatile io.djdeploy.remote.Transport thisMachine;

    public io.djdeploy.remote.Transport thisMachine() {
        io.djdeploy.remote.Transport t = thisMachine;
        return t != null ? t : new io.djdeploy.remote.LocalTransport("localhost");
    }

    public void thisMachine(io.djdeploy.remote.Transport t) { this.thisMachine = t; }

    public void releaseId(String id) { this.releaseId = id; }
    public void sha(String s) { this.sha = s; }
    public void ref(String r) { this.ref = r; }
}
