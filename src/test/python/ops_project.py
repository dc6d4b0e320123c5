"""A Django project whose migrations hold one operation shape per case the classifier must
judge, including those Django added after 3.2 (only the ones the running Django has:
RenameIndex 4.1+, AlterModelTableComment 4.2+, db_default and GeneratedField 5.0+).

    PYTHONPATH=~/.cache/djdeploy-test/django-5.2/usr/lib/python3/dist-packages \\
        /usr/bin/python3 src/test/python/ops_project.py
re-records src/test/resources/migrations/ops-django52.json (MigrationClassifierTest reads it).
"""
import os
import subprocess
import sys
import tempfile
import textwrap

import django

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "io", "djdeploy", "django", "helper.py"))
RECORDED = os.path.normpath(os.path.join(HERE, "..", "resources", "migrations", "ops-django52.json"))

IMPORTS = "from django.db import migrations, models\nfrom django.db.models import F, Q\n"

# (name, operations source, atomic); each depends on the one before
CASES = [
    ("0001_initial", """[
        migrations.CreateModel("Author", [
            ("id", models.AutoField(primary_key=True, serialize=False)),
            ("name", models.CharField(max_length=50)),
            ("code", models.CharField(max_length=20)),
        ]),
        migrations.CreateModel("Book", [
            ("id", models.AutoField(primary_key=True, serialize=False)),
            ("title", models.CharField(max_length=100)),
            ("isbn", models.CharField(max_length=20)),
            ("pages", models.IntegerField(null=True)),
            ("stock", models.IntegerField(default=0)),
            ("author", models.ForeignKey("shop.Author", on_delete=models.CASCADE)),
        ]),
    ]""", True),
    ("0002_alter_author_id", """[migrations.AlterField("author", "id", models.BigAutoField(primary_key=True, serialize=False))]""", True),
    ("0003_alter_book_title", """[migrations.AlterField("book", "title", models.CharField(max_length=200))]""", True),
    ("0004_alter_author_code", """[migrations.AlterField("author", "code", models.CharField(max_length=10))]""", True),
    ("0005_alter_book_pages", """[migrations.AlterField("book", "pages", models.CharField(max_length=10, null=True))]""", True),
    ("0006_alter_book_isbn", """[migrations.AlterField("book", "isbn", models.CharField(max_length=20, unique=True))]""", True),
    ("0007_alter_book_unique_together", """[migrations.AlterUniqueTogether("book", {("title", "author")})]""", True),
    ("0008_author_unique_name", """[migrations.AddConstraint("author", models.UniqueConstraint(
        fields=["name"], condition=Q(name__gt=""), name="author_unique_name"))]""", True),
    ("0009_book_stock_gte_0", """[migrations.AddConstraint("book", models.CheckConstraint(
        %s=Q(stock__gte=0), name="book_stock_gte_0"))]""" % ("condition" if django.VERSION >= (5, 1) else "check"), True),
    ("0010_remove_book_stock_gte_0", """[migrations.RemoveConstraint("book", "book_stock_gte_0")]""", True),
    ("0011_remove_author_code_author_slug", """[
        migrations.RemoveField("author", "code"),
        migrations.AddField("author", "slug", models.CharField(default="unknown", max_length=20), preserve_default=False),
    ]""", True),
    ("0012_book_note", """[migrations.SeparateDatabaseAndState(
        database_operations=[migrations.AddField("book", "note", models.TextField(null=True))],
        state_operations=[migrations.AddField("book", "note", models.TextField(null=True))])]""", True),
    ("0013_alter_book_table", """[migrations.AlterModelTable("book", "library_book")]""", True),
    ("0014_book_title_idx", """[__import__("django.contrib.postgres.operations", fromlist=["x"]).AddIndexConcurrently(
        "book", models.Index(fields=["title"], name="book_title_idx"))]""", False),
    ("0015_remove_book_title_idx", """[__import__("django.contrib.postgres.operations", fromlist=["x"]).RemoveIndexConcurrently(
        "book", "book_title_idx")]""", False),
]
if django.VERSION >= (4, 1):
    CASES.append(("0016_rename_book_stock_idx", """[
        migrations.AddIndex("book", models.Index(fields=["stock"], name="book_stock_idx")),
        migrations.RenameIndex("book", new_name="book_stock_ix", old_name="book_stock_idx"),
    ]""", True))
if django.VERSION >= (4, 2):
    CASES.append(("0017_alter_author_table_comment", """[migrations.AlterModelTableComment("author", "people who write")]""", True))
if django.VERSION >= (5, 0):
    CASES.append(("0018_author_country", """[migrations.AddField("author", "country",
        models.CharField(max_length=2, db_default="FR"))]""", True))
    CASES.append(("0019_book_doubled", """[migrations.AddField("book", "doubled", models.GeneratedField(
        expression=F("stock") * 2, output_field=models.IntegerField(), db_persist=True))]""", True))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make(root):
    """Writes the project into root (app `shop`, SQLite at $DB_PATH); returns the env file."""
    write(os.path.join(root, "manage.py"), textwrap.dedent("""
        import os, sys
        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops.settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
        """))
    write(os.path.join(root, "ops", "__init__.py"), "")
    write(os.path.join(root, "ops", "settings.py"), textwrap.dedent("""
        import os
        SECRET_KEY = "x"
        INSTALLED_APPS = ["shop"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DB_PATH"]}}
        DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
        USE_TZ = True
        """))
    write(os.path.join(root, "shop", "__init__.py"), "")
    write(os.path.join(root, "shop", "migrations", "__init__.py"), "")
    previous = None
    for name, ops, atomic in CASES:
        deps = [("shop", previous)] if previous else []
        text = IMPORTS + "\n\nclass Migration(migrations.Migration):\n"
        text += "    atomic = %r\n    dependencies = %r\n    operations = %s\n" % (atomic, deps, textwrap.dedent(ops).strip())
        write(os.path.join(root, "shop", "migrations", name + ".py"), text)
        previous = name
    env_file = os.path.join(root, "app.env")
    write(env_file, "DB_PATH=%s\n" % os.path.join(root, "db.sqlite3"))
    return env_file


def facts(root, env_file, *args):
    """The helper's `migrations --all` JSON text for the project."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DB_PATH")}
    p = subprocess.run([sys.executable, HELPER, "migrations", "--all", "--env-file", env_file] + list(args),
                       cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=120)
    if p.returncode != 0:
        raise AssertionError("helper failed (%d): %s\n%s" % (p.returncode, p.stdout, p.stderr))
    return p.stdout


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        out = facts(d, make(d), "--pretty")
    write(RECORDED, out)
    print("recorded %s with Django %s" % (RECORDED, django.get_version()))
