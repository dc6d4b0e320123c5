"""Unit tests of djdeploy's Python helper (src/main/resources/io/djdeploy/django/helper.py).

Run with Debian's interpreter, which has Django 3.2 (HelperPythonTest runs them in `mvn test`):

    /usr/bin/python3 -m unittest discover -s src/test/python -v

The pure functions are called directly. Every Django command runs the helper as a separate
process, as djdeploy does on a host: django.setup() configures settings once per process.
The Django project is made in a temporary directory: one app, four hand-written migrations,
SQLite.
"""
import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "io", "djdeploy", "django", "helper.py"))

_spec = importlib.util.spec_from_file_location("djdeploy_helper", HELPER)
helper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helper)

SECRET = "s3cret-value-that-must-never-be-printed"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text).lstrip("\n"))


class PureFunctionsTest(unittest.TestCase):
    def test_env_file_lines_are_parsed_like_systemd_environment_files(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "app.env")
            write(path, """
                # a comment
                PLAIN=value
                export EXPORTED=1
                DOUBLE="quoted value"
                SINGLE='single'
                SPACED = around

                EMPTY=
                """)
            self.assertEqual(helper.load_env_file(path), {
                "PLAIN": "value", "EXPORTED": "1", "DOUBLE": "quoted value", "SINGLE": "single",
                "SPACED": "around", "EMPTY": ""})

    def test_a_bad_env_line_names_its_number_never_its_text(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "app.env")
            write(path, "OK=1\nnot a pair " + SECRET + "\n")
            with self.assertRaises(ValueError) as e:
                helper.load_env_file(path)
            self.assertIn("app.env:2: expected KEY=value", str(e.exception))
            self.assertNotIn(SECRET, str(e.exception))

    def test_the_django_under_test_is_the_one_asked_for(self):
        # HelperPythonTest runs this file once per Django (3.2, and 4.2 / 5.2 via PYTHONPATH)
        import django
        expected = os.environ.get("DJDEPLOY_EXPECT_DJANGO")
        if expected:
            self.assertEqual("%d.%d" % django.VERSION[:2], expected, django.__file__)
        self.assertIsNone(helper.unsupported_django(django.VERSION))

    def test_an_unsupported_django_is_named_in_the_error(self):
        self.assertIsNone(helper.unsupported_django((3, 2, 25, "final", 0)))
        self.assertIsNone(helper.unsupported_django((5, 2, 17, "final", 0)))
        self.assertEqual(helper.unsupported_django((3, 1, 14, "final", 0)),
                         "Django 3.1.14 is not supported by djdeploy's helper (supported: 3.2 to 5.x)")
        self.assertIn("Django 6.0.1 is not supported", helper.unsupported_django((6, 0, 1, "final", 0)))

    def test_csrf_trusted_origins_in_django_4_form(self):
        covered = helper._origin_covered
        self.assertTrue(covered("https://example.com", ["https://example.com"]))
        self.assertTrue(covered("https://www.example.com", ["https://*.example.com"]))
        self.assertTrue(covered("https://example.com:8443", ["https://example.com:8443"]))
        self.assertFalse(covered("https://example.com", ["http://example.com"]), "scheme must match")
        self.assertFalse(covered("https://evil.com", ["https://*.example.com"]))
        self.assertFalse(covered("https://example.com", []))
        self.assertFalse(covered("https://example.com", None))

    def test_csrf_trusted_origins_in_django_3_2_form(self):
        covered = helper._origin_covered
        self.assertTrue(covered("https://example.com", ["example.com"]))
        self.assertTrue(covered("https://shop.example.com", [".example.com"]))
        self.assertTrue(covered("https://example.com", [".example.com"]))
        self.assertFalse(covered("https://example.org", ["example.com"]))

    def test_settings_module_is_read_from_manage_py(self):
        with tempfile.TemporaryDirectory() as d:
            manage = os.path.join(d, "manage.py")
            write(manage, """
                import os
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.production")
                """)
            self.assertEqual(helper._settings_module_from_manage_py(manage), "mysite.settings.production")
            write(manage, "print('no settings here')\n")
            self.assertIsNone(helper._settings_module_from_manage_py(manage))
        self.assertIsNone(helper._settings_module_from_manage_py(os.path.join(d, "missing.py")))

    def test_pretty_json_is_the_same_object_with_scalar_lists_on_one_line(self):
        value = {"applied": [["notes", "0001_initial"]], "empty": {}, "n": 1, "nested": [{"a": None}]}
        text = helper._pretty_json(value)
        self.assertEqual(json.loads(text), value)
        self.assertIn('["notes", "0001_initial"]', text)
        self.assertEqual(helper._pretty_json([]), "[]")

    def test_small_helpers(self):
        self.assertEqual(helper._together([("b", "a"), ("a",)]), [["a"], ["b", "a"]])
        self.assertEqual(helper._together(None), [])
        named = [type("I", (), {"name": "x"})(), type("I", (), {"name": "y"})()]
        self.assertIs(helper._find_named(named, "y"), named[1])
        self.assertIsNone(helper._find_named(None, "y"))
        self.assertEqual(helper._pair(("app", "0001")), ["app", "0001"])
        self.assertEqual(helper._lower("Note"), "note")
        self.assertIsNone(helper._lower(None))
        self.assertEqual(helper._err(ValueError("bad")), "ValueError: bad")

    def test_relocate_venv_rewrites_scripts_and_pyvenv_cfg_but_not_binaries(self):
        with tempfile.TemporaryDirectory() as d:
            old, new = os.path.join(d, "releases", "1", ".venv"), os.path.join(d, "releases", "2", ".venv")
            write(os.path.join(new, "bin", "gunicorn"), "#!%s/bin/python\nimport gunicorn\n" % old)
            write(os.path.join(new, "bin", "activate"), 'VIRTUAL_ENV="%s"\n' % old)
            write(os.path.join(new, "pyvenv.cfg"), "home = /usr/bin\ncommand = /usr/bin/python3 -m venv %s\n" % old)
            with open(os.path.join(new, "bin", "binary"), "wb") as f:
                f.write(b"\0ELF" + old.encode())
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = helper.main(["relocate-venv", old, new])
            self.assertEqual(code, 0)
            self.assertEqual(out.getvalue().strip(), "relocated 2 files")
            for name in ("bin/gunicorn", "bin/activate", "pyvenv.cfg"):
                with open(os.path.join(new, name), encoding="utf-8") as f:
                    text = f.read()
                self.assertIn(new, text, name)
                self.assertNotIn(old + "/", text.replace(new, ""), name)
            with open(os.path.join(new, "bin", "binary"), "rb") as f:
                self.assertIn(old.encode(), f.read())


class HealthTest(unittest.TestCase):
    """`health` against a real HTTP server on this machine: one JSON line, ok or not and why."""

    @classmethod
    def setUpClass(cls):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen = self.headers.get("X-Forwarded-Proto")
                status = 200 if self.path.startswith("/healthz") else 404
                body = ("release r2 proto=%s" % seen).encode()
                self.send_response(status)
                self.send_header("X-Release", "r2")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.server = HTTPServer(("127.0.0.1", 0), Handler)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def health(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = helper.main(["health", "--interval", "0"] + list(args))
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 1, out.getvalue())
        return code, json.loads(lines[0])

    def url(self, path="/healthz/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def test_the_expected_release_in_the_header_passes(self):
        code, result = self.health("--url", self.url(), "--header", "X-Release", "--expect", "r2")
        self.assertEqual(code, 0)
        self.assertEqual(result["ok"], True)
        self.assertEqual(result["status"], 200)
        self.assertEqual(result["release"], "r2")
        self.assertEqual(result["attempt"], 1)
        self.assertIn("elapsed_ms", result)

    def test_200_from_another_release_fails_after_every_retry(self):
        code, result = self.health("--url", self.url(), "--header", "X-Release", "--expect", "r1", "--retries", "2")
        self.assertEqual(code, 1)
        self.assertEqual(result["ok"], False)
        self.assertEqual(result["release"], "r2")
        self.assertEqual(result["attempt"], 2)
        self.assertIn("release r2", result["body"])

    def test_the_release_can_be_looked_for_in_the_body(self):
        code, result = self.health("--url", self.url(), "--mode", "body", "--expect", "r2")
        self.assertEqual((code, result["ok"], result["release"]), (0, True, "r2"))
        code, result = self.health("--url", self.url(), "--mode", "body", "--expect", "r9")
        self.assertEqual((code, result["ok"], result["release"]), (1, False, None))

    def test_a_wrong_status_fails(self):
        code, result = self.health("--url", self.url("/missing"))
        self.assertEqual((code, result["ok"], result["status"]), (1, False, 404))

    def test_straight_to_one_instance_it_adds_the_headers_nginx_would(self):
        code, result = self.health("--url", "https://example.com/healthz/", "--tcp", "127.0.0.1:%d" % self.port,
                                   "--mode", "body", "--expect", "proto=https")
        self.assertEqual(code, 0, result)

    def test_nothing_listening_is_an_error_not_a_crash(self):
        with socket_closed() as port:
            code, result = self.health("--url", "http://127.0.0.1:%d/" % port, "--timeout", "1")
        self.assertEqual(code, 1)
        self.assertEqual(result["ok"], False)
        self.assertIn("ConnectionRefusedError", result["error"])


@contextlib.contextmanager
def socket_closed():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    yield port


class DjangoProject:
    """A tiny Django project in a temp dir: app `shop`, migrations 0001..0004, SQLite."""

    MIGRATIONS = {
        "0001_initial": """
            from django.db import migrations, models

            class Migration(migrations.Migration):
                initial = True
                dependencies = []
                operations = [
                    migrations.CreateModel(name="Item", fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=50)),
                    ]),
                ]
            """,
        "0002_item_price": """
            from django.db import migrations, models

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.AddField("item", "price", models.IntegerField(null=True))]
            """,
        "0003_remove_item_name": """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0002_item_price")]
                operations = [migrations.RemoveField("item", "name")]
            """,
        "0004_fill_prices": """
            from django.db import migrations

            def fill(apps, schema_editor):
                pass

            class Migration(migrations.Migration):
                dependencies = [("shop", "0003_remove_item_name")]
                operations = [migrations.RunPython(fill)]
            """,
    }

    def __init__(self, root):
        self.root = root
        self.db = os.path.join(root, "db.sqlite3")
        self.env_file = os.path.join(root, "app.env")
        write(os.path.join(root, "manage.py"), """
            import os, sys
            if __name__ == "__main__":
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiny.settings")
                from django.core.management import execute_from_command_line
                execute_from_command_line(sys.argv)
            """)
        write(os.path.join(root, "tiny", "__init__.py"), "")
        write(os.path.join(root, "tiny", "settings.py"), """
            import os
            # a project that prints while loading: the helper's stdout must stay one JSON object
            print("loading tiny.settings")
            SECRET_KEY = os.environ.get("SECRET_KEY", "insecure")
            DEBUG = os.environ.get("DEBUG") == "1"
            INSTALLED_APPS = ["shop"]
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DB_PATH"]}}
            DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
            USE_TZ = True
            SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
            CSRF_TRUSTED_ORIGINS = ["https://shop.example.com"]
            STATIC_ROOT = os.path.join(os.path.dirname(os.environ["DB_PATH"]), "static", "collected")
            """)
        write(os.path.join(root, "shop", "__init__.py"), "")
        write(os.path.join(root, "shop", "migrations", "__init__.py"), "")
        for name, text in self.MIGRATIONS.items():
            write(os.path.join(root, "shop", "migrations", name + ".py"), text)
        write(self.env_file, "SECRET_KEY=%s\nDB_PATH=%s\nDEBUG=1\n" % (SECRET, self.db))

    def helper(self, *args):
        """Runs the helper in the project dir as djdeploy does; returns (exit, stdout, stderr)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DB_PATH", "SECRET_KEY")}
        p = subprocess.run([sys.executable, HELPER] + list(args), cwd=self.root, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def json(self, *args, expect=0, one_line=True):
        """The JSON answer. `migrations` prints exactly one line; `settings-facts` leaves what the
        project prints on stdout, and djdeploy reads its last JSON line (lastJsonLine)."""
        code, out, err = self.helper(*args)
        lines = out.splitlines()
        assert not one_line or len(lines) == 1, "stdout must be one JSON line, got:\n%s\nstderr:\n%s" % (out, err)
        assert code == expect, "exit %d, expected %d\nstdout: %s\nstderr: %s" % (code, expect, out, err)
        return json.loads([line for line in lines if line.startswith("{")][-1]), err

    def migrate(self, target):
        env = dict(os.environ, DB_PATH=self.db, SECRET_KEY="x", DJANGO_SETTINGS_MODULE="tiny.settings")
        subprocess.run([sys.executable, "manage.py", "migrate", "shop", target, "--noinput", "-v", "0"], cwd=self.root,
                       env=env, check=True, stdout=subprocess.DEVNULL, timeout=120)


REPORT_KEYS = {"django", "vendor", "mode", "database", "settings_module", "sql_collected", "conflicts", "inconsistent",
               "applied", "db_error", "db_missing", "pending_unknown", "known", "leaves", "leaf_nodes",
               "unmigrated_apps", "migrations"}
MIGRATION_KEYS = {"app", "name", "file", "django_app", "atomic", "initial", "dependencies", "replaces", "sql", "sql_error", "operations"}


class MigrationFactsTest(unittest.TestCase):
    """One project for the tests that only read it (a helper run costs a Django start-up);
    the tests that migrate or add a migration make their own."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.project = DjangoProject(cls.tmp.name)
        cls.report, cls.stderr = cls.migrations(cls.project)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def migrations(project, *args, expect=0):
        return project.json("migrations", "--env-file", project.env_file, *args, expect=expect)

    def own_project(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        return DjangoProject(tmp.name)

    def test_a_database_that_does_not_exist_has_everything_pending_and_is_not_created(self):
        report, err = self.report, self.stderr

        self.assertEqual(set(report), REPORT_KEYS)
        self.assertEqual(report["vendor"], "sqlite")
        self.assertEqual(report["mode"], "pending")
        self.assertEqual(report["settings_module"], "tiny.settings", "read from manage.py")
        self.assertTrue(report["db_missing"])
        self.assertFalse(os.path.exists(self.project.db), "the analysis must not create the database")
        self.assertEqual(report["applied"], [])
        names = [m["name"] for m in report["migrations"]]
        self.assertEqual(names, ["0001_initial", "0002_item_price", "0003_remove_item_name", "0004_fill_prices"])
        self.assertEqual(report["known"], [["shop", n] for n in names])
        self.assertEqual(report["leaves"], {"shop": "0004_fill_prices"})
        self.assertEqual(report["conflicts"], {})
        self.assertIn("loading tiny.settings", err, "what the project prints goes to stderr")
        self.assertNotIn(SECRET, json.dumps(report))

    def test_each_operation_is_described_with_the_state_before_it(self):
        report = self.report
        by_name = {m["name"]: m for m in report["migrations"]}
        for m in report["migrations"]:
            self.assertEqual(set(m), MIGRATION_KEYS, m["name"])

        self.assertEqual(by_name["0001_initial"]["file"], os.path.join("shop", "migrations", "0001_initial.py"))
        self.assertFalse(by_name["0001_initial"]["django_app"])
        create = by_name["0001_initial"]["operations"][0]
        self.assertEqual((create["type"], create["table"], create["fields"]), ("CreateModel", "shop_item", ["id", "name"]))
        self.assertTrue(by_name["0001_initial"]["initial"])
        self.assertTrue(any("CREATE TABLE" in s for s in by_name["0001_initial"]["sql"]), by_name["0001_initial"]["sql"])

        add = by_name["0002_item_price"]["operations"][0]
        self.assertEqual((add["type"], add["field"], add["table"]), ("AddField", "price", "shop_item"))
        self.assertTrue(add["field_def"]["null"])
        self.assertEqual(add["field_def"]["column"], "price")
        self.assertEqual(by_name["0002_item_price"]["dependencies"], [["shop", "0001_initial"]])

        remove = by_name["0003_remove_item_name"]["operations"][0]
        self.assertEqual((remove["type"], remove["field"]), ("RemoveField", "name"))
        self.assertEqual(remove["field_def"]["type"], "CharField", "the removed field, from the state before")
        self.assertEqual(remove["field_def"]["max_length"], 50)

        run = by_name["0004_fill_prices"]["operations"][0]
        self.assertEqual(run["type"], "RunPython")
        self.assertFalse(run["reverse_code"])
        self.assertFalse(run["reversible"])
        self.assertTrue(run["code"].endswith(".fill"), run["code"])

    def test_applied_migrations_come_from_the_database_and_only_the_rest_is_pending(self):
        project = self.own_project()
        project.migrate("0002")

        report, _ = self.migrations(project)

        self.assertFalse(report["db_missing"])
        self.assertIsNone(report["db_error"])
        self.assertEqual(report["applied"], [["shop", "0001_initial"], ["shop", "0002_item_price"]])
        self.assertEqual([m["name"] for m in report["migrations"]], ["0003_remove_item_name", "0004_fill_prices"])
        self.assertIsNone(report["inconsistent"])

    def test_all_lists_every_migration_whatever_is_applied(self):
        project = self.own_project()
        project.migrate("0002")

        report, _ = self.migrations(project, "--all", "--no-sql")

        self.assertEqual(report["mode"], "all")
        self.assertFalse(report["sql_collected"])
        self.assertEqual(len(report["migrations"]), 4)
        self.assertTrue(all(m["sql"] is None for m in report["migrations"]))

    def test_conflicting_leaves_are_reported(self):
        project = self.own_project()
        write(os.path.join(project.root, "shop", "migrations", "0002_other.py"), """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = []
            """)

        report, _ = self.migrations(project, "--no-sql")

        self.assertEqual(report["conflicts"], {"shop": ["0002_other", "0004_fill_prices"]})

    def test_pretty_output_is_the_same_object(self):
        code, out, _ = self.project.helper("migrations", "--env-file", self.project.env_file, "--pretty")
        self.assertEqual(code, 0)
        self.assertGreater(len(out.splitlines()), 1)
        self.assertEqual(json.loads(out), self.report)

    def test_a_project_that_cannot_load_is_one_json_error(self):
        report, _ = self.migrations(self.project, "--settings", "tiny.missing", expect=1)
        self.assertEqual(set(report), {"error"})
        self.assertIn("tiny.missing", report["error"])


class AppliedTest(unittest.TestCase):
    """`applied`: only what django_migrations holds (a rollback's schema check), read without
    django.setup() and without the migration loader, equal to what `migrations` reports."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.project = DjangoProject(self.tmp.name)
        # an installed app's models module: django.setup() imports it, the light read must not
        write(os.path.join(self.project.root, "shop", "models.py"), """
            print("shop.models imported")
            """)

    def tearDown(self):
        self.tmp.cleanup()

    def applied(self, *args, expect=0):
        return self.project.json("applied", "--env-file", self.project.env_file, *args, expect=expect)

    def use_engine(self, engine):
        """The settings name another engine for the same SQLite file."""
        path = os.path.join(self.project.root, "tiny", "settings.py")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace('"django.db.backends.sqlite3"', repr(engine)))

    def test_the_applied_migrations_are_those_migrations_reports_in_the_same_order(self):
        self.project.migrate("0002")

        report, err = self.applied()
        full, full_err = self.project.json("migrations", "--env-file", self.project.env_file, "--no-sql")

        self.assertEqual(report["applied"], [["shop", "0001_initial"], ["shop", "0002_item_price"]])
        self.assertEqual(report["applied"], full["applied"])
        self.assertEqual((report["mode"], report["vendor"], report["db_error"], report["db_missing"]),
                         ("applied", "sqlite", None, False))
        self.assertEqual(report["settings_module"], "tiny.settings", "read from manage.py")
        self.assertIn("loading tiny.settings", err, "what the settings print goes to stderr")
        self.assertNotIn("shop.models imported", err, "no django.setup(): the apps' models are not imported")
        self.assertIn("shop.models imported", full_err, "the whole analysis does set Django up")
        self.assertNotIn(SECRET, json.dumps(report))

    def test_through_djangos_own_backend_for_any_other_engine(self):
        # a project's own engine (here a subclass of SQLite's) opens through django.db.connections
        write(os.path.join(self.project.root, "tinydb", "__init__.py"), "")
        write(os.path.join(self.project.root, "tinydb", "base.py"), """
            from django.db.backends.sqlite3 import base

            class DatabaseWrapper(base.DatabaseWrapper):
                pass
            """)
        self.project.migrate("0003")
        self.use_engine("tinydb")

        report, err = self.applied()

        self.assertEqual(report["applied"], [["shop", "0001_initial"], ["shop", "0002_item_price"],
                                             ["shop", "0003_remove_item_name"]])
        self.assertEqual(report["vendor"], "sqlite")
        self.assertNotIn("shop.models imported", err)

    def test_a_database_that_does_not_exist_has_nothing_applied_and_is_not_created(self):
        for engine in ("django.db.backends.sqlite3", "tinydb"):
            with self.subTest(engine=engine):
                write(os.path.join(self.project.root, "tinydb", "__init__.py"), "")
                write(os.path.join(self.project.root, "tinydb", "base.py"),
                      "from django.db.backends.sqlite3.base import DatabaseWrapper  # noqa\n")
                self.use_engine(engine)

                report, _ = self.applied()

                self.assertTrue(report["db_missing"])
                self.assertEqual(report["applied"], [])
                self.assertFalse(os.path.exists(self.project.db), "the read must not create the database")

    def test_a_database_without_the_migrations_table_has_nothing_applied(self):
        import sqlite3
        sqlite3.connect(self.project.db).close()

        report, _ = self.applied()

        self.assertEqual((report["applied"], report["db_error"], report["db_missing"]), ([], None, False))

    def test_an_unreadable_database_is_a_db_error_never_nothing_applied(self):
        with open(self.project.db, "w") as f:
            f.write("not a database " * 100)

        report, _ = self.applied()

        self.assertIn("DatabaseError", report["db_error"])

    def test_settings_that_cannot_load_are_one_json_error(self):
        report, _ = self.applied("--settings", "tiny.missing", expect=1)
        self.assertEqual(set(report), {"error"})
        self.assertIn("tiny.missing", report["error"])

    def test_an_unknown_database_alias_is_one_json_error(self):
        report, _ = self.applied("--database", "replica", expect=1)
        self.assertIn("replica", report["error"])


class SettingsFactsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.project = DjangoProject(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_facts_are_booleans_and_header_names_never_values(self):
        facts, _ = self.project.json("settings-facts", "--env-file", self.project.env_file,
                                     "--public-url", "https://shop.example.com", one_line=False)

        self.assertEqual(facts, {
            "db_ok": True,
            "secure_proxy_ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"],
            "csrf_trusted_origins_covers": True,
            "static_root_set": True,
            "static_root_writable": True,
            "debug": True,
        })

    def test_an_origin_the_settings_do_not_trust_is_reported(self):
        facts, _ = self.project.json("settings-facts", "--env-file", self.project.env_file,
                                     "--public-url", "https://www.example.com", one_line=False)
        self.assertFalse(facts["csrf_trusted_origins_covers"])

    def test_an_unreadable_env_file_is_one_json_error(self):
        facts, _ = self.project.json("settings-facts", "--env-file", os.path.join(self.project.root, "missing.env"),
                                     expect=1, one_line=False)
        self.assertIn("cannot read env file", facts["error"])


class MediaInReleaseTest(unittest.TestCase):
    """settings-facts --release-dir: file storage locations that resolve inside the release."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.deploy_to = self.tmp.name
        self.release = os.path.join(self.deploy_to, "releases", "20261201000000")
        self.project = DjangoProject(self.release)
        os.makedirs(os.path.join(self.deploy_to, "shared", "media"))

    def tearDown(self):
        self.tmp.cleanup()

    def facts(self, settings_tail, models=None):
        with open(os.path.join(self.release, "tiny", "settings.py"), "a", encoding="utf-8") as f:
            f.write(textwrap.dedent(settings_tail))
        if models:
            write(os.path.join(self.release, "shop", "models.py"), models)
        facts, _ = self.project.json("settings-facts", "--env-file", self.project.env_file,
                                     "--release-dir", self.release, one_line=False)
        return facts["media_in_release"]

    def test_media_root_inside_the_release_is_named_with_its_path(self):
        found = self.facts("""
            MEDIA_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "uploads")
            """)
        self.assertEqual(found, [{"setting": "MEDIA_ROOT", "path": os.path.join(os.path.realpath(self.release), "uploads")}])

    def test_media_root_under_a_shared_link_is_fine(self):
        os.symlink(os.path.join(self.deploy_to, "shared", "media"), os.path.join(self.release, "media"))
        found = self.facts("""
            MEDIA_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "media", "files")
            """)
        self.assertEqual(found, [])

    def test_media_root_outside_the_release_is_fine(self):
        found = self.facts("MEDIA_ROOT = %r\n" % os.path.join(self.deploy_to, "shared", "media"))
        self.assertEqual(found, [])

    def test_storages_and_model_file_field_storages_are_followed(self):
        found = self.facts("""
            MEDIA_ROOT = %r
            STORAGES = {
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "private")}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
            """ % os.path.join(self.deploy_to, "shared", "media"), models="""
            import os
            from django.core.files.storage import FileSystemStorage
            from django.db import models

            class Invoice(models.Model):
                pdf = models.FileField(storage=FileSystemStorage(location=os.path.join(os.path.dirname(__file__), "invoices")))
                photo = models.FileField()
            """)
        real = os.path.realpath(self.release)
        self.assertEqual(found, [
            {"setting": "STORAGES['private']", "path": os.path.join(real, "private")},
            {"setting": "shop.Invoice.pdf storage", "path": os.path.join(real, "shop", "invoices")},
        ])

    def test_an_empty_media_root_matters_only_when_a_file_field_uses_it(self):
        self.assertEqual(self.facts(""), [])

    def test_an_empty_media_root_with_a_file_field_is_the_working_directory(self):
        found = self.facts("", models="""
            from django.db import models

            class Doc(models.Model):
                upload = models.FileField()
            """)
        self.assertEqual(found, [{"setting": "shop.Doc.upload storage", "path": os.path.realpath(self.release)}])


class RunTest(unittest.TestCase):
    def test_run_executes_the_program_with_the_env_file_loaded(self):
        with tempfile.TemporaryDirectory() as d:
            env_file = os.path.join(d, "app.env")
            write(env_file, "GREETING=hello from the env file\n")
            p = subprocess.run([sys.executable, HELPER, "run", "--env-file", env_file, "--settings", "x.settings", "--",
                                sys.executable, "-c",
                                "import os; print(os.environ['GREETING'], os.environ['DJANGO_SETTINGS_MODULE'],"
                                " os.environ['DJANGO_ENV_FILE'])"],
                               stdout=subprocess.PIPE, universal_newlines=True, timeout=60)
            self.assertEqual(p.returncode, 0)
            self.assertEqual(p.stdout.strip(), "hello from the env file x.settings " + env_file)


class WarmTest(unittest.TestCase):
    """--warm: the release's warm Django process answers a command as the command's own process
    would (output, exit status), with one Django start for several commands (issue 18)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.project = DjangoProject(self.tmp.name)
        # as on a host: the helper in the release's .djdeploy/, run from the project directory
        self.helper_path = os.path.join(self.tmp.name, ".djdeploy", "helper.py")
        os.makedirs(os.path.dirname(self.helper_path))
        with open(HELPER, "rb") as src, open(self.helper_path, "wb") as dst:
            dst.write(src.read())
        self.socket = os.path.join(self.tmp.name, ".djdeploy", "warm", "sock")

    def tearDown(self):
        if os.path.exists(self.socket):
            self.run_helper("settings-facts", "--warm-last", "--env-file", self.project.env_file)
        self.tmp.cleanup()

    def run_helper(self, *args):
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DB_PATH", "SECRET_KEY")}
        p = subprocess.run([sys.executable, self.helper_path] + list(args), cwd=self.project.root, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def questions(self, warm, last):
        """check --deploy, an unknown command, the settings facts, makemigrations --check: (exit, out, err) each."""
        env = ["--env-file", self.project.env_file]
        manage = [sys.executable, "manage.py"]
        return [
            self.run_helper("run", *warm, *env, "--", *manage, "check", "--deploy"),
            self.run_helper("run", *warm, *env, "--", *manage, "nosuchcommand"),
            self.run_helper("settings-facts", *env, *warm),
            self.run_helper("run", *last, *env, "--", *manage, "makemigrations", "--check", "--dry-run", "--noinput"),
        ]

    @staticmethod
    def without_loading_lines(answers):
        return [(code, out.replace("loading tiny.settings\n", ""), err) for code, out, err in answers]

    def test_warm_commands_answer_as_their_own_processes_with_one_django_start(self):
        cold = self.questions([], [])
        warm = self.questions(["--warm"], ["--warm-last"])

        # then: the same exit statuses, stdout and stderr, each command's apart
        self.assertEqual([a[0] for a in warm], [0, 1, 0, 1])
        self.assertEqual(self.without_loading_lines(warm), self.without_loading_lines(cold))
        self.assertIn("(security.W018)", warm[0][2])
        self.assertIn("Unknown command: 'nosuchcommand'", warm[1][2])
        self.assertIn("Delete model Item", warm[3][1])
        # and the settings (the project) loaded once for the four, not once each
        self.assertEqual(sum(out.count("loading tiny.settings") for _, out, _ in cold), 4)
        self.assertEqual(sum(out.count("loading tiny.settings") for _, out, _ in warm), 1)
        # --warm-last stopped the process: its socket is gone
        self.assertFalse(os.path.exists(self.socket))
        for _, out, err in warm:
            self.assertNotIn(SECRET, out + err)

    def test_another_env_file_is_not_answered_by_a_process_that_loaded_another(self):
        self.run_helper("settings-facts", "--warm", "--env-file", self.project.env_file)
        other = os.path.join(self.project.root, "other.env")
        write(other, "SECRET_KEY=x\nDB_PATH=%s\nDEBUG=0\n" % self.project.db)

        code, out, _ = self.run_helper("settings-facts", "--warm", "--env-file", other)

        # then: answered in a process of its own, with that env file's settings (and the project loaded again)
        self.assertEqual(code, 0)
        self.assertIn("loading tiny.settings", out)
        self.assertFalse(json.loads(out.splitlines()[-1])["debug"])

    def test_a_program_that_is_not_a_python_script_runs_as_run_would(self):
        code, out, _ = self.run_helper("run", "--warm", "--env-file", self.project.env_file, "--",
                                       sys.executable, "-c", "import os; print(os.environ['DB_PATH'] != '')")
        self.assertEqual((code, out.strip()), (0, "True"))


if __name__ == "__main__":
    unittest.main()


class OperationShapesTest(unittest.TestCase):
    """Every operation shape of ops_project.py (those the running Django has) gives the facts
    the classifier needs; HelperPythonTest runs this under Django 3.2, 4.2 and 5.2."""

    @classmethod
    def setUpClass(cls):
        import ops_project
        cls.tmp = tempfile.TemporaryDirectory()
        env_file = ops_project.make(cls.tmp.name)
        cls.report = json.loads(ops_project.facts(cls.tmp.name, env_file))
        cls.ops = {m["name"]: m["operations"] for m in cls.report["migrations"]}
        cls.expected = [name for name, _, _ in ops_project.CASES]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_case_is_reported_in_order_and_only_known_ops_fail_sql(self):
        self.assertEqual([m["name"] for m in self.report["migrations"]], self.expected)
        for m in self.report["migrations"]:
            if m["name"] in ("0014_book_title_idx", "0015_remove_book_title_idx"):
                self.assertIsNotNone(m["sql_error"], "CONCURRENTLY is PostgreSQL's")
            else:
                self.assertIsNone(m["sql_error"], m["name"])

    def test_a_primary_key_type_change_names_the_foreign_key_columns_it_rewrites(self):
        op = self.ops["0002_alter_author_id"][0]
        self.assertEqual((op["old_field"]["type"], op["new_field"]["type"]), ("AutoField", "BigAutoField"))
        self.assertEqual(op["referenced_by"], ["shop_book.author_id"])

    def test_constraints_say_their_kind_and_condition(self):
        unique = self.ops["0008_author_unique_name"][0]["constraint"]
        self.assertEqual((unique["kind"], unique["condition"], unique["fields"]), ("unique", True, ["name"]))
        check = self.ops["0009_book_stock_gte_0"][0]["constraint"]
        self.assertEqual((check["kind"], check["condition"]), ("check", True))
        removed = self.ops["0010_remove_book_stock_gte_0"][0]["constraint"]
        self.assertEqual(removed["kind"], "check", "read from the state before the removal")

    def test_a_one_off_default_is_reported_with_its_value(self):
        remove, add = self.ops["0011_remove_author_code_author_slug"]
        self.assertEqual((remove["type"], add["type"]), ("RemoveField", "AddField"))
        self.assertFalse(add["preserve_default"])
        self.assertEqual(add["default_repr"], "'unknown'")

    def test_unique_together_reports_old_and_new(self):
        op = self.ops["0007_alter_book_unique_together"][0]
        self.assertEqual((op["old_together"], op["together"]), ([], [["title", "author"]]))

    def test_separate_database_and_state_reports_both_sides(self):
        op = self.ops["0012_book_note"][0]
        self.assertEqual([o["type"] for o in op["database_operations"]], ["AddField"])
        self.assertEqual([o["type"] for o in op["state_operations"]], ["AddField"])
        table = self.ops["0013_alter_book_table"][0]
        self.assertEqual((table["old_table"], table["new_table"]), ("shop_book", "library_book"))
        self.assertEqual(self.ops["0014_book_title_idx"][0]["index"]["concurrently"], True)
        self.assertEqual(self.ops["0015_remove_book_title_idx"][0]["table"], "library_book")

    def test_operations_added_after_3_2_when_this_django_has_them(self):
        newer = [n for n in self.expected if n >= "0016"]
        if django_version() >= (4, 1):
            self.assertIn("0016_rename_book_stock_idx", newer)
            rename = self.ops["0016_rename_book_stock_idx"][1]
            self.assertEqual((rename["type"], rename["old_name"], rename["new_name"]), ("RenameIndex", "book_stock_idx", "book_stock_ix"))
        if django_version() >= (4, 2):
            self.assertEqual(self.ops["0017_alter_author_table_comment"][0]["type"], "AlterModelTableComment")
        if django_version() >= (5, 0):
            country = self.ops["0018_author_country"][0]["field_def"]
            self.assertEqual((country["db_default"], country["db_default_constant"]), (True, True))
            doubled = self.ops["0019_book_doubled"][0]["field_def"]
            self.assertEqual((doubled["generated"], doubled["db_persist"]), (True, True))
        else:
            self.assertEqual([n for n in newer if n >= "0018"], [])


def django_version():
    import django
    return django.VERSION[:2]
