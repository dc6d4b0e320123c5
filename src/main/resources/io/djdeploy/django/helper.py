"""djdeploy's helper, uploaded into each release and run on the host with the release's
own interpreter. Standard library only; Python 3.7+; Django 3.2 through 5.x.

It never prints settings values or the contents of the env file.

Commands:
  run --env-file F [--settings MOD] -- PROGRAM ARGS...   exec PROGRAM with the env file loaded
  run/settings-facts/migrations --warm|--warm-last ...    the same, answered by the release's warm
                                                          Django process when it can (see "warm")
  warm-serve --env-file F [--settings MOD]                that process (started by a --warm command)
  relocate-venv OLD NEW                                   fix paths in a copied virtualenv
  health --url U|- [...]                                  prove a release serves (JSON result); - reads U from stdin
  migrations [--all] [--settings MOD] [--env-file F] [--no-sql] [--database ALIAS] [--pretty]
                                                          migration facts as one JSON object; run
                                                          in the project dir (where manage.py is)
  applied [--settings MOD] [--env-file F] [--database ALIAS]
                                                          only the applied migrations (a rollback's
                                                          schema check): no django.setup(), no loader
"""
import argparse
import json
import os
import re
import socket
import sys
import time

ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def load_env_file(path):
    """Parses KEY=value lines (systemd EnvironmentFile / docker --env-file style)."""
    values = {}
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = ENV_LINE.match(line)
            if not m:
                # the line number, never the line: it may hold a secret
                raise ValueError("%s:%d: expected KEY=value" % (path, number))
            key, value = m.group(1), m.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[key] = value
    return values


def cmd_run(args):
    env = dict(os.environ)
    if args.env_file:
        try:
            env.update(load_env_file(args.env_file))
        except OSError as e:
            print("djdeploy: cannot read env file %s: %s" % (args.env_file, e.strerror), file=sys.stderr)
            return 2
        except ValueError as e:
            print("djdeploy: %s" % e, file=sys.stderr)
            return 2
        env["DJANGO_ENV_FILE"] = args.env_file
    if args.settings:
        env["DJANGO_SETTINGS_MODULE"] = args.settings
    program = args.program
    if program and program[0] == "--":
        program = program[1:]
    if not program:
        print("djdeploy: run needs a program", file=sys.stderr)
        return 2
    sys.stdout.flush()
    os.execvpe(program[0], program, env)


def cmd_relocate_venv(args):
    """A copied venv still names the old path in script shebangs and activate files."""
    old = args.old.rstrip("/").encode()
    new = args.new.rstrip("/").encode()
    bindir = os.path.join(args.new, "bin")
    changed = 0
    for name in os.listdir(bindir):
        path = os.path.join(bindir, name)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data[:4096] or old not in data:
            continue
        with open(path, "wb") as f:
            f.write(data.replace(old, new))
        changed += 1
    cfg = os.path.join(args.new, "pyvenv.cfg")
    if os.path.exists(cfg):
        with open(cfg, "rb") as f:
            data = f.read()
        if old in data:
            with open(cfg, "wb") as f:
                f.write(data.replace(old, new))
    print("relocated %d files" % changed)
    return 0




def http_get(url, timeout, unix_socket=None, tcp=None):
    """GET url. With unix_socket or tcp ("HOST:PORT") the request goes straight to that
    listener (one web instance, bypassing nginx) with the URL's Host, and with the
    X-Forwarded-* headers nginx would add, so that SECURE_SSL_REDIRECT and
    SECURE_PROXY_SSL_HEADER see the same request as through the proxy."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"User-Agent": "djdeploy-health", "Cache-Control": "no-cache"}
    host_header = parts.netloc or "localhost"
    if unix_socket or tcp:
        headers["Host"] = host_header
        headers["X-Forwarded-Proto"] = parts.scheme or "http"
        headers["X-Forwarded-For"] = "127.0.0.1"
        headers["X-Forwarded-Host"] = host_header
    if unix_socket:
        class Conn(http.client.HTTPConnection):
            def connect(self):
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(unix_socket)
        conn = Conn(parts.hostname or "localhost", timeout=timeout)
    elif tcp:
        thost, _, tport = tcp.rpartition(":")
        conn = http.client.HTTPConnection(thost or "127.0.0.1", int(tport), timeout=timeout)
    elif parts.scheme == "https":
        import ssl
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        if "Host" in headers:
            conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
        else:
            conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read(65536).decode("utf-8", "replace")
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), body
    finally:
        conn.close()


def cmd_health(args):
    if args.url == "-":
        # a secret URL comes on stdin, so no command line (ps, /proc/PID/cmdline) shows it
        args.url = sys.stdin.readline().strip()
    last = {}
    started = time.monotonic()
    for attempt in range(1, args.retries + 1):
        result = {"attempt": attempt}
        try:
            status, headers, body = http_get(args.url, args.timeout, args.unix_socket, args.tcp)
            result["status"] = status
            seen = None
            if args.header:
                seen = headers.get(args.header.lower())
            result["release"] = seen
            ok = status == args.status
            if args.expect and args.mode == "header":
                ok = ok and seen == args.expect
            elif args.expect and args.mode == "body":
                ok = ok and args.expect in body
                result["release"] = args.expect if args.expect in body else None
            result["ok"] = ok
            if not ok:
                result["body"] = body[:300]
        except Exception as e:  # noqa: connection refused, timeouts, resets
            result["ok"] = False
            result["error"] = "%s: %s" % (type(e).__name__, e)
        last = result
        if result["ok"]:
            break
        if args.deadline and time.monotonic() - started + args.interval >= args.deadline:
            last["error"] = (last.get("error") or "not healthy") + " (gave up after %.1fs)" % args.deadline
            break
        if attempt < args.retries:
            time.sleep(args.interval)
    last["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    print(json.dumps(last))
    return 0 if last.get("ok") else 1


# ---------------------------------------------------------------------------
# migrations: facts about the release's migrations, for djdeploy's classifier
# ---------------------------------------------------------------------------
#
# Runs with the release's own interpreter and Django (3.2 through 5.x). Everything here uses
# Django's own machinery -- MigrationLoader/MigrationExecutor.migration_plan (what `migrate`
# would run), MigrationRecorder (what the database says is applied), loader.collect_sql (what
# `sqlmigrate` prints) and ProjectState + op.state_forwards (the model state right before
# each operation) -- and prints facts only; the classification (safe / review and why) is
# done in Java (see domain-notes.md, "Migration operations").
#
# Nothing is written to the database: the recorder is only read (no ensure_schema), SQL is
# collected with schema_editor(collect_sql=True), and a missing SQLite file is not created.

SETTINGS_IN_MANAGE_PY = re.compile(
    r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")


class MigrationsFailure(Exception):
    """A failure that ends the command with {"error": ...} and exit status 1."""


def _err(e):
    return ("%s: %s" % (type(e).__name__, e)).strip()


def _settings_module_from_manage_py(path="manage.py"):
    try:
        with open(path, encoding="utf-8") as f:
            m = SETTINGS_IN_MANAGE_PY.search(f.read())
    except OSError:
        return None
    return m.group(1) if m else None


def _pair(key):
    return [key[0], key[1]]


def _lower(name):
    return name.lower() if isinstance(name, str) else None


def _model_state(state, app_label, model):
    if state is None or model is None:
        return None
    return state.models.get((app_label, model))


def _state_fields(model_state):
    fields = model_state.fields
    # dict since Django 3.1; a list of (name, field) pairs before
    return fields if isinstance(fields, dict) else dict(fields)


class _Context:
    def __init__(self, connection, app_label):
        self.connection = connection
        self.app_label = app_label
        self.created = set()        # lower model names created earlier in this migration

    def default_table(self, app_label, model):
        from django.db.backends.utils import truncate_name
        name = "%s_%s" % (app_label, model)
        try:
            return truncate_name(name, self.connection.ops.max_name_length())
        except Exception:
            return name

    def table_of(self, model_state):
        if model_state is None:
            return None
        if model_state.options.get("proxy"):
            return None
        return model_state.options.get("db_table") or self.default_table(model_state.app_label,
                                                                         model_state.name_lower)


def _related_label(field):
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return None
    model = getattr(remote, "model", None)
    if isinstance(model, str):
        return model.lower()
    meta = getattr(model, "_meta", None)
    if meta is not None:
        return meta.label_lower
    return None


def _field_facts(field, name, ctx):
    from django.db.models.fields import NOT_PROVIDED
    db_default = getattr(field, "db_default", NOT_PROVIDED)   # Django 5.0+
    has_db_default = db_default is not NOT_PROVIDED
    constant = None
    if has_db_default:
        try:
            from django.db.models import Value
        except ImportError:  # pragma: no cover
            Value = ()
        # Field.__init__ wraps a plain value in Value(); anything else is an expression
        constant = isinstance(db_default, Value) or not hasattr(db_default, "resolve_expression")
    is_relation = bool(field.is_relation)
    many_to_one = bool(getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False))
    column = getattr(field, "db_column", None)
    if not column and name and not field.many_to_many:
        column = name + "_id" if many_to_one else name
    facts = {
        "type": type(field).__name__,
        "internal_type": None,
        "null": bool(field.null),
        "blank": bool(field.blank),
        "unique": bool(field.unique),
        "db_index": bool(field.db_index),
        "primary_key": bool(field.primary_key),
        "is_relation": is_relation,
        "many_to_many": bool(field.many_to_many),
        "max_length": field.max_length,
        "has_default": bool(field.has_default()),
        "db_default": has_db_default,
        "db_default_constant": constant,
        "column": column,
        "db_type": None,
    }
    try:
        facts["internal_type"] = field.get_internal_type()
    except Exception:
        pass
    if type(field).__name__ == "GeneratedField":                # Django 5.0+: no INSERT value
        facts["generated"] = True
        facts["db_persist"] = bool(getattr(field, "db_persist", False))
    for attr in ("max_digits", "decimal_places", "db_collation"):
        value = getattr(field, attr, None)
        if value is not None:
            facts[attr] = value
    if is_relation:
        facts["related_model"] = _related_label(field)
        if hasattr(field, "db_constraint"):
            facts["db_constraint"] = bool(field.db_constraint)
    else:
        # unbound relations cannot tell their column type; plain fields can
        try:
            facts["db_type"] = field.db_type(ctx.connection)
        except Exception:
            pass
    return facts


def _index_facts(index, concurrently):
    if index is None:
        return None
    return {
        "name": getattr(index, "name", None),
        "fields": list(getattr(index, "fields", None) or []),
        "concurrently": concurrently,
        "type": type(index).__name__,
        "expressions": len(getattr(index, "expressions", None) or ()),
        "condition": getattr(index, "condition", None) is not None,
    }


def _constraint_facts(constraint):
    if constraint is None:
        return None
    kind = "other"
    try:
        from django.db.models import CheckConstraint, UniqueConstraint
        if isinstance(constraint, CheckConstraint):
            kind = "check"
        elif isinstance(constraint, UniqueConstraint):
            kind = "unique"
    except ImportError:  # pragma: no cover
        pass
    facts = {"kind": kind, "name": getattr(constraint, "name", None), "type": type(constraint).__name__,
             # a CheckConstraint's expression is `condition` since Django 5.1, `check` before
             "condition": (getattr(constraint, "condition", None) or getattr(constraint, "check", None)) is not None}
    if kind == "unique":
        facts["fields"] = list(getattr(constraint, "fields", None) or [])
        facts["expressions"] = len(getattr(constraint, "expressions", None) or ())
        facts["condition"] = getattr(constraint, "condition", None) is not None
        facts["deferrable"] = getattr(constraint, "deferrable", None) is not None
    return facts


def _together(value):
    return sorted([list(t) for t in (value or ())])


def _find_named(items, name):
    for item in items or ():
        if getattr(item, "name", None) == name:
            return item
    return None


def _op_model(op):
    """The lower-case name of the model an operation works on, or None."""
    if isinstance(getattr(op, "model_name", None), str):          # field, index, constraint ops
        return op.model_name.lower()
    if isinstance(getattr(op, "old_name", None), str) and type(op).__name__ == "RenameModel":
        return op.old_name.lower()
    try:
        from django.db.migrations.operations.models import ModelOperation
    except ImportError:  # pragma: no cover
        return None
    if isinstance(op, ModelOperation) and isinstance(getattr(op, "name", None), str):
        return op.name.lower()
    return None


def _default_repr(field):
    """The default as it would read in code: a value's repr, a callable's dotted name + ()."""
    default = getattr(field, "default", None)
    if callable(default):
        text = "%s.%s()" % (getattr(default, "__module__", "?"), getattr(default, "__qualname__", "?"))
    else:
        text = repr(default)
    return text if len(text) <= 80 else text[:77] + "..."


def _referencing_columns(state, app_label, model, ctx):
    """table.column of every foreign key (in any app) that points at app_label.model."""
    if state is None or model is None:
        return None
    target = "%s.%s" % (app_label, model)
    out = []
    for (other_app, other_model), ms in sorted(state.models.items()):
        for name, field in _state_fields(ms).items():
            if field.many_to_many or not (getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)):
                continue
            related = _related_label(field)
            if related is not None and "." not in related:
                related = "%s.%s" % (other_app, related)   # a bare "model" means the same app
            if related == target:
                column = getattr(field, "db_column", None) or name + "_id"
                out.append("%s.%s" % (ctx.table_of(ms), column))
    return out


def _op_facts(op, state, ctx):
    """Facts about one operation; `state` is the project state right before it (or None)."""
    app = ctx.app_label
    kind = type(op).__name__
    facts = {"type": kind, "module": type(op).__module__}
    try:
        facts["description"] = op.describe()
    except Exception as e:
        facts["description"] = "%s (describe() failed: %s)" % (kind, _err(e))
    try:
        facts["reversible"] = bool(op.reversible)
    except Exception:
        facts["reversible"] = None
    facts["reduces_to_sql"] = bool(getattr(op, "reduces_to_sql", True))
    facts["elidable"] = bool(getattr(op, "elidable", False))
    model = _op_model(op)
    facts["model"] = model
    ms = _model_state(state, app, model)
    facts["table"] = ctx.table_of(ms)
    facts["table_created_here"] = bool(model and model in ctx.created)
    if ms is not None:
        facts["managed"] = bool(ms.options.get("managed", True))
        facts["proxy"] = bool(ms.options.get("proxy", False))

    fields = _state_fields(ms) if ms is not None else {}

    if kind == "AddField":
        facts["field"] = op.name
        facts["field_def"] = _field_facts(op.field, op.name, ctx)
        facts["preserve_default"] = bool(getattr(op, "preserve_default", True))
        if not facts["preserve_default"]:
            # makemigrations' one-off default: written into every existing row, then dropped
            facts["default_repr"] = _default_repr(op.field)
    elif kind == "RemoveField":
        facts["field"] = op.name
        old = fields.get(op.name)
        facts["field_def"] = _field_facts(old, op.name, ctx) if old is not None else None
    elif kind == "AlterField":
        facts["field"] = op.name
        new = _field_facts(op.field, op.name, ctx)
        old_field = fields.get(op.name)
        old = _field_facts(old_field, op.name, ctx) if old_field is not None else None
        facts["field_def"] = new
        facts["old_field"] = old
        facts["new_field"] = new
        facts["changed"] = sorted(k for k in new if old.get(k) != new.get(k)) if old is not None else None
        if old_field is not None and old_field.primary_key and (old["type"], old["db_type"]) != (new["type"], new["db_type"]):
            # the schema editor changes every foreign-key column pointing at this key too
            facts["referenced_by"] = _referencing_columns(state, app, model, ctx)
        facts["preserve_default"] = bool(getattr(op, "preserve_default", True))
    elif kind == "RenameField":
        facts["field"] = op.old_name
        facts["old_name"] = op.old_name
        facts["new_name"] = op.new_name
        old_field = fields.get(op.old_name)
        old = _field_facts(old_field, op.old_name, ctx) if old_field is not None else None
        facts["field_def"] = old
        facts["old_column"] = old["column"] if old else None
        facts["new_column"] = (old_field.db_column or _field_facts(old_field, op.new_name, ctx)["column"]) \
            if old_field is not None else None
    elif kind in ("AddIndex", "AddIndexConcurrently"):
        facts["index"] = _index_facts(op.index, kind.endswith("Concurrently"))
    elif kind in ("RemoveIndex", "RemoveIndexConcurrently"):
        index = _find_named(ms.options.get("indexes") if ms is not None else None, op.name)
        facts["index"] = _index_facts(index, kind.endswith("Concurrently")) or {
            "name": op.name, "fields": [], "concurrently": kind.endswith("Concurrently")}
    elif kind == "RenameIndex":                                      # Django 4.1+
        facts["old_name"] = getattr(op, "old_name", None)
        facts["new_name"] = getattr(op, "new_name", None)
        facts["old_fields"] = list(getattr(op, "old_fields", None) or []) or None
    elif kind == "AddConstraint":
        facts["constraint"] = _constraint_facts(op.constraint)
    elif kind == "RemoveConstraint":
        constraint = _find_named(ms.options.get("constraints") if ms is not None else None, op.name)
        facts["constraint"] = _constraint_facts(constraint) or {"kind": "other", "name": op.name}
    elif kind in ("AlterUniqueTogether", "AlterIndexTogether"):
        option = getattr(op, "option_name", "unique_together" if kind == "AlterUniqueTogether" else "index_together")
        facts["together"] = _together(getattr(op, "option_value", None))
        facts["old_together"] = _together(ms.options.get(option)) if ms is not None else None
    elif kind == "RunPython":
        facts["reverse_code"] = op.reverse_code is not None
        code = getattr(op, "code", None)
        facts["code"] = ("%s.%s" % (getattr(code, "__module__", "?"), getattr(code, "__qualname__", "?"))
                         if code is not None else None)
        facts["atomic"] = getattr(op, "atomic", None)
    elif kind == "RunSQL":
        facts["reverse_sql"] = op.reverse_sql is not None
        sql = op.sql
        if isinstance(sql, str):
            facts["sql_preview"] = sql.strip()[:500]
        else:
            facts["sql_preview"] = None
            facts["statements"] = len(sql)
    elif kind == "SeparateDatabaseAndState":
        db_state = state.clone() if state is not None else None
        db_facts = []
        for inner in op.database_operations:
            db_facts.append(_op_facts(inner, db_state, ctx))
            db_state = _advance(inner, app, db_state)
        facts["database_operations"] = db_facts
        st_state = state.clone() if state is not None else None
        st_facts = []
        for inner in op.state_operations:
            st_facts.append(_op_facts(inner, st_state, ctx))
            st_state = _advance(inner, app, st_state)
        facts["state_operations"] = st_facts
    elif kind == "CreateModel":
        facts["name"] = op.name
        options = getattr(op, "options", None) or {}
        facts["fields"] = [name for name, _ in op.fields]
        facts["managed"] = bool(options.get("managed", True))
        facts["proxy"] = bool(options.get("proxy", False))
        facts["table"] = None if facts["proxy"] else (
            options.get("db_table") or ctx.default_table(app, op.name_lower))
    elif kind == "DeleteModel":
        facts["name"] = op.name
    elif kind == "RenameModel":
        facts["name"] = op.old_name
        facts["old_name"] = op.old_name
        facts["new_name"] = op.new_name
        facts["old_table"] = facts["table"]
        if ms is not None and not ms.options.get("proxy"):
            facts["new_table"] = ms.options.get("db_table") or ctx.default_table(app, op.new_name.lower())
        else:
            facts["new_table"] = None
    elif kind == "AlterModelTable":
        facts["name"] = op.name
        facts["old_table"] = facts["table"]
        facts["new_table"] = op.table or ctx.default_table(app, op.name_lower)
    elif kind in ("AlterModelOptions", "AlterModelManagers", "AlterOrderWithRespectTo",
                  "AlterModelTableComment"):
        facts["name"] = getattr(op, "name", None)
    return facts


def _advance(op, app_label, state):
    if state is None:
        return None
    try:
        op.state_forwards(app_label, state)
        return state
    except Exception as e:
        print("djdeploy: %s.state_forwards failed: %s" % (type(op).__name__, _err(e)), file=sys.stderr)
        return None


def _migration_facts(loader, migration, connection, with_sql, sql_unavailable):
    app = migration.app_label
    key = (app, migration.name)
    ctx = _Context(connection, app)
    try:
        state = loader.project_state(key, at_end=False)
    except Exception as e:
        print("djdeploy: project state before %s.%s: %s" % (app, migration.name, _err(e)), file=sys.stderr)
        state = None
    ops = []
    for op in migration.operations:
        ops.append(_op_facts(op, state, ctx))
        kind = type(op).__name__
        if kind == "CreateModel":
            ctx.created.add(op.name_lower)
        elif kind == "RenameModel" and op.old_name.lower() in ctx.created:
            ctx.created.add(op.new_name.lower())
        state = _advance(op, app, state)
    module = sys.modules.get(type(migration).__module__)
    path = getattr(module, "__file__", None)
    if path:
        path = os.path.abspath(path)
        relative = os.path.relpath(path, os.getcwd())
        path = path if relative.startswith("..") else relative    # inside the project: relative, as git names it
    entry = {
        "app": app,
        "name": migration.name,
        "file": path,
        # Django's own apps (auth, contenttypes, admin, sessions...): CI lints leave them out
        "django_app": type(migration).__module__.startswith("django."),
        "atomic": bool(getattr(migration, "atomic", True)),
        "initial": bool(getattr(migration, "initial", False)),
        "dependencies": [_pair(d) for d in getattr(migration, "dependencies", ())],
        "replaces": [_pair(r) for r in (getattr(migration, "replaces", None) or ())],
        "sql": None,
        "sql_error": None,
        "operations": ops,
    }
    if with_sql:
        if sql_unavailable:
            entry["sql_error"] = sql_unavailable
        else:
            try:
                # what `manage.py sqlmigrate APP NAME` prints (without BEGIN/COMMIT)
                entry["sql"] = [str(s) for s in loader.collect_sql([(migration, False)])]
            except Exception as e:
                entry["sql_error"] = _err(e)
    return entry


class _Silenced:
    """Anything Django or the project prints goes to stderr; stdout carries one JSON object."""

    def __enter__(self):
        self.stdout = sys.stdout
        sys.stdout = sys.stderr
        return self.stdout

    def __exit__(self, *exc):
        sys.stdout = self.stdout
        return False


def _sqlite_file_missing(connection):
    if connection.vendor != "sqlite":
        return False
    name = connection.settings_dict.get("NAME")
    if not name:
        return False
    name = str(name)
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return False
    return not os.path.exists(name)


# Django versions the helper is tested on (scripts/django-versions, DjangoVersionsIT). Older ones
# lack APIs it reads (ProjectState.models as a dict of ModelState with dict fields since 3.1);
# newer majors may change the migration framework's internals it walks.
SUPPORTED_DJANGO = ((3, 2), (6, 0))   # from 3.2 up to, not including, 6.0


def unsupported_django(version):
    """None when the helper supports this Django (a django.VERSION tuple), else the error."""
    low, high = SUPPORTED_DJANGO
    if low <= tuple(version[:2]) < high:
        return None
    return ("Django %s is not supported by djdeploy's helper (supported: %d.%d to %d.x)"
            % (".".join(str(p) for p in version[:3]), low[0], low[1], high[0] - 1))


def _django_setup():
    project_dir = os.getcwd()
    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    try:
        import django
    except ImportError as e:
        raise MigrationsFailure("cannot import Django: %s" % _err(e))
    problem = unsupported_django(django.VERSION)
    if problem:
        raise MigrationsFailure(problem)
    try:
        django.setup()
    except Exception as e:
        raise MigrationsFailure("django.setup() failed: %s" % _err(e))


def _prepare_environment(args):
    """The env file and settings module, as for `migrations`; values are never printed."""
    if args.env_file:
        try:
            os.environ.update(load_env_file(args.env_file))
        except OSError as e:
            raise MigrationsFailure("cannot read env file %s: %s" % (args.env_file, e.strerror))
        except ValueError as e:
            raise MigrationsFailure(str(e))
        os.environ["DJANGO_ENV_FILE"] = args.env_file
    if args.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    elif not os.environ.get("DJANGO_SETTINGS_MODULE"):
        module = _settings_module_from_manage_py()
        if not module:
            raise MigrationsFailure("DJANGO_SETTINGS_MODULE is not set and manage.py does not name one (use --settings)")
        os.environ["DJANGO_SETTINGS_MODULE"] = module


def _cnf_value(value):
    """A value for a MySQL option file: double-quoted, with backslash and quote escaped."""
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def _mariadb_dump(cfg, vendor, out):
    """mariadb-dump (or mysqldump) --single-transaction: a consistent InnoDB snapshot while the
    site serves. The credentials travel in a 0600 defaults file that is removed afterwards,
    never on the command line (where `ps` would show the password)."""
    import shutil
    import subprocess
    import tempfile
    if vendor != "mysql":
        raise MigrationsFailure("backup preset mariadb, but the database is %s" % vendor)
    dump = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    if not dump:
        raise MigrationsFailure("cannot find mariadb-dump or mysqldump (install mariadb-client)")
    fd, defaults = tempfile.mkstemp(prefix="djdeploy-backup-", suffix=".cnf")
    try:
        with os.fdopen(fd, "w") as f:
            f.write("[client]\n")
            host = str(cfg.get("HOST") or "")
            if host.startswith("/"):
                f.write("socket=%s\n" % _cnf_value(host))
            elif host:
                f.write("host=%s\n" % _cnf_value(host))
            for key, option in (("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
                if cfg.get(key):
                    f.write("%s=%s\n" % (option, _cnf_value(cfg[key])))
        # --defaults-extra-file must come first; --result-file so a failed dump leaves no half file behind a success
        argv = [dump, "--defaults-extra-file=" + defaults, "--single-transaction", "--routines", "--triggers",
                "--result-file=" + out, str(cfg["NAME"])]
        done = subprocess.run(argv)
        if done.returncode != 0:
            raise MigrationsFailure("%s failed with exit status %d" % (os.path.basename(dump), done.returncode))
    finally:
        os.unlink(defaults)


def cmd_backup(args):
    """Backs up the default database before migrations run.

    postgresql: pg_dump -Fc with the connection from Django's settings; the password travels
    in PGPASSWORD (the environment), never on the command line.
    mariadb: mariadb-dump --single-transaction, credentials in a private defaults file.
    sqlite: the sqlite3 online-backup API (a consistent copy while the site serves).
    """
    import subprocess
    # a dump holds every row: only its owner may read it (pg_dump and sqlite create files with the umask)
    os.umask(0o077)
    try:
        _prepare_environment(args)
        _django_setup()
        from django.db import connections
        conn = connections["default"]
        cfg = conn.settings_dict
        vendor = conn.vendor
        if args.preset == "postgresql":
            if vendor != "postgresql":
                raise MigrationsFailure("backup preset postgresql, but the database is %s" % vendor)
            env = dict(os.environ)
            if cfg.get("PASSWORD"):
                env["PGPASSWORD"] = str(cfg["PASSWORD"])
            argv = ["pg_dump", "-Fc", "--no-password", "-f", args.out + ".tmp"]
            for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                if cfg.get(key):
                    argv += [flag, str(cfg[key])]
            argv.append(str(cfg["NAME"]))
            try:
                done = subprocess.run(argv, env=env)
            except OSError as e:
                raise MigrationsFailure("cannot run pg_dump: %s (install postgresql-client)" % e.strerror)
            if done.returncode != 0:
                raise MigrationsFailure("pg_dump failed with exit status %d" % done.returncode)
        elif args.preset == "mariadb":
            _mariadb_dump(cfg, vendor, args.out + ".tmp")
        elif args.preset == "sqlite":
            if vendor != "sqlite":
                raise MigrationsFailure("backup preset sqlite, but the database is %s" % vendor)
            import sqlite3
            src = sqlite3.connect(str(cfg["NAME"]))
            dst = sqlite3.connect(args.out + ".tmp")
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        os.chmod(args.out + ".tmp", 0o600)
        os.replace(args.out + ".tmp", args.out)
        print("backup written: %s (%d bytes)" % (args.out, os.path.getsize(args.out)))
        return 0
    except MigrationsFailure as e:
        print("djdeploy: backup failed: %s" % e, file=sys.stderr)
        return 1
    except Exception as e:  # noqa: a backup that fails for any reason stops the deploy
        print("djdeploy: backup failed: %s" % _err(e), file=sys.stderr)
        return 1


def cmd_migrate(args):
    """migrate --noinput with PostgreSQL lock_timeout / statement_timeout set on the session
    that runs the migrations (they are session settings: a separate psql would not help)."""
    try:
        _prepare_environment(args)
        _django_setup()
        from django.core.management import call_command
        from django.db import connections
        conn = connections["default"]
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                if args.lock_timeout:
                    cursor.execute("SET lock_timeout = %s", [args.lock_timeout])
                if args.statement_timeout:
                    cursor.execute("SET statement_timeout = %s", [args.statement_timeout])
            print("lock_timeout=%s statement_timeout=%s for this migration session"
                  % (args.lock_timeout or "default", args.statement_timeout or "default"))
        elif args.lock_timeout or args.statement_timeout:
            print("djdeploy: lock_timeout/statement_timeout apply to PostgreSQL only; the database is %s" % conn.vendor,
                  file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=1)
        return 0
    except MigrationsFailure as e:
        print("djdeploy: migrate failed: %s" % e, file=sys.stderr)
        return 1
    except Exception as e:  # noqa
        print("djdeploy: migrate failed: %s" % _err(e), file=sys.stderr)
        return 1


def _origin_covered(public_url, trusted):
    """Whether CSRF_TRUSTED_ORIGINS lets the public origin through (Django 4+: scheme://host,
    with *.domain wildcards; Django 3.2: host names, with .domain for subdomains)."""
    from urllib.parse import urlsplit
    parts = urlsplit(public_url)
    host = parts.hostname or ""
    netloc = parts.netloc.lower()
    origin = "%s://%s" % (parts.scheme, netloc)
    for entry in trusted or []:
        e = str(entry).lower()
        if "://" in e:
            scheme, _, rest = e.partition("://")
            if scheme != parts.scheme:
                continue
            if rest == netloc or (rest.startswith("*.") and (netloc.endswith(rest[1:]) or netloc == rest[2:])):
                return True
        else:
            if e == host or e == netloc or (e.startswith(".") and (host.endswith(e) or host == e[1:])):
                return True
    return origin in [str(x).lower() for x in trusted or []]


def _inside(path, directory):
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _file_storage_locations():
    """(setting, location) of every local file storage the settings and models can reach:
    MEDIA_ROOT, STORAGES entries and DEFAULT_FILE_STORAGE backed by FileSystemStorage, and
    the storages of model FileFields. Static files storages are left out: STATIC_ROOT is
    meant to be inside the release (collectstatic runs in each one)."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage
    from django.utils.module_loading import import_string
    try:
        from django.contrib.staticfiles.storage import StaticFilesStorage
    except Exception:  # pragma: no cover
        StaticFilesStorage = ()
    media_root = str(getattr(settings, "MEDIA_ROOT", "") or "")
    found = []

    def filesystem(backend):
        try:
            cls = import_string(backend) if isinstance(backend, str) else backend
            return isinstance(cls, type) and issubclass(cls, FileSystemStorage) and not issubclass(cls, StaticFilesStorage)
        except Exception:
            return False

    if media_root:
        found.append(("MEDIA_ROOT", media_root))
    for alias, spec in sorted((getattr(settings, "STORAGES", None) or {}).items()):
        if alias == "staticfiles" or not isinstance(spec, dict) or not filesystem(spec.get("BACKEND")):
            continue
        # without its own location the storage writes to MEDIA_ROOT, reported above
        location = (spec.get("OPTIONS") or {}).get("location")
        if location:
            found.append(("STORAGES[%r]" % alias, str(location)))
    from django.core.files.storage import default_storage
    try:
        default_storage.location                      # a lazy object: this builds the storage
        default = default_storage._wrapped
    except Exception:
        default = None
    # DEFAULT_FILE_STORAGE (Django < 5.1) or STORAGES["default"]: a subclass may pick its own location
    setting = "DEFAULT_FILE_STORAGE" if getattr(settings, "DEFAULT_FILE_STORAGE", None) else "STORAGES['default']"
    if isinstance(default, FileSystemStorage) and media_root and os.path.abspath(default.location) != os.path.abspath(media_root):
        found.append((setting, str(default.location)))
    from django.apps import apps
    from django.db.models import FileField
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, FileField):
                continue
            storage = getattr(field, "storage", None)
            wrapped = getattr(storage, "_wrapped", storage)   # default_storage is a lazy object
            if not isinstance(wrapped, FileSystemStorage) or isinstance(wrapped, StaticFilesStorage):
                continue
            location = os.path.abspath(str(wrapped.location))
            # a non-empty MEDIA_ROOT is reported above; an empty one means the working
            # directory, which matters only once a FileField stores there
            if media_root and location == os.path.abspath(media_root):
                continue
            found.append(("%s.%s storage" % (model._meta.label, field.name), location))
    return found


def _media_in_release(release_dir):
    """The storage locations that resolve inside the release directory (following links, so a
    location under a shared/ link resolves outside it): files written there are deleted with the
    release."""
    release = os.path.realpath(release_dir)
    out, seen = [], set()
    for setting, location in _file_storage_locations():
        path = os.path.realpath(os.path.abspath(location))
        if _inside(path, release) and (setting, path) not in seen:
            seen.add((setting, path))
            out.append({"setting": setting, "path": path})
    return out


def cmd_settings_facts(args):
    """Facts about the release's settings for the checks: booleans and header names only,
    never a value from the settings or the env file."""
    try:
        _prepare_environment(args)
        _django_setup()
        from django.conf import settings
        from django.db import connections
        facts = {}
        try:
            connections["default"].ensure_connection()
            facts["db_ok"] = True
        except Exception as e:  # noqa: any reason the database cannot be reached
            facts["db_ok"] = False
            facts["db_error"] = type(e).__name__
        header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        facts["secure_proxy_ssl_header"] = list(header) if header else None
        if args.public_url:
            facts["csrf_trusted_origins_covers"] = _origin_covered(args.public_url, getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
        root = getattr(settings, "STATIC_ROOT", None)
        facts["static_root_set"] = bool(root)
        if root:
            path = str(root)
            while path and not os.path.exists(path):
                path = os.path.dirname(path)
            facts["static_root_writable"] = bool(path) and os.access(path, os.W_OK)
        facts["debug"] = bool(getattr(settings, "DEBUG", False))
        if args.release_dir:
            # paths, not secrets: the shared.media check names the setting and where it points
            facts["media_in_release"] = _media_in_release(args.release_dir)
        print(json.dumps(facts))
        return 0
    except MigrationsFailure as e:
        print(json.dumps({"error": str(e)}))
        return 1
    except Exception as e:  # noqa
        print(json.dumps({"error": _err(e)}))
        return 1


def migrations_report(args):
    _prepare_environment(args)
    _django_setup()
    import django

    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    try:
        connection = connections[args.database]
    except Exception as e:
        raise MigrationsFailure("database %r: %s" % (args.database, _err(e)))

    report = {
        "django": django.get_version(),
        "vendor": connection.vendor,
        "mode": "all" if args.all else "pending",
        "database": args.database,
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "sql_collected": not args.no_sql,
        "conflicts": {},
        "inconsistent": None,
        "applied": [],
        "db_error": None,
        "db_missing": False,
        "pending_unknown": False,
        "known": [],
        "leaves": {},
        "leaf_nodes": [],
        "unmigrated_apps": [],
        "migrations": [],
    }

    if _sqlite_file_missing(connection):
        # Opening it would create an empty file; a database that does not exist has nothing
        # applied, and SQLite's SQL does not depend on the file, so use an in-memory one.
        report["db_missing"] = True
        connection.close()
        connection.settings_dict["NAME"] = ":memory:"

    def build_loader(conn):
        try:
            return MigrationLoader(conn, ignore_no_migrations=True)
        except Exception as e:
            raise MigrationsFailure("loading migrations failed: %s" % _err(e))

    loader = None
    if not args.all:
        try:
            connection.ensure_connection()
            loader = MigrationLoader(connection, ignore_no_migrations=True)
        except Exception as e:
            loader = None
            report["db_error"] = _err(e)
            try:
                connection.close()
            except Exception:
                pass
    if loader is None:
        # --all, or the database is unreachable: the graph as if nothing were applied
        loader = build_loader(None)
        loader.connection = connection          # collect_sql uses loader.connection
    graph = loader.graph

    report["conflicts"] = {app: sorted(names) for app, names in sorted(loader.detect_conflicts().items())}
    report["unmigrated_apps"] = sorted(loader.unmigrated_apps)

    class _Executor(MigrationExecutor):
        # MigrationExecutor builds its own loader (without ignore_no_migrations); reuse ours
        def __init__(self, conn, ldr):
            self.connection = conn
            self.loader = ldr
            self.recorder = MigrationRecorder(conn)
            self.progress_callback = None

    executor = _Executor(connection, loader)
    leaves = sorted(graph.leaf_nodes())
    report["leaf_nodes"] = [_pair(k) for k in leaves]
    for app, name in leaves:            # with a conflict the app has several leaves: last one
        report["leaves"][app] = name

    full_plan = [(m.app_label, m.name) for m, backwards in executor.migration_plan(leaves, clean_start=True)
                 if not backwards]
    order = {key: i for i, key in enumerate(full_plan)}
    disk = list(loader.disk_migrations.keys())
    disk.sort(key=lambda k: (0, order[k], "", "") if k in order else (1, 0, k[0], k[1]))
    report["known"] = [_pair(k) for k in disk]

    sql_unavailable = None
    if args.all:
        plan = [loader.graph.nodes[key] for key in full_plan]
        if not args.no_sql:
            try:
                connection.ensure_connection()
            except Exception as e:
                report["db_error"] = _err(e)
                sql_unavailable = "database unavailable: %s" % _err(e)
    elif report["db_error"] is None:
        from django.db.migrations.exceptions import InconsistentMigrationHistory
        try:
            loader.check_consistent_history(connection)
        except InconsistentMigrationHistory as e:
            report["inconsistent"] = str(e)
        recorded = MigrationRecorder(connection).applied_migrations()
        rows = sorted(recorded.items(), key=lambda kv: (getattr(kv[1], "id", 0) or 0, kv[0]))
        report["applied"] = [_pair(k) for k, _ in rows]
        plan = [m for m, backwards in executor.migration_plan(leaves) if not backwards]
    else:
        # unknown what is applied: nothing can be said about what is pending
        report["pending_unknown"] = True
        plan = []

    report["migrations"] = [
        _migration_facts(loader, m, connection, not args.no_sql, sql_unavailable) for m in plan]
    try:
        connection.close()
    except Exception:
        pass
    return report


def _pretty_json(value, indent=""):
    """Indented JSON, but lists of scalars (e.g. ["notes", "0001_initial"]) on one line."""
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ["%s%s: %s" % (inner, json.dumps(str(k)), _pretty_json(v, inner)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return json.dumps(list(value), default=str)
        return "[\n" + ",\n".join(inner + _pretty_json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, default=str)


def cmd_migrations(args):
    with _Silenced() as out:
        try:
            report = migrations_report(args)
            code = 0
        except MigrationsFailure as e:
            report, code = {"error": str(e)}, 1
        except Exception as e:  # noqa: anything else is still one JSON object
            report, code = {"error": _err(e)}, 1
    out.write((_pretty_json(report) if args.pretty else json.dumps(report, default=str)) + "\n")
    out.flush()
    return code


# ---------------------------------------------------------------------------
# applied: only the migrations the database has applied (a rollback's schema check)
# ---------------------------------------------------------------------------
#
# A rollback compares django_migrations with the target's manifest and needs nothing else, so
# this reads that table without django.setup() (no app registry, no models of the installed
# apps) and without the migration loader (no migration module imported): the settings module
# gives DATABASES, and the rows are what MigrationRecorder.applied_migrations() returns, in the
# same order as `migrations` prints them. SQLite goes through the standard library's sqlite3
# (importing Django's backend costs as much again: it imports django.db.models); any other
# engine through django.db.connections, which needs no app registry -- and when a backend
# does (e.g. one that defines models), django.setup() first, as `migrations` does. Measured on
# the example app: 0.1-0.2 s against 0.5-0.6 s for `migrations --no-sql`.

MIGRATIONS_TABLE = "django_migrations"   # MigrationRecorder.Migration._meta.db_table, fixed since 1.7


def _sqlite_path(cfg):
    """The file of a plain SQLite database in Django's settings, or None when Django's own
    backend must open it (a subclassed engine, :memory:, a file: URI, connection options)."""
    if cfg.get("ENGINE") != "django.db.backends.sqlite3" or cfg.get("OPTIONS"):
        return None
    name = cfg.get("NAME")
    if not isinstance(name, (str, os.PathLike)):
        return None
    name = os.fspath(name)
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def _applied_sqlite(path, report):
    import sqlite3
    if not os.path.exists(path):
        # as `migrations`: a database that does not exist has nothing applied, and is not created
        report["db_missing"] = True
        return
    try:
        conn = sqlite3.connect(path)
        try:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (MIGRATIONS_TABLE,)).fetchone():
                report["applied"] = [[a, n] for a, n in conn.execute(
                    "SELECT app, name FROM %s ORDER BY id, app, name" % MIGRATIONS_TABLE)]
        finally:
            conn.close()
    except sqlite3.Error as e:
        report["db_error"] = _err(e)


def _applied_django(connection, report):
    if _sqlite_file_missing(connection):
        report["db_missing"] = True
        return
    try:
        with connection.cursor() as cursor:
            # MigrationRecorder.has_table(): no table means nothing applied
            if MIGRATIONS_TABLE in connection.introspection.table_names(cursor):
                table = connection.ops.quote_name(MIGRATIONS_TABLE)
                cursor.execute("SELECT app, name FROM %s ORDER BY id, app, name" % table)
                report["applied"] = [[a, n] for a, n in cursor.fetchall()]
    except Exception as e:  # noqa: unreachable, refused, bad credentials
        report["db_error"] = _err(e)
    finally:
        try:
            connection.close()
        except Exception:
            pass


def applied_report(args):
    _prepare_environment(args)
    project_dir = os.getcwd()
    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    try:
        import django
    except ImportError as e:
        raise MigrationsFailure("cannot import Django: %s" % _err(e))
    problem = unsupported_django(django.VERSION)
    if problem:
        raise MigrationsFailure(problem)
    from django.conf import settings
    try:
        databases = settings.DATABASES
    except Exception as e:
        raise MigrationsFailure("loading the settings failed: %s" % _err(e))
    if args.database not in databases:
        raise MigrationsFailure("database %r: not in DATABASES" % args.database)
    report = {
        "django": django.get_version(),
        "vendor": None,
        "mode": "applied",
        "database": args.database,
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "applied": [],
        "db_error": None,
        "db_missing": False,
    }
    path = _sqlite_path(databases[args.database])
    if path is not None:
        report["vendor"] = "sqlite"
        _applied_sqlite(path, report)
        return report
    from django.core.exceptions import AppRegistryNotReady
    from django.db import connections
    try:
        connection = connections[args.database]
    except AppRegistryNotReady:
        _django_setup()     # a backend that needs the app registry
        connection = connections[args.database]
    except Exception as e:
        raise MigrationsFailure("database %r: %s" % (args.database, _err(e)))
    report["vendor"] = connection.vendor
    _applied_django(connection, report)
    return report


def cmd_applied(args):
    with _Silenced() as out:
        try:
            report, code = applied_report(args), 0
        except MigrationsFailure as e:
            report, code = {"error": str(e)}, 1
        except Exception as e:  # noqa: anything else is still one JSON object
            report, code = {"error": _err(e)}, 1
    out.write(json.dumps(report, default=str) + "\n")
    out.flush()
    return code


# ---------------------------------------------------------------------------
# warm: one Django start for the several Django commands of a deploy (issue 18)
# ---------------------------------------------------------------------------
#
# A deploy asks each new release several Django questions (check --deploy, collectstatic, the
# settings facts, makemigrations --check, the migration plan); each used to be its own process,
# and each process spent most of its time importing Django and the project (~0.3 s of CPU).
# A command given --warm (or --warm-last: the process stops after it) is sent to the release's
# warm process, which runs it in-process exactly as its own process would (the same argv,
# manage.py run as __main__, its stdout, stderr and exit status sent back apart) and keeps
# Django loaded for the next one. The first --warm command starts that process. Whenever it
# cannot answer (none can start, another env file or settings module, another interpreter, a
# program that is not a Python script) the command runs as it does without --warm, so --warm
# never changes what a command does, only what it costs.
#
# The process listens on a Unix socket in .djdeploy/warm/ of the release (0700, so only the
# deploy user can ask), loads the env file itself (values never leave it), closes the
# database connections after each command, and exits after WARM_IDLE seconds without a question,
# after a --warm-last command, or when its release directory is gone. Removing an unfinished
# release stops it too (its command line names the release directory).

WARM_SOCKET = "warm/sock"     # in a directory of its own, 0700
WARM_IDLE = 30.0          # seconds without a question before the warm process exits
WARM_START = 60.0         # seconds a first question waits for the process to listen
WARM_COMMANDS = ("run", "settings-facts", "migrations")


def _warm_dir():
    return os.path.dirname(os.path.abspath(__file__))


def _warm_socket_path():
    path = os.path.join(_warm_dir(), WARM_SOCKET)
    # sun_path holds 107 bytes: a deep deploy_to may need the path relative to the working directory
    rel = os.path.relpath(path)
    return rel if len(path.encode()) > 100 and len(rel.encode()) < len(path.encode()) else path


def _warm_argv(argv):
    """argv without --warm/--warm-last, and whether the process stops after it."""
    cut = argv.index("--") if "--" in argv else len(argv)     # the program's own arguments stay as they are
    head, tail = argv[:cut], argv[cut:]
    return [a for a in head if a not in ("--warm", "--warm-last")] + tail, "--warm-last" in head


def _warm_asked(argv):
    cut = argv.index("--") if "--" in argv else len(argv)
    return bool(argv) and argv[0] in WARM_COMMANDS and any(a in ("--warm", "--warm-last") for a in argv[:cut])


def _frame(kind, data):
    return kind + len(data).to_bytes(4, "big") + data


def _read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _read_frame(conn):
    head = _read_exact(conn, 5)
    if head is None:
        return None, None
    data = _read_exact(conn, int.from_bytes(head[1:], "big"))
    return (head[:1], data) if data is not None else (None, None)


def warm_ask(argv):
    """Sends argv (a --warm command) to the warm process: its exit status, or None when the
    command must run here (nothing written to stdout or stderr yet)."""
    plain, last = _warm_argv(argv)
    env_file, settings = _warm_identity(plain)
    request = json.dumps({"argv": plain, "cwd": os.getcwd(), "python": sys.executable,
                          "env_file": env_file, "settings": settings, "last": last}).encode()
    conn = _warm_connect(env_file, settings)
    if conn is None:
        return None
    with conn:
        try:
            conn.sendall(_frame(b"q", request))
            answered = False
            while True:
                kind, data = _read_frame(conn)
                if kind is None:
                    if not answered:
                        return None
                    print("djdeploy: the warm Django process ended during the command", file=sys.stderr)
                    return 1
                if kind == b"f":
                    return None
                answered = True
                if kind == b"o":
                    sys.stdout.buffer.write(data)
                    sys.stdout.flush()
                elif kind == b"e":
                    sys.stderr.buffer.write(data)
                    sys.stderr.flush()
                elif kind == b"x":
                    return int(data)
        except OSError:
            return None


def _warm_identity(argv):
    env_file = settings = None
    for i, a in enumerate(argv):
        if a == "--":
            break
        if a == "--env-file" and i + 1 < len(argv):
            env_file = argv[i + 1]
        if a == "--settings" and i + 1 < len(argv):
            settings = argv[i + 1]
    return env_file, settings


def _warm_connect(env_file, settings):
    path = _warm_socket_path()
    conn = _try_connect(path)
    if conn is not None:
        return conn
    import subprocess
    cmd = [sys.executable, os.path.abspath(__file__), "warm-serve"]
    if env_file:
        cmd += ["--env-file", env_file]
    if settings:
        cmd += ["--settings", settings]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                close_fds=True, start_new_session=True)
    except OSError:
        return None
    deadline = time.monotonic() + WARM_START
    while time.monotonic() < deadline:
        conn = _try_connect(path)
        if conn is not None:
            return conn
        if proc.poll() is not None:
            return _try_connect(path)       # it lost a race to another one, or could not start
        time.sleep(0.005)
    return None


def _try_connect(path):
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError:
        return None
    try:
        conn.connect(path)
        return conn
    except OSError:
        conn.close()
        return None


class _Stream:
    """sys.stdout / sys.stderr of the warm process: writes go to the question being answered
    (a logging handler made during one command keeps this object, so it follows the next ones)."""

    def __init__(self, kind):
        self.kind = kind
        self.conn = None
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if self.conn is not None and text:
            data = text.encode("utf-8", "replace") if isinstance(text, str) else bytes(text)
            try:
                self.conn.sendall(_frame(self.kind, data))
            except OSError:
                self.conn = None
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        import io
        raise io.UnsupportedOperation("fileno")


def cmd_warm_serve(args):
    try:
        _prepare_warm_environment(args)
        listener = _warm_listen()
    except (OSError, ValueError):
        return 1                                   # the questions run in their own processes
    project_dir = os.getcwd()
    sys.path[0:1] = [project_dir]                 # as `python manage.py`: the project first, not .djdeploy/
    out, err = _Stream(b"o"), _Stream(b"e")
    sys.stdout, sys.stderr = out, err
    idle = 0.0
    listener.settimeout(1.0)
    try:
        while idle < WARM_IDLE and os.path.isdir(os.path.dirname(_warm_dir())):
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                idle += 1.0
                continue
            idle = 0.0
            with conn:
                conn.settimeout(None)
                try:
                    if _warm_answer(conn, args, out, err, project_dir):
                        break
                except (OSError, ValueError):
                    pass                           # the asking command went away (killed): the next may come
    finally:
        try:
            os.unlink(_warm_socket_path())
            os.rmdir(os.path.dirname(os.path.join(_warm_dir(), WARM_SOCKET)))
        except OSError:
            pass
    return 0


def _prepare_warm_environment(args):
    if args.env_file:
        os.environ.update(load_env_file(args.env_file))
        os.environ["DJANGO_ENV_FILE"] = args.env_file
    if args.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = args.settings


def _warm_listen():
    path = _warm_socket_path()
    old = os.umask(0o077)
    try:
        private = os.path.dirname(os.path.join(_warm_dir(), WARM_SOCKET))
        os.makedirs(private, mode=0o700, exist_ok=True)
        os.chmod(private, 0o700)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(path)
        except OSError:
            probe = _try_connect(path)
            if probe is not None:                  # another warm process answers already
                probe.close()
                raise
            os.unlink(path)                        # a stale socket of a process that is gone
            listener.bind(path)
        listener.listen(4)
        return listener
    finally:
        os.umask(old)


def _warm_answer(conn, args, out, err, project_dir):
    """Answers one question; True when the process should stop afterwards."""
    kind, data = _read_frame(conn)
    if kind != b"q":
        return False
    q = json.loads(data.decode())
    argv = q.get("argv") or []
    same = (q.get("cwd") == project_dir and q.get("python") == sys.executable
            and q.get("env_file") == args.env_file and q.get("settings") == args.settings)
    run = _warm_runner(argv) if same and argv and argv[0] in WARM_COMMANDS else None
    if run is None:
        conn.sendall(_frame(b"f", b""))
        return bool(q.get("last"))
    out.conn = err.conn = conn
    try:
        code = _warm_run(run)
    finally:
        out.conn = err.conn = None
        _close_connections()
    conn.sendall(_frame(b"x", str(code).encode()))
    return bool(q.get("last"))


def _warm_runner(argv):
    """What runs argv in this process, or None when only its own process can."""
    if argv[0] != "run":
        return lambda: main(argv)
    program = argv[argv.index("--") + 1:] if "--" in argv else []
    if len(program) < 2 or program[0] != sys.executable or not program[1].endswith(".py") \
            or not os.path.isfile(program[1]):
        return None

    def script():
        import runpy
        saved = sys.argv
        sys.argv = program[1:]
        try:
            runpy.run_path(program[1], run_name="__main__")
        finally:
            sys.argv = saved
        return 0
    return script


def _warm_run(run):
    """The exit status the command's own process would have had."""
    try:
        code = run()
    except SystemExit as e:
        code = e.code
    except BaseException:  # noqa: as the interpreter would: the traceback, then exit status 1
        import traceback
        traceback.print_exc()
        return 1
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _close_connections():
    if "django.db" in sys.modules:
        try:
            sys.modules["django.db"].connections.close_all()
        except Exception:  # noqa: settings that never loaded have no connections to close
            pass


def main(argv):
    if _warm_asked(argv):
        code = warm_ask(argv)
        if code is not None:
            return code
        argv = _warm_argv(argv)[0]                # no warm process could answer: run it here
    p = argparse.ArgumentParser(prog="djdeploy-helper")
    sub = p.add_subparsers(dest="cmd")

    r = sub.add_parser("run")
    r.add_argument("--env-file")
    r.add_argument("--settings")
    r.add_argument("program", nargs=argparse.REMAINDER)

    v = sub.add_parser("relocate-venv")
    v.add_argument("old")
    v.add_argument("new")

    h = sub.add_parser("health")
    h.add_argument("--url", required=True)
    h.add_argument("--status", type=int, default=200)
    h.add_argument("--timeout", type=float, default=5.0)
    h.add_argument("--retries", type=int, default=1)
    h.add_argument("--interval", type=float, default=1.0)
    h.add_argument("--header")
    h.add_argument("--expect")
    h.add_argument("--mode", choices=["header", "body", "off"], default="header")
    h.add_argument("--unix-socket")
    h.add_argument("--tcp", help="HOST:PORT of one web instance, bypassing the proxy")
    h.add_argument("--deadline", type=float, default=0, help="stop retrying after this many seconds")

    m = sub.add_parser("migrations")
    m.add_argument("--all", action="store_true", help="every migration from an empty database")
    m.add_argument("--settings")
    m.add_argument("--env-file")
    m.add_argument("--no-sql", action="store_true", help="skip collect_sql (needs no database)")
    m.add_argument("--database", default="default")
    m.add_argument("--pretty", action="store_true")

    ap = sub.add_parser("applied")
    ap.add_argument("--settings")
    ap.add_argument("--env-file")
    ap.add_argument("--database", default="default")

    b = sub.add_parser("backup")
    b.add_argument("--preset", choices=["postgresql", "mariadb", "sqlite"], required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--settings")
    b.add_argument("--env-file")

    mg = sub.add_parser("migrate")
    mg.add_argument("--lock-timeout")
    mg.add_argument("--statement-timeout")
    mg.add_argument("--settings")
    mg.add_argument("--env-file")

    sf = sub.add_parser("settings-facts")
    sf.add_argument("--public-url")
    sf.add_argument("--release-dir", help="report file storage locations inside this directory")
    sf.add_argument("--settings")
    sf.add_argument("--env-file")

    ws = sub.add_parser("warm-serve")
    ws.add_argument("--env-file")
    ws.add_argument("--settings")

    args = p.parse_args(argv)
    if args.cmd == "warm-serve":
        return cmd_warm_serve(args)
    if args.cmd == "settings-facts":
        return cmd_settings_facts(args)
    if args.cmd == "backup":
        return cmd_backup(args)
    if args.cmd == "migrate":
        return cmd_migrate(args)
    if args.cmd == "run":
        return cmd_run(args)
    if args.cmd == "relocate-venv":
        return cmd_relocate_venv(args)
    if args.cmd == "health":
        return cmd_health(args)
    if args.cmd == "migrations":
        return cmd_migrations(args)
    if args.cmd == "applied":
        return cmd_applied(args)
    p.print_usage(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
