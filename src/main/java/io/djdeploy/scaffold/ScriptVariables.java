package io.djdeploy.scaffold;

import java.util.Map;

/** Run-time values in an exported script: placeholders in a built command become bash variables. */
final class ScriptVariables {
    private ScriptVariables() {}

    /**
     * Placeholders → bash variables where they stand: inside '...' as '"${VAR}"', inside "..."
     * as ${VAR}, elsewhere as "${VAR}".
     */
    static String bind(String text, Map<String, String> vars) {
        StringBuilder b = new StringBuilder();
        char state = 0; // 0: unquoted, '\'' or '"': inside those quotes
        int i = 0;
        outer:
        while (i < text.length()) {
            for (Map.Entry<String, String> v : vars.entrySet()) {
                if (text.startsWith(v.getKey(), i)) {
                    String name = v.getValue();
                    b.append(state == '\'' ? "'\"${" + name + "}\"'" : state == '"' ? "${" + name + "}" : "\"${" + name + "}\"");
                    i += v.getKey().length();
                    continue outer;
                }
            }
            char c = text.charAt(i++);
            b.append(c);
            if (state == '\'') {
                if (c == '\'') state = 0;
            } else if (c == '\\' && i < text.length()) {
                b.append(text.charAt(i++));
            } else if (state == '"') {
                if (c == '"') state = 0;
            } else if (c == '\'' || c == '"') {
                state = c;
            }
        }
        return b.toString();
    }
}
