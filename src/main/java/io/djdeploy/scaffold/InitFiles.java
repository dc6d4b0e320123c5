package io.djdeploy.scaffold;

import io.djdeploy.config.WebConfig.Manager;
import io.djdeploy.config.WebConfig.Strategy;
import io.djdeploy.template.TextTemplates;
import io.djdeploy.web.BlueGreenNames;
import io.djdeploy.web.ServiceFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files `djdeploy init` writes, as text keyed by their path relative to the project:
 * deploy.yml, the service files under deploy/, the env file template, the health view, and
 * the CI workflows. The text in other languages comes from templates (docs/templates.md): a
 * project's deploy/templates/ wins over the built-in ones. {@link #generate} writes nothing.
 */
public final class InitFiles {
    private InitFiles() {}

    public static final String ENVIRONMENT = "production";
    public static final String STAGING = "staging";
    public static final String CHECKLIST = "deploy/CHECKLIST.md";
    /** gunicorn's rule of thumb is 2 x cores + 1; the target's cores are unknown here. */
    static final int WORKERS = 3;

    /**
     * What the user chose (flags or answers); everything else comes from {@link InitProject}.
     *
     * @param hosts    the hosts of the production environment; the first one migrates
     * @param user     the SSH user djdeploy logs in as (the app itself runs as {@code app})
     * @param registry with {@code --runtime container}: the image registry; null for the virtualenv runtime
     */
    public record Choices(String app, List<String> hosts, String user, String domain, String deployTo,
                          Manager manager, Strategy strategy, String repo, String ref, String registry) {
        public Choices {
            hosts = List.copyOf(hosts);
        }

        public Choices(String app, List<String> hosts, String user, String domain, String deployTo,
                       Manager manager, Strategy strategy, String repo, String ref) {
            this(app, hosts, user, domain, deployTo, manager, strategy, repo, ref, null);
        }

        public boolean containers() {
            return registry != null;
        }

        public boolean sudo() {
            return !"root".equals(user);
        }

        public String envFile() {
            return "/etc/" + app + "/" + app + ".env";
        }

        /** Where the nginx upstream include is installed (Debian's snippets directory). */
        public String upstreamInclude() {
            return "/etc/nginx/snippets/" + app + "-upstream.conf";
        }

        public String nginxSite() {
            return "/etc/nginx/sites-available/" + app + ".conf";
        }
    }

    /** The service-file spec for this project: the app runs as user and group {@code app}. */
    public static ServiceFiles.Spec spec(InitProject p, Choices c) {
        return new ServiceFiles.Spec(c.app(), c.deployTo(), c.app(), c.app(), c.envFile(), p.settingsModule(), p.wsgiApp(),
                WORKERS, p.celery() ? p.packageName() : null);
    }

    /** The nginx site for this project, listening on {@code listen}, with the upstream file at {@code upstreamInclude}. */
    public static ServiceFiles.Site site(InitProject p, Choices c, String listen, String upstreamInclude) {
        String deployTo = trim(c.deployTo());
        String staticDir = p.staticRoot().startsWith("/") ? p.staticRoot()
                : p.staticRoot().startsWith("../") ? deployTo + "/shared/" + p.staticRoot().substring(3) : deployTo + "/current/" + p.staticRoot();
        return new ServiceFiles.Site(c.app(), c.domain(), upstreamInclude, listen, p.staticUrl(), staticDir,
                p.mediaUrl(), mediaDir(p, c), p.sslHeader(), p.sslValue(), deployTo, "/healthz/");
    }

    /** Where uploads live on a host: MEDIA_ROOT's shared/ folder, or its absolute path. */
    static String mediaDir(InitProject p, Choices c) {
        return p.mediaRoot().startsWith("/") ? p.mediaRoot() : trim(c.deployTo()) + "/shared/" + outside(p.mediaRoot());
    }

    /** "../media" -> "media": a root next to the release is shared/NAME. */
    static String outside(String root) {
        return root.startsWith("../") ? root.substring(3) : root;
    }

    /**
     * Roots next to the release ({@code ../NAME}): Django computes them from the path it was
     * loaded by, which is releases/ID during a deploy and current/ (or blue/green) when serving,
     * so both DEPLOY_TO/NAME and DEPLOY_TO/releases/NAME must be the one shared/NAME.
     */
    static String outsideLinks(InitProject p, Choices c) {
        String d = trim(c.deployTo());
        StringBuilder b = new StringBuilder();
        for (String root : List.of(p.staticRoot(), p.mediaRoot())) {
            if (!root.startsWith("../") || b.toString().contains("shared/" + outside(root) + " ")) continue;
            String n = outside(root);
            if (root != p.mediaRoot()) b.append("; install -d -o ").append(c.user()).append(" -g ").append(c.app()).append(' ').append(d).append("/shared/").append(n);
            if (!b.toString().contains(d + "/releases;")) b.append("; install -d -o ").append(c.user()).append(" -g ").append(c.app()).append(' ').append(d).append("/releases");
            b.append("; ln -sfn shared/").append(n).append(' ').append(d).append('/').append(n)
                    .append("; ln -sfn ../shared/").append(n).append(' ').append(d).append("/releases/").append(n);
        }
        return b.toString();
    }



    /** Every file but the checklist (which needs the parsed deploy.yml), in the order they are listed. */
    public static Map<String, String> generate(TextTemplates t, InitProject p, Choices c) {
        ServiceFiles.Spec spec = spec(p, c);
        String app = c.app();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("deploy.yml", deployYml(p, c));
        files.put("deploy/systemd/" + app + "-web@.service", ServiceFiles.systemdColorTemplate(t, spec));
        files.put("deploy/systemd/" + app + "-web.service", ServiceFiles.systemdPlain(t, spec));
        files.put("deploy/systemd/" + app + "-web.socket", ServiceFiles.systemdSocket(t, spec));
        // Celery units only for projects that use Celery: a unit for a worker that does not exist
        // would fail at boot, and workers.restart would fail every deploy
        if (spec.celery()) {
            files.put("deploy/systemd/" + app + "-celery.service", ServiceFiles.systemdCelery(t, spec));
            files.put("deploy/systemd/" + app + "-beat.service", ServiceFiles.systemdBeat(t, spec));
        }
        files.put("deploy/gunicorn.conf.py", ServiceFiles.gunicornConf(t, spec));
        files.put("deploy/supervisor/" + app + ".conf", ServiceFiles.supervisor(t, spec, c.strategy() == Strategy.BLUE_GREEN));
        files.put("deploy/nginx/" + app + ".conf", ServiceFiles.nginxSite(t, site(p, c, "80", c.upstreamInclude())));
        files.put("deploy/nginx/" + app + "-upstream.conf", ServiceFiles.nginxUpstream(t, app));
        files.put("deploy/env.example", EnvTemplate.envExample(p, c));
        files.put("deploy/healthz.py", healthz(t, p));
        files.put(".github/workflows/deploy.yml", githubWorkflow(t, p, c));
        files.put(".gitlab-ci.yml", gitlabCi(t, p, c));
        if (c.containers()) files.putAll(ContainerFiles.generate(t, p, app));
        return files;
    }

    // ------------------------------------------------------------------ deploy.yml

    static String deployYml(InitProject p, Choices c) {
        String sudo = c.sudo() ? "sudo -n " : "";
        boolean systemd = c.manager() == Manager.SYSTEMD;
        StringBuilder b = new StringBuilder();
        b.append("# deploy.yml for ").append(c.app()).append(", written by `djdeploy init` (every key: docs/configuration.md).\n");
        b.append("# `djdeploy plan ").append(ENVIRONMENT).append("` shows what a deploy runs; `djdeploy check ")
                .append(ENVIRONMENT).append("` checks the hosts.\n");
        b.append("app: ").append(c.app()).append('\n');
        b.append("repo: ").append(yaml(c.repo())).append('\n');
        b.append("ref: ").append(yaml(c.ref())).append('\n');
        b.append("keep_releases: 5\n\n");
        if (c.containers()) {
            b.append("runtime: container                      # a release is an image, built once (docs/containers.md)\n");
            b.append("image:\n  registry: ").append(c.registry())
                    .append("          # every host pulls from it: docker login there, never credentials here\n");
            b.append("  base_image: ").append(ContainerFiles.baseImage(p)).append("          # the Dockerfile's BASE_IMAGE\n\n");
        }

        b.append("python:\n  interpreter: python3                 # each release gets its own venv\n");
        if (p.python() != null) {
            b.append("  version: \"").append(p.python()).append("\"                      # from ").append(p.pythonSource())
                    .append(": check python.version fails on an older host interpreter\n");
        }
        if (p.pyproject()) {
            b.append("  requirements: []\n  install_project: true                # pip install . (pyproject.toml's dependencies)\n");
        } else {
            b.append("  requirements: ").append(list(p.requirements())).append('\n');
        }
        b.append("\ndjango:\n  settings: ").append(p.settingsModule()).append('\n');
        b.append("  # KEY=value secrets; install deploy/env.example there as root:").append(c.app()).append(", mode 0640\n");
        b.append("  env_file: ").append(c.envFile()).append('\n');
        if (!p.mediaRoot().startsWith("/") && !p.mediaRoot().startsWith("../")) {
            b.append("\nshared:\n  dirs: [").append(p.mediaRoot()).append("]                        # MEDIA_ROOT -> ")
                    .append(trim(c.deployTo())).append("/shared/").append(p.mediaRoot()).append(", kept across releases\n");
        }

        b.append("\nweb:\n");
        b.append("  strategy: ").append(c.strategy().label()).append('\n');
        b.append("  manager: ").append(systemd ? "systemd" : "supervisor").append("                   # units/programs in deploy/")
                .append(systemd ? "systemd" : "supervisor").append('\n');
        if (c.sudo()) b.append("  # sudo -n: fail instead of asking for a password; allow exactly these commands in sudoers\n");
        if (c.strategy() == Strategy.BLUE_GREEN) {
            String inst = systemd ? "{app}-web@{color}" : "{app}-web-{color}";
            if (c.sudo()) {
                b.append("  start: ").append(sudo).append(systemd ? "systemctl start " : "supervisorctl start ").append(inst).append('\n');
                b.append("  stop: ").append(sudo).append(systemd ? "systemctl stop " : "supervisorctl stop ").append(inst).append('\n');
                b.append("  log: ").append(sudo).append(systemd ? "journalctl -u " + inst + " -n 30 --no-pager" : "supervisorctl tail " + inst).append('\n');
            } else {
                b.append("  # start, stop and log come from the manager: ").append(systemd ? "systemctl start|stop {app}-web@{color}"
                        : "supervisorctl start|stop {app}-web-{color}").append('\n');
            }
            b.append("  socket_dir: ").append(BlueGreenNames.defaultSocketDir(c.app()))
                    .append("                # blue.sock, green.sock and the live link web.sock nginx proxies to\n");
        } else {
            String cmd = c.strategy() == Strategy.RELOAD
                    ? (systemd ? "systemctl reload {app}-web" : "supervisorctl signal HUP {app}-web")
                    : (systemd ? "systemctl restart {app}-web" : "supervisorctl restart {app}-web");
            if (c.sudo()) b.append("  reload: ").append(sudo).append(cmd).append('\n');
            else b.append("  # reload comes from the manager: ").append(cmd).append('\n');
        }
        b.append("  # no web.nginx: the nginx site (deploy/nginx/) does not change per release, and an nginx\n");
        b.append("  # reload per deploy would close clients' keep-alive connections\n");

        b.append("\nhealth:\n");
        b.append("  url: http://127.0.0.1/healthz/          # deploy/healthz.py, through nginx on each web host\n");
        b.append("  release: header                         # X-Release must be the id of the release just deployed\n");

        b.append("\nchecks:\n");
        b.append("  public_url: https://").append(c.domain()).append("          # CSRF_TRUSTED_ORIGINS and SECURE_PROXY_SSL_HEADER are checked for it\n");
        b.append("  nginx_site: ").append(c.nginxSite()).append('\n');
        List<String> required = new ArrayList<>(List.of(EnvTemplate.secretKeyName(p)));
        for (String k : p.requiredEnv()) if (!required.contains(k)) required.add(k);
        if (!required.equals(List.of("SECRET_KEY"))) b.append("  required_env: ").append(list(required)).append('\n');

        if (p.celery()) {
            b.append("\nworkers:\n");
            b.append("  restart: ").append(sudo).append(systemd ? "systemctl restart {app}-celery" : "supervisorctl restart {app}-celery").append('\n');
            b.append("  beat_restart: ").append(sudo).append(systemd ? "systemctl restart {app}-beat" : "supervisorctl restart {app}-beat").append('\n');
        }

        b.append("\nenvironments:\n  ").append(ENVIRONMENT).append(":\n");
        b.append("    deploy_to: ").append(trim(c.deployTo())).append('\n');
        b.append("    hosts:\n");
        for (int i = 0; i < c.hosts().size(); i++) {
            List<String> roles = new ArrayList<>(List.of("web"));
            if (i == 0) roles.add("migrate");           // exactly one host migrates
            if (p.celery()) roles.add("worker");
            if (p.celery() && i == 0) roles.add("beat"); // beat on one host only
            b.append("      - host: ").append(yaml(c.hosts().get(i))).append('\n');
            b.append("        user: ").append(c.user()).append('\n');
            b.append("        roles: ").append(list(roles)).append('\n');
        }
        // a rehearsal of production (same layout and units, its own host, database and env file):
        // deploy a ref there first with `djdeploy deploy staging`
        List<String> roles = new ArrayList<>(List.of("web", "migrate"));
        if (p.celery()) roles.addAll(List.of("worker", "beat"));
        b.append("\n  ").append(STAGING).append(":                              # replace the host with your staging server\n");
        b.append("    deploy_to: ").append(trim(c.deployTo())).append('\n');
        b.append("    hosts:\n");
        b.append("      - host: ").append(yaml("staging." + c.domain())).append('\n');
        b.append("        user: ").append(c.user()).append('\n');
        b.append("        roles: ").append(list(roles)).append('\n');
        return b.toString();
    }

    // ------------------------------------------------------------------ env file, health view

    static String healthz(TextTemplates t, InitProject p) {
        return t.render("django/healthz.py", Map.of("package", p.packageName(), "urls_file", p.urlsModule().replace('.', '/') + ".py"));
    }

    /** What to do after init, with this project's names filled in (printed by the command). */
    public static List<String> nextSteps(InitProject p, Choices c) {
        String app = c.app();
        boolean systemd = c.manager() == Manager.SYSTEMD;
        boolean bg = c.strategy() == Strategy.BLUE_GREEN;
        List<String> s = new ArrayList<>();
        s.add("Add the health view: copy deploy/healthz.py to " + p.packageName() + "/healthz.py and add"
                + " path(\"healthz/\", healthz) to " + p.urlsModule() + " (see the file).");
        s.add("On each host, as root: useradd --system --home-dir " + trim(c.deployTo()) + " --shell /usr/sbin/nologin " + app
                + "; usermod -aG " + app + " www-data" + ("root".equals(c.user()) ? "" : "; usermod -aG " + app + " " + c.user())
                + "; install -d -o " + c.user() + " -g " + app + " " + trim(c.deployTo()) + " " + trim(c.deployTo()) + "/shared"
                + "; install -d -o " + app + " -g " + app + " -m 2770 " + mediaDir(p, c) + outsideLinks(p, c));
        s.add("Env file: install -d -o root -g " + app + " -m 0750 /etc/" + app + " && install -o root -g " + app + " -m 0640 deploy/env.example "
                + c.envFile() + ", then set the real values there (" + EnvTemplate.secretKeyName(p) + " first).");
        s.add(codeStep(c));
        s.add("gunicorn: install -o root -g " + app + " -m 0640 deploy/gunicorn.conf.py " + ServiceFiles.gunicornConfPath(spec(p, c))
                + " (workers, timeouts, max_requests; every unit and program loads it).");
        if (systemd) {
            s.add("Units: copy deploy/systemd/* to /etc/systemd/system/ and run systemctl daemon-reload; "
                    + (bg ? "djdeploy starts and stops " + app + "-web@blue and " + app + "-web@green itself."
                    : "systemctl enable --now " + app + "-web (optionally " + app + "-web.socket first).")
                    + (p.celery() ? " systemctl enable " + app + "-celery (and " + app + "-beat on the beat host)." : ""));
        } else {
            s.add("Supervisor: copy deploy/supervisor/" + app + ".conf to /etc/supervisor/conf.d/, create the directories its"
                    + " header names, then supervisorctl reread && supervisorctl update.");
        }
        s.add("nginx: copy deploy/nginx/" + app + "-upstream.conf to " + c.upstreamInclude() + " and deploy/nginx/" + app + ".conf to "
                + c.nginxSite() + ", link it into sites-enabled, then nginx -t && systemctl reload nginx.");
        if (c.sudo()) {
            s.add("sudo for " + c.user() + ": allow exactly the commands under web: (and workers:) in deploy.yml, e.g. in /etc/sudoers.d/"
                    + app + ": " + c.user() + " ALL=(root) NOPASSWD: " + sudoers(c, p.celery()));
        }
        if (c.containers()) {
            // no command deploys a container environment yet: say so instead of promising a deploy
            s.add("Containers (work in progress, docs/containers.md): docker login " + c.registry() + " on each host; try the image with"
                    + " docker build -t " + c.registry() + "/" + app + ":try . ; djdeploy does not deploy runtime: container yet.");
        } else {
            s.add("Check, then deploy: djdeploy check " + ENVIRONMENT + " && djdeploy deploy " + ENVIRONMENT
                    + " (deploy/CHECKLIST.md lists every command it runs).");
        }
        s.add("CI: set the secrets named at the top of .github/workflows/deploy.yml or .gitlab-ci.yml; delete the one you do not use.");
        return s;
    }

    /** How code reaches the hosts, both git modes (docs/git.md): host fetch needs access on every host. */
    static String codeStep(Choices c) {
        String home = "root".equals(c.user()) ? "/root" : "~" + c.user();
        String server = c.repo() == null ? "your git server" : io.djdeploy.pipeline.GitSteps.server(c.repo());
        return "Code: each host fetches " + (c.repo() == null ? "the repository" : c.repo()) + " itself (git.mode: host, the default):"
                + " on each host, as " + c.user() + ", ssh-keygen -t ed25519 -N '' -f " + home + "/.ssh/id_ed25519, add the .pub as a"
                + " read-only deploy key of the repository, and ssh-keyscan " + server + " >> " + home + "/.ssh/known_hosts"
                + " (djdeploy check runs git.reachable). Or add git: {mode: upload} to deploy.yml: this machine sends the code"
                + " and hosts need neither git access nor a key.";
    }

    /** The exact sudoers command list for the commands deploy.yml runs with sudo -n. */
    private static String sudoers(Choices c, boolean celery) {
        String app = c.app();
        boolean systemd = c.manager() == Manager.SYSTEMD;
        String ctl = systemd ? "/usr/bin/systemctl " : "/usr/bin/supervisorctl ";
        List<String> cmds = new ArrayList<>();
        if (c.strategy() == Strategy.BLUE_GREEN) {
            for (String color : io.djdeploy.config.WebConfig.COLORS) {
                String unit = systemd ? BlueGreenNames.systemdInstance(app, color) : BlueGreenNames.supervisorProgram(app, color);
                cmds.add(ctl + "start " + unit);
                cmds.add(ctl + "stop " + unit);
                cmds.add(systemd ? "/usr/bin/journalctl -u " + unit + " -n 30 --no-pager" : ctl + "tail " + unit);
            }
        } else if (c.strategy() == Strategy.RELOAD) {
            cmds.add(systemd ? ctl + "reload " + app + "-web" : ctl + "signal HUP " + app + "-web");
        } else {
            cmds.add(ctl + "restart " + app + "-web");
        }
        if (celery) {
            cmds.add(ctl + "restart " + app + "-celery");
            cmds.add(ctl + "restart " + app + "-beat");
        }
        return String.join(", ", cmds);
    }

    // ------------------------------------------------------------------ CI

    static String githubWorkflow(TextTemplates t, InitProject p, Choices c) {
        return t.render("ci/github-deploy.yml", CiValues.of(p, c, CiValues.Pin.current()));
    }

    static String gitlabCi(TextTemplates t, InitProject p, Choices c) {
        return t.render("ci/gitlab-ci.yml", CiValues.of(p, c, CiValues.Pin.current()));
    }

    // ------------------------------------------------------------------ YAML

    private static String trim(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String list(List<String> items) {
        List<String> q = new ArrayList<>();
        for (String i : items) q.add(yaml(i));
        return "[" + String.join(", ", q) + "]";
    }

    /** A YAML scalar: plain when it cannot be misread, else double-quoted ($ doubled: the loader interpolates ${VAR}). */
    static String yaml(String v) {
        if (v.matches("[A-Za-z0-9_./][A-Za-z0-9_./@:+~-]*") && !v.matches("(?i)true|false|yes|no|on|off|null|~|y|n")
                && !v.matches("[0-9.+-]+")) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$") + "\"";
    }
}
