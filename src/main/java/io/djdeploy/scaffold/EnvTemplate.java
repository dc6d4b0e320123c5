package io.djdeploy.scaffold;

import java.util.ArrayList;
import java.util.List;

/**
 * deploy/env.example: exactly the variables the settings read, secrets first, the secret key
 * under the name the settings use (DJANGO_SECRET_KEY...), values init knows filled in.
 */
final class EnvTemplate {
    private EnvTemplate() {}

    /** The secret key's variable: the one the settings read (DJANGO_SECRET_KEY...), else SECRET_KEY. */
    static String secretKeyName(InitProject p) {
        return p.envKeys().stream().filter(k -> k.endsWith("SECRET_KEY")).findFirst()
                .orElse(p.envKeys().stream().filter(k -> k.contains("SECRET_KEY")).findFirst().orElse("SECRET_KEY"));
    }

    /** Names that hold secrets: listed first in the env template. */
    static boolean secret(String name) {
        return name.matches("(?i).*(SECRET|PASSWORD|TOKEN|KEY|DSN).*");
    }

    static String envExample(InitProject p, InitFiles.Choices c) {
        String secretKey = secretKeyName(p);
        StringBuilder b = new StringBuilder();
        b.append("""
                # Environment of %1$s (KEY=value lines, '#' comments), written by djdeploy init from the
                # variables its settings read%4$s. Install it on every host as %2$s, owned by root, group %1$s,
                # mode 0640, then put the real values in there (never in git):
                #   install -d -o root -g %1$s -m 0750 /etc/%1$s
                #   install -o root -g %1$s -m 0640 deploy/env.example %2$s
                # root owns it so the app cannot rewrite its own secrets (check env-file.owner); group %1$s
                # lets the services read it and nobody else (env-file.mode). The deploy user (%3$s) runs
                # manage.py with it, so it needs group %1$s too (usermod -aG %1$s %3$s).
                #
                # %5$s: one per environment, generated on the host:
                #   python3 -c 'import secrets; print(secrets.token_urlsafe(50))'
                # The placeholder fails `manage.py check --deploy` (security.W009): deploys stop until it is replaced.
                %5$s=replace-me
                """.formatted(c.app(), c.envFile(), c.user(), p.source() == null ? " (read as text: check it)" : " (asked Django)", secretKey));
        // secrets first, then what the settings cannot load without, then the rest
        List<String> keys = new ArrayList<>();
        for (String k : p.envKeys()) if (secret(k) && !k.equals(secretKey)) keys.add(k);
        for (String k : p.envKeys()) if (!secret(k) && p.requiredEnv().contains(k)) keys.add(k);
        for (String k : p.envKeys()) if (!secret(k) && !p.requiredEnv().contains(k)) keys.add(k);
        boolean optionalHeader = false;
        for (String k : keys) {
            boolean preset = k.endsWith("DEBUG") || k.endsWith("ALLOWED_HOSTS") || k.endsWith("CSRF_TRUSTED_ORIGINS");
            boolean optional = !preset && !p.requiredEnv().contains(k);
            if (optional && !secret(k) && !optionalHeader) {
                b.append("# Read by the settings, which have defaults for them: uncomment to set\n");
                optionalHeader = true;
            }
            if (k.endsWith("DEBUG")) b.append(k).append("=0\n");
            else if (k.endsWith("ALLOWED_HOSTS")) b.append("# 127.0.0.1: djdeploy's health check asks nginx on the host itself\n")
                    .append(k).append('=').append(c.domain()).append(",127.0.0.1\n");
            else if (k.endsWith("CSRF_TRUSTED_ORIGINS")) b.append(k).append("=https://").append(c.domain()).append('\n');
            else if (p.requiredEnv().contains(k)) b.append(p.source() != null ? "# required: the settings cannot load without it\n"
                    : "# required: the settings read os.environ[\"" + k + "\"]\n").append(k).append("=\n");
            else b.append("# ").append(k).append("=\n");
        }
        if (!p.envKeys().contains(secretKey)) {
            b.append("# note: the settings do not read ").append(secretKey).append(" from the environment; make them (never commit the key)\n");
        }
        return b.toString();
    }
}
