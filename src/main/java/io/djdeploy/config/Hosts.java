package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An environment's {@code hosts}: each item a {@link HostSection}, then the rules across hosts
 * (no host twice, exactly one migrate host, at most one beat host), checked only when every
 * host read cleanly so that one typo does not also report a missing role.
 */
final class Hosts implements Type<List<HostConfig>> {
    @Override
    public List<HostConfig> read(Reading r, Located at, List<HostConfig> dflt) {
        String path = at.path();
        if (!(at.node() instanceof SequenceNode seq)) {
            r.error(at.node(), path, "expected a list of hosts, got " + Reading.kind(at.node()));
            return dflt;
        }
        if (seq.getValue().isEmpty()) {
            r.error(seq, path, "must list at least one host");
            return dflt;
        }
        HostSection section = new HostSection(seq.getValue().size() == 1);
        List<HostConfig> hosts = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, String> written = new LinkedHashMap<>();
        int migrate = 0;
        int beat = 0;
        int errorsBefore = r.errors.size();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            String hp = path + "[" + i + "]";
            MappingNode m = r.mapping(n, hp);
            if (m == null) continue;
            HostConfig h = section.read(new Values(r, new Layers(List.of(r.entries(m, hp, section.keyNames()))), new Located(m, hp)));
            if (h.hasRole(HostConfig.MIGRATE)) migrate++;
            if (h.hasRole(HostConfig.BEAT)) beat++;
            if (h.host() != null) {
                String id = HostSection.identity(h);
                Integer prev = seen.putIfAbsent(id, i);
                String prevHost = written.putIfAbsent(id, h.host());
                if (prev != null) r.error(n, hp + ".host", "duplicate host " + h.host() + " (also " + path + "[" + prev + "]"
                        + (h.host().equals(prevHost) ? "" : ", written " + prevHost + "; host names ignore case") + ")");
            }
            hosts.add(h);
        }
        if (r.errors.size() == errorsBefore) {
            if (migrate == 0) r.error(seq, path, "no host has the role migrate: exactly one host must run migrations");
            if (migrate > 1) r.error(seq, path, migrate + " hosts have the role migrate: exactly one host may run migrations");
            if (beat > 1) r.error(seq, path, beat + " hosts have the role beat: Celery beat may run on one host only");
        }
        return List.copyOf(hosts);
    }

    @Override
    public Section<?> items() {
        return new HostSection(false);
    }
}
