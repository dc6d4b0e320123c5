package io.djdeploy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An environment's hooks, in the order written, and the project directory local hooks run in
 * (the directory of deploy.yml). Per point, an environment's own hooks replace the top level's;
 * points the environment does not name keep the top level's.
 */
public record HooksConfig(Path projectDir, List<HookConfig> all) {
    public static final HooksConfig NONE = new HooksConfig(Path.of("."), List.of());

    public HooksConfig {
        all = List.copyOf(all);
    }

    public List<HookConfig> at(HookConfig.Point point) {
        return all.stream().filter(h -> h.at() == point).toList();
    }

    /** The environment's hooks for a point when it names any, else the top level's. */
    static HooksConfig merge(Path projectDir, List<HookConfig> top, List<HookConfig> own) {
        List<HookConfig> out = new ArrayList<>();
        for (HookConfig.Point p : HookConfig.Point.values()) {
            List<HookConfig> mine = own.stream().filter(h -> h.at() == p).toList();
            out.addAll(mine.isEmpty() ? top.stream().filter(h -> h.at() == p).toList() : mine);
        }
        return new HooksConfig(projectDir, out);
    }
}
