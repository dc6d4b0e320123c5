package io.djdeploy.cli;

import io.djdeploy.pipeline.RunResult;

/**
 * Every exit code djdeploy uses, with its meaning: the one definition of the table in the
 * README (ExitCodeTest fails when they differ). Never renumber one; new ones are only added.
 */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected error (a bug: run again with `--stacktrace` and report it)"),
    USAGE(2, "bad command line: unknown option, missing or invalid argument (e.g. a ref with `;`), or `init` would overwrite existing files (nothing written)"),
    CONFIG(3, "invalid configuration; every problem is listed as `file:line: key.path: message`"),
    LOCKED(4, "another deploy holds the lock; nothing changed"),
    CONNECT(5, "a host could not be reached; nothing changed"),
    DEPLOY_FAILED(6, "a step failed before the switch; every host still serves its previous release"),
    ROLLED_BACK(7, "a step failed at or after the switch; switched hosts went back to their previous release"),
    ROLLBACK_FAILED(8, "going back failed too; a host needs attention (see the output and the ledger)"),
    NO_TARGET(9, "nothing to roll back to, or the requested release is not a complete release on every host; `report`: no deploy or rollback of that release (or none at all) in the ledger"),
    MIGRATIONS_REVIEW(10, "the migration gate stopped the deploy after PREPARE (nothing changed; approve with `--approve-migrations`), or `migrations` found review-class operations"),
    UNHEALTHY(11, "`status`: a host is unreachable, not serving a release, failing its health check, or locked"),
    PREREQUISITES(12, "`demo`: missing system packages (the exact install command is printed)"),
    ANALYSIS_FAILED(13, "`migrations`: the analysis could not run (Django failed to load, database unreachable, conflicting migrations)"),
    SCHEMA_MISMATCH(14, "`rollback`: the database holds migrations the target's code does not understand; nothing changed (`--migrate-back` or `--ignore-schema`)"),
    CHECKS_FAILED(15, "`check`: at least one check failed; each failure names its check id and a fix"),
    INTERRUPTED(130, "interrupted (Ctrl-C / SIGTERM); cleaned up like a failure");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** How a deploy, rollback or check that ran to its end exits. */
    public static ExitCode of(RunResult r) {
        return switch (r.result()) {
            case SUCCESS, NOTHING_TO_DO -> OK;
            case CONNECT_FAILED -> CONNECT;
            case LOCKED -> LOCKED;
            case FAILED -> DEPLOY_FAILED;
            case ROLLED_BACK -> ROLLED_BACK;
            case ROLLBACK_FAILED -> ROLLBACK_FAILED;
            case INTERRUPTED -> INTERRUPTED;
            case NO_TARGET -> NO_TARGET;
            case GATED -> MIGRATIONS_REVIEW;
            case SCHEMA_BLOCKED -> SCHEMA_MISMATCH;
            case CHECKS_FAILED -> CHECKS_FAILED;
        };
    }
}
