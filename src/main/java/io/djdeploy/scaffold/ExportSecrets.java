package io.djdeploy.scaffold;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.config.VerifyConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** export-script's guard: a script is a file anyone may copy; no secret goes into one. */
final class ExportSecrets {
    private ExportSecrets() {}

    /** A password in the repository URL would be in the script's fetch command. */
    static void checkRepo(EnvironmentConfig env) {
        if (env.git().upload()) {
            // the script runs on the host, which in upload mode has no way to the code
            throw new ExportScript.Unsupported("git.mode: upload sends the code from the machine running djdeploy; a script runs on"
                    + " the host, which may not reach the repository (use git.mode: host for the script, or deploy with djdeploy)");
        }
        if (io.djdeploy.step.Redactor.splitPassword(env.repo()) != null) {
            throw new ExportScript.Unsupported("repo: holds a password, and export-script never writes a secret into a script "
                    + "(let git on the host find it: a credential helper, or an SSH deploy key)");
        }
    }

    /** Secrets travel in files on the host, never in a script: refuse rather than write one. */
    static void check(EnvironmentConfig env, String script) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("repo", env.repo());
        keys.put("web.reload", env.web().reload());
        if (env.web().nginx() != null) {
            keys.put("web.nginx.test", env.web().nginx().test());
            keys.put("web.nginx.reload", env.web().nginx().reload());
        }
        keys.put("workers.restart", env.workers().restart());
        keys.put("workers.beat_restart", env.workers().beatRestart());
        if (env.migrations().backup() != null) keys.put("migrations.backup.command", env.migrations().backup().command());
        if (env.health() != null) keys.put("health.url", env.health().url());
        keys.put("verify.status", env.verify().status());
        keys.put("verify.logs", env.verify().logs());
        for (VerifyConfig.Url u : env.verify().urls()) keys.putIfAbsent("verify.urls", u.url());
        java.util.List<String> hosts = env.hosts().stream().map(HostConfig::host).toList();
        for (String secret : env.secrets()) {
            // the same matching as the redactor's: rendered for each host, escaped, encoded
            io.djdeploy.step.Redactor one = new io.djdeploy.step.Redactor();
            one.addConfigSecrets(java.util.List.of(secret), hosts);
            if (secret == null || !one.holdsSecret(script)) continue;
            String key = keys.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().contains(secret))
                    .map(Map.Entry::getKey).findFirst().orElse("a config value");
            throw new ExportScript.Unsupported(key + ": marked secret: true, and export-script never writes a secret into a script "
                    + "(keep it in a file on the host that the command reads, as the env file is)");
        }
    }
}
