package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** One item of an environment's {@code hosts}. A lone host defaults to roles [web, migrate]. */
final class HostSection implements Section<HostConfig> {
    static final Key<String> HOST = Key.text("host", null, v -> Rules.HOSTNAME.matcher(v).matches() ? null
            : "'" + v + "' is not a valid host name or address (letters, digits, '.' and '-', starting with a letter or digit; or [IPv6])").required();
    static final Key<List<String>> ROLES = Key.list("roles", List.of(), v -> Rules.ROLE.matcher(v).matches() ? null
            : "'" + v + "' is not a valid role name (lower-case letters, digits, - and _, starting with a letter)")
            .documented("`[web, migrate]` when the environment has exactly one host; otherwise required");
    static final Key<String> TRANSPORT = Key.text("transport", "ssh", v -> v.equals("ssh") || v.equals("local") ? null
            : "must be ssh or local, got '" + v + "'");
    static final Key<String> USER = Key.text("user", null, Rules::user).documented("`ssh.user`, else `~/.ssh/config`, else your user name");
    static final Key<Integer> PORT = Key.integer("port", null, 1, 65535).documented("`ssh.port`, else `~/.ssh/config`, else 22");

    /** True when the environment has only this host. */
    private final boolean single;

    HostSection(boolean single) {
        this.single = single;
    }

    @Override
    public List<Key<?>> keys() {
        return List.of(HOST, ROLES, TRANSPORT, USER, PORT);
    }

    @Override
    public HostConfig read(Values v) {
        String host = v.get(HOST);
        if (!v.has(HOST)) v.missing(HOST, "is required");
        String transport = v.get(TRANSPORT);
        String user = v.get(USER);
        Integer port = v.get(PORT);
        List<String> roles;
        if (v.has(ROLES)) {
            roles = v.get(ROLES);
            if (roles.isEmpty() && v.at(ROLES).node() instanceof SequenceNode) v.error(ROLES, "must name at least one role");
            if (new LinkedHashSet<>(roles).size() != roles.size()) v.error(ROLES, "lists a role twice");
        } else if (single) {
            roles = List.of(HostConfig.WEB, HostConfig.MIGRATE);
        } else {
            v.missing(ROLES, "is required when an environment has several hosts (e.g. [web, migrate])");
            roles = List.of();
        }
        return new HostConfig(host, transport, user, port, List.copyOf(roles));
    }

    /** Identifies a host for duplicate checks: DNS names ignore case, so Web1 and web1 are one machine. */
    static String identity(HostConfig h) {
        return h.host().toLowerCase(Locale.ROOT) + ":" + (h.port() == null ? 22 : h.port());
    }
}
