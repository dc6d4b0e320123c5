package io.djdeploy.scaffold;

import io.djdeploy.template.TextTemplates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code init --runtime container} adds to a project: the Dockerfile a release's image is
 * built with and its .dockerignore (docs/containers.md). The Dockerfile copies the requirements
 * files before the code so that their layer survives commits that do not touch them.
 */
public final class ContainerFiles {
    private ContainerFiles() {}

    public static final String DOCKERFILE = "Dockerfile";
    public static final String DOCKERIGNORE = ".dockerignore";
    /** Python's own slim image when the project names no Python version; any Debian-like base with python3 works. */
    static final String DEFAULT_PYTHON = "3.12";

    public static Map<String, String> generate(TextTemplates t, InitProject p, String app) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DOCKERFILE, dockerfile(t, p, app));
        files.put(DOCKERIGNORE, t.render("container/dockerignore", Map.of()));
        return files;
    }

    /** The BASE_IMAGE default: the official slim image of the project's declared Python, else {@link #DEFAULT_PYTHON}. */
    public static String baseImage(InitProject p) {
        return "python:" + (p.python() != null ? p.python() : DEFAULT_PYTHON) + "-slim";
    }

    static String dockerfile(TextTemplates t, InitProject p, String app) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("app", app);
        v.put("base_image", baseImage(p));
        v.put("settings", p.settingsModule());
        v.put("wsgi", p.wsgiApp());
        v.put("pyproject", p.pyproject());
        v.put("copy_requirements", copyRequirements(p.requirements()));
        List<String> pip = new ArrayList<>();
        for (String r : p.requirements()) pip.add("-r " + r);
        v.put("pip_install", pip.isEmpty() ? "" : " \\\n && pip install --no-cache-dir --disable-pip-version-check " + String.join(" ", pip));
        return t.render("container/Dockerfile", v);
    }

    /**
     * COPY lines for the requirements files. A file in a directory brings its whole directory:
     * requirements/prod.txt usually says {@code -r base.txt}.
     */
    static String copyRequirements(List<String> requirements) {
        if (requirements.isEmpty()) return "# (no requirements files: the base image brings Django and gunicorn)";
        Set<String> lines = new LinkedHashSet<>();
        List<String> rootFiles = new ArrayList<>();
        for (String r : requirements) {
            int slash = r.lastIndexOf('/');
            if (slash < 0) rootFiles.add(r);
            else lines.add("COPY " + r.substring(0, slash) + "/ " + r.substring(0, slash) + "/");
        }
        List<String> out = new ArrayList<>();
        if (!rootFiles.isEmpty()) out.add("COPY " + String.join(" ", rootFiles) + " ./");
        out.addAll(lines);
        return String.join("\n", out);
    }
}
