package io.djdeploy.config;

import java.util.List;

/**
 * How each release's virtualenv is made.
 *
 * @param version        the lowest Python "X.Y" the project needs (check python.version), or null
 * @param installProject pip installs the release itself ({@code pip install .}: a pyproject.toml project's dependencies)
 */
public record PythonConfig(String interpreter, boolean systemSitePackages, List<String> requirements, String version,
                           boolean installProject) {
    public PythonConfig(String interpreter, boolean systemSitePackages, List<String> requirements) {
        this(interpreter, systemSitePackages, requirements, null, false);
    }
}
