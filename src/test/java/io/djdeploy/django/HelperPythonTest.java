package io.djdeploy.django;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the helper's own Python unit tests (src/test/python) with Debian's interpreter, which
 * has Django 3.2, and again with 4.2 and 5.2 first on PYTHONPATH when scripts/django-versions
 * unpacked them, so `mvn test` and `mvn verify` (and scripts/test) fail when helper.py breaks
 * on any of them. They run from here rather than from a separate script step so that whoever
 * runs the Java unit tests runs them too, and a failure lands in the same report.
 */
class HelperPythonTest {
    static final String PYTHON = "/usr/bin/python3";
    /** As many tests as src/test/python holds today: a test file that stops loading fails here. */
    static final int AT_LEAST = 47;

    static List<DjangoVersions> versions() {
        return DjangoVersions.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void helperPythonTestsPass(DjangoVersions django) throws Exception {
        // given
        Path tests = Path.of("src/test/python");
        assertThat(tests.resolve("test_helper.py")).exists();
        assertThat(Path.of(PYTHON)).as("Debian's python3 (apt-get install python3-django)").isExecutable();

        // when
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "unittest", "discover", "-s", tests.toString(), "-v")
                .redirectErrorStream(true);
        pb.environment().remove("PYTHONPATH");
        if (django.sitePackages() != null) pb.environment().put("PYTHONPATH", django.sitePackages().toString());
        pb.environment().put("DJDEPLOY_EXPECT_DJANGO", django.version());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly();

        // then
        assertThat(ended).as("python tests ended").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Matcher ran = Pattern.compile("(?m)^Ran (\\d+) tests?").matcher(out);
        assertThat(ran.find()).as(out).isTrue();
        assertThat(Integer.parseInt(ran.group(1))).as(out).isGreaterThanOrEqualTo(AT_LEAST);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/helper-python-tests-" + django.version() + ".txt"), out);
    }
}
