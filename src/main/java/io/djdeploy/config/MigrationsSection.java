package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** {@code migrations}: the gate policy, an optional backup before migrating, PostgreSQL timeouts. */
final class MigrationsSection implements Section<MigrationsConfig> {
    static final Key<MigrationsConfig.Policy> POLICY = Key.oneOf("policy", MigrationsConfig.Policy.class, MigrationsConfig.Policy.GATE);
    static final Key<MigrationsConfig.Backup> BACKUP = Key.section("backup", new BackupSection());
    static final Key<Duration> LOCK_TIMEOUT = Key.of("lock_timeout", Types.durationOrOff(), MigrationsConfig.DEFAULT_LOCK_TIMEOUT);
    static final Key<Duration> STATEMENT_TIMEOUT = Key.duration("statement_timeout", null);

    @Override
    public List<Key<?>> keys() {
        return List.of(POLICY, BACKUP, LOCK_TIMEOUT, STATEMENT_TIMEOUT);
    }

    @Override
    public MigrationsConfig read(Values v) {
        MigrationsConfig.Backup backup = v.get(BACKUP);
        return new MigrationsConfig(v.get(POLICY), backup, v.get(LOCK_TIMEOUT), v.get(STATEMENT_TIMEOUT));
    }

    /** {@code migrations.backup}: a preset or the user's own command, exactly one. */
    static final class BackupSection implements Section<MigrationsConfig.Backup> {
        static final Key<String> PRESET = Key.text("preset", null, v -> v.equals("postgresql") || v.equals("mariadb") || v.equals("sqlite") ? null
                : "must be postgresql, mariadb or sqlite (or use command: for your own)");
        static final Key<String> COMMAND = Key.text("command", null, Rules::command);

        @Override
        public List<Key<?>> keys() {
            return List.of(PRESET, COMMAND);
        }

        @Override
        public MigrationsConfig.Backup read(Values v) {
            String preset = v.get(PRESET);
            String command = v.get(COMMAND);
            if (v.has(PRESET) && v.has(COMMAND)) {
                v.errorHere("sets both preset and command: keep one (a preset, or your own command)");
            } else if (!v.has(PRESET) && !v.has(COMMAND)) {
                v.errorHere("needs exactly one of preset (postgresql, mariadb, sqlite) or command");
            }
            return new MigrationsConfig.Backup(preset, command);
        }

        @Override
        public MigrationsConfig.Backup absent(Values v) {
            return null;
        }
    }
}
