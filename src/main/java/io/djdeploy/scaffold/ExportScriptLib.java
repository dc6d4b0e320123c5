package io.djdeploy.scaffold;

import io.djdeploy.template.TextTemplates;

import java.util.Map;

/**
 * The fixed part of an exported release script: bash functions that only read the settings
 * block above them (no config value is in this text), from template export/lib.sh
 * (docs/templates.md). {@link ExportScript} writes the settings, the functions that embed
 * commands from the config, and the steps.
 */
final class ExportScriptLib {
    private ExportScriptLib() {}

    static String text(TextTemplates t) {
        return t.render("export/lib.sh", Map.of());
    }
}
