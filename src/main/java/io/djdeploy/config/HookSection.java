package io.djdeploy.config;

import java.time.Duration;
import java.util.List;

/** One item of {@code hooks}: where it runs, what, on which hosts, for how long, and what its failure means. */
final class HookSection implements Section<HookConfig> {
    static final Key<String> AT = Key.text("at", null, v -> HookConfig.Point.of(v) != null ? null
            : "must be one of " + HookConfig.Point.labels() + ", got '" + v + "'").required();
    static final Key<String> COMMAND = Key.text("command", null, Rules::command).required();
    static final Key<List<String>> ROLES = Key.list("roles", List.of(), v -> Rules.ROLE.matcher(v).matches() ? null
            : "'" + v + "' is not a role name (lower-case letters, digits, '_' and '-')").documented("none (every host)");
    static final Key<Boolean> ONCE = Key.bool("once", false);
    static final Key<Duration> TIMEOUT = Key.duration("timeout", Duration.ofMinutes(10));
    static final Key<HookConfig.OnError> ON_ERROR = Key.oneOf("on_error", HookConfig.OnError.class, HookConfig.OnError.ROLLBACK);
    static final Key<List<String>> UPLOAD = Key.list("upload", List.of(), Rules::relativePath).documented("none");

    @Override
    public List<Key<?>> keys() {
        return List.of(AT, COMMAND, ROLES, ONCE, TIMEOUT, ON_ERROR, UPLOAD);
    }

    @Override
    public HookConfig read(Values v) {
        if (!v.has(AT)) v.missing(AT, "is required: one of " + HookConfig.Point.labels());
        if (!v.has(COMMAND)) v.missing(COMMAND, "is required: the shell command to run");
        String at = v.get(AT);
        HookConfig.Point point = at == null ? null : HookConfig.Point.of(at);
        if (point != null) {
            boolean local = point == HookConfig.Point.LOCAL;
            if (v.has(ROLES) && v.has(ONCE) && v.get(ONCE)) v.error(ONCE, "choose roles or once, not both");
            if (local && v.has(ROLES)) v.error(ROLES, "a local hook runs on the deploying machine: it has no roles");
            if (local && v.has(ONCE)) v.error(ONCE, "a local hook runs once, on the deploying machine");
            if (!local && v.has(UPLOAD)) v.error(UPLOAD, "only local hooks upload files (at: local)");
            if (point != HookConfig.Point.AFTER_SWITCH && v.has(ON_ERROR)) {
                v.error(ON_ERROR, "only after_switch hooks have on_error: a hook before the switch always stops the deploy, "
                        + "after_rollback and on_failure hooks only warn");
            }
        }
        if (v.has(TIMEOUT) && v.get(TIMEOUT).isZero()) v.error(TIMEOUT, "must be longer than 0s");
        return new HookConfig(point, v.get(COMMAND), v.get(ROLES), v.get(ONCE), v.get(TIMEOUT), v.get(ON_ERROR), v.get(UPLOAD));
    }
}
