package io.djdeploy.django;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Django versions the tests run on: Debian's own 3.2 (/usr/bin/python3's), and 4.2 and 5.2
 * when scripts/django-versions has unpacked them from Debian's packages into the cache folder
 * (scripts/test always does). A version is a directory to put first on PYTHONPATH (null for
 * 3.2) and, for a release's venv, a requirements file whose wheel does the same.
 */
public record DjangoVersions(String version, Path sitePackages, Path requirements) {
    public static final List<String> NEWER = List.of("4.2", "5.2");

    public static Path cache() {
        String dir = System.getenv("DJDEPLOY_DJANGO_CACHE");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "djdeploy-test");
    }

    /** 3.2, then each newer version that is unpacked. */
    public static List<DjangoVersions> available() {
        List<DjangoVersions> out = new ArrayList<>();
        out.add(new DjangoVersions("3.2", null, null));
        for (String v : NEWER) {
            Path dir = cache().resolve("django-" + v);
            Path site = dir.resolve("usr/lib/python3/dist-packages");
            if (Files.isRegularFile(site.resolve("django/__init__.py")) && Files.isRegularFile(dir.resolve("requirements.txt"))) {
                out.add(new DjangoVersions(v, site, dir.resolve("requirements.txt")));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Django " + version;
    }
}
