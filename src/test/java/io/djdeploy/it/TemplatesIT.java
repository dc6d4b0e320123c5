package io.djdeploy.it;

import io.djdeploy.template.TextTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates that are programs, checked by their own tools: the export script's bash
 * library with `bash -n` and `shellcheck`, the health view with Debian's Python compiler.
 * (nginx -t and systemd-analyze verify on what init writes: InitIT; the CI workflows' YAML:
 * InitFilesTest; docs/templates.md against the templates: TextTemplatesTest.)
 */
class TemplatesIT {
    static final String SHELLCHECK = "/usr/bin/shellcheck";
    static final String PYTHON = "/usr/bin/python3";

    /**
     * shellcheck at severity warning: its errors and warnings fail the build; infos and style
     * notes are advice (e.g. SC2153 on RELEASES_DIR, which the script's settings block above the
     * library defines). The library is checked alone, as bash (it has no shebang of its own).
     */
    @Test
    void theBashLibraryPassesBashNAndShellcheck(@TempDir Path tmp) throws Exception {
        // given
        Path lib = tmp.resolve("lib.sh");
        Files.writeString(lib, TextTemplates.builtIn().render("export/lib.sh", Map.of()));

        // then
        Site.Run syntax = InitIT.exec(List.of("bash", "-n", lib.toString()));
        assertThat(syntax.code()).as(syntax.output()).isZero();
        Site.Run lint = InitIT.exec(List.of(SHELLCHECK, "--shell=bash", "--severity=warning", "--format=gcc", lib.toString()));
        assertThat(lint.output()).isEmpty();
        assertThat(lint.code()).isZero();

        // negative: both checks catch what they are for
        Path broken = tmp.resolve("broken.sh");
        Files.writeString(broken, Files.readString(lib).replace("  done < \"$ENV_FILE\"", "  < \"$ENV_FILE\""));
        assertThat(InitIT.exec(List.of("bash", "-n", broken.toString())).code()).isNotZero();
        Path unused = tmp.resolve("unused.sh");
        Files.writeString(unused, Files.readString(lib) + "unused_setting=1\n");
        assertThat(InitIT.exec(List.of(SHELLCHECK, "--shell=bash", "--severity=warning", "--format=gcc", unused.toString())).output())
                .contains("SC2034");
    }

    @Test
    void theHealthViewCompilesWithDebiansPython(@TempDir Path tmp) throws Exception {
        // given
        Path view = tmp.resolve("healthz.py");
        Files.writeString(view, TextTemplates.builtIn().render("django/healthz.py", Map.of("package", "demo", "urls_file", "demo/urls.py")));

        // then
        Site.Run r = InitIT.exec(List.of(PYTHON, "-m", "py_compile", view.toString()));
        assertThat(r.code()).as(r.output()).isZero();

        // negative: a syntax error is caught
        Files.writeString(view, Files.readString(view).replace("def healthz(request):", "def healthz(request)"));
        Site.Run bad = InitIT.exec(List.of(PYTHON, "-m", "py_compile", view.toString()));
        assertThat(bad.code()).isNotZero();
        assertThat(bad.output()).contains("SyntaxError");
    }

    @Test
    void theHealthViewAnswersGetAndHeadAndChecksTheDatabaseWhenAsked(@TempDir Path tmp) throws Exception {
        // given: the view in a directory of its own, run by Debian's Django against SQLite
        Files.writeString(tmp.resolve("healthz.py"), TextTemplates.builtIn().render("django/healthz.py", Map.of("package", "demo", "urls_file", "demo/urls.py")));
        Files.writeString(tmp.resolve("REVISION"), "id=20261201000000\n");
        Files.writeString(tmp.resolve("probe.py"), """
                import sys
                import django
                from django.conf import settings
                settings.configure(BASE_DIR=sys.argv[1], ALLOWED_HOSTS=["*"],
                                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1] + "/db.sqlite3"}})
                django.setup()
                sys.path.insert(0, sys.argv[1])
                from django.db import connections
                from django.test import RequestFactory
                from healthz import healthz
                rf = RequestFactory()
                for name, request in [("get", rf.get("/healthz/")), ("head", rf.head("/healthz/")), ("post", rf.post("/healthz/")),
                                      ("db", rf.get("/healthz/", {"database": "1"}))]:
                    r = healthz(request)
                    print(name, r.status_code, r.get("X-Release"), r.content.decode())
                # a file database (Django never closes an in-memory one), then one it cannot open
                connections["default"].close()
                connections["default"].settings_dict["NAME"] = sys.argv[1] + "/missing/dir/db.sqlite3"
                r = healthz(rf.get("/healthz/", {"database": "1"}))
                print("dbdown", r.status_code, r.get("X-Release"), r.content.decode())
                """);

        // when
        Site.Run r = InitIT.exec(List.of(PYTHON, tmp.resolve("probe.py").toString(), tmp.toString()));

        // then
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output().lines().toList()).containsExactly(
                "get 200 20261201000000 {\"status\": \"ok\", \"release\": \"20261201000000\"}",
                "head 200 20261201000000 {\"status\": \"ok\", \"release\": \"20261201000000\"}",
                "post 405 None ",
                "db 200 20261201000000 {\"status\": \"ok\", \"release\": \"20261201000000\", \"database\": \"ok\"}",
                "dbdown 503 20261201000000 {\"status\": \"error\", \"release\": \"20261201000000\", \"database\": \"OperationalError\"}");
    }
}
