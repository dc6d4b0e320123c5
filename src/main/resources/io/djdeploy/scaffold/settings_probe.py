"""Asks Django what a project's settings resolve to, for `djdeploy init` (runs on the
deploying machine, never on a host).

usage: python settings_probe.py PROJECT_DIR SETTINGS_MODULE

Prints one JSON object. The settings are imported with an environment that holds none of
the project's variables: os.environ is replaced by a mapping that records every name the
settings read (os.environ[...], .get, os.getenv, django-environ, python-decouple all end up
there). A name whose absence stops the import gets a placeholder and the import is retried,
so "required" means exactly: the settings cannot load without it. Names read only in
branches that did not run are found by a static scan of the project's modules that the
import loaded (ast), as a complement.
"""
import ast
import json
import os
import sys

PROJECT = os.path.realpath(sys.argv[1])
MODULE = sys.argv[2]
MAX_TRIES = 40


def in_project(path):
    if not path:
        return False
    p = os.path.realpath(path)
    return (p == PROJECT or p.startswith(PROJECT + os.sep)) and "site-packages" not in p and "dist-packages" not in p


def from_project():
    """Whether the code reading the environment runs on behalf of the project's modules."""
    f = sys._getframe(2)
    while f is not None:
        if in_project(f.f_code.co_filename):
            return True
        f = f.f_back
    return False


def placeholder(name):
    # values that survive the usual conversions: URLs parse, numbers are numbers
    n = name.upper()
    if "DATABASE_URL" in n or n.endswith("DB_URL"):
        return "sqlite:////tmp/djdeploy-init-probe.sqlite3"
    if n.endswith("_URL") or n.endswith("_DSN"):
        return "http://djdeploy-placeholder.invalid/"
    if n.endswith("PORT") or n.endswith("_TIMEOUT") or n.endswith("_AGE") or n.endswith("_COUNT"):
        return "1"
    if n in ("DEBUG",) or n.endswith("_DEBUG"):
        return "0"
    if "HOSTS" in n or "ORIGINS" in n:
        return "localhost"
    return "djdeploy-placeholder"


class RecordingEnviron(dict):
    """os.environ as the settings see it: the real (empty) environment, plus placeholders."""

    def __init__(self, base):
        super().__init__(base)
        self.reads = {}      # name -> "item" (os.environ[...]) or "get"; in order of first read
        self.missing = []    # (name, how) read while absent, latest last

    def _note(self, key, how):
        if isinstance(key, str) and from_project():
            if key not in self.reads or how == "item":
                self.reads[key] = how if key not in self.reads else ("item" if how == "item" else self.reads[key])
            return True
        return False

    def __getitem__(self, key):
        noted = self._note(key, "item")
        if not dict.__contains__(self, key) and noted:
            self.missing.append((key, "item"))
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        noted = self._note(key, "get")
        if not dict.__contains__(self, key) and noted:
            self.missing.append((key, "get"))
        return dict.get(self, key, default)

    def __contains__(self, key):
        self._note(key, "get")
        return dict.__contains__(self, key)

    def setdefault(self, key, default=None):
        self._note(key, "get")
        return dict.setdefault(self, key, default)

    def copy(self):
        return dict(self)


def storages(settings):
    out = []
    configured = getattr(settings, "STORAGES", None)
    if isinstance(configured, dict):
        for alias, conf in configured.items():
            conf = conf or {}
            opts = conf.get("OPTIONS") or {}
            out.append({"alias": alias, "backend": conf.get("BACKEND"), "location": str_or_none(opts.get("location"))})
    else:
        out.append({"alias": "default", "backend": getattr(settings, "DEFAULT_FILE_STORAGE", None), "location": None})
        out.append({"alias": "staticfiles", "backend": getattr(settings, "STATICFILES_STORAGE", None), "location": None})
    return out


def str_or_none(v):
    return None if v is None else str(v)


def static_reads(files):
    """Names read from the environment anywhere in the given files (ast; literals only)."""
    names = {}
    env_funcs = {"get", "getenv", "env", "config", "str", "bool", "int", "float", "list", "json", "url", "db", "db_url",
                 "cache", "cache_url", "email", "email_url", "search_url", "path", "tuple", "dict", "get_value"}
    for path in files:
        try:
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                target = node.value
                key = node.slice.value if isinstance(node.slice, ast.Index) else node.slice  # 3.8 wraps in Index
                if (isinstance(target, ast.Attribute) and target.attr == "environ"
                        or isinstance(target, ast.Name) and target.id == "environ"):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        names.setdefault(key.value, "item")
            elif isinstance(node, ast.Call) and node.args:
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
                if name is None:
                    continue
                owner = f.value if isinstance(f, ast.Attribute) else None
                owner_name = (owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else "") if owner else ""
                envish = (name in ("getenv", "env", "config") or name.startswith("env_")
                          or (name == "get" and owner_name == "environ")
                          or (owner_name == "env" and name in env_funcs))
                first = node.args[0]
                if envish and isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.isupper():
                    names.setdefault(first.value, "get")
    return names


def main():
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    base["DJANGO_SETTINGS_MODULE"] = MODULE
    env = RecordingEnviron(base)
    os.environ = env  # os.getenv reads the module global at call time
    sys.path.insert(0, PROJECT)
    os.chdir(PROJECT)
    filled = []
    error = None
    settings = None
    import django
    from django.conf import settings as lazy
    from django.utils.functional import empty
    def load():
        """Imports the settings afresh; None when they load, else the error."""
        env.missing = []
        for name, mod in list(sys.modules.items()):
            if in_project(getattr(mod, "__file__", None)):
                del sys.modules[name]
        try:
            lazy._wrapped = empty
            lazy.INSTALLED_APPS  # imports the settings module
            return None
        except Exception as e:  # noqa: BLE001 - any failure may be a missing variable
            return "%s: %s" % (type(e).__name__, e)

    for _ in range(MAX_TRIES):
        error = load()
        if error is None:
            settings = lazy
            break
        # the latest variable read while absent is the likeliest cause: os.environ[...] first, then .get
        absent = [k for k, how in reversed(env.missing) if how == "item" and k not in filled] \
            or [k for k, how in reversed(env.missing) if k not in filled]
        if not absent:
            break
        filled.append(absent[0])
        dict.__setitem__(env, absent[0], placeholder(absent[0]))
    if settings is not None:
        # keep only what the settings cannot load without
        for k in list(filled):
            dict.__delitem__(env, k)
            if load() is None:
                filled.remove(k)
            else:
                dict.__setitem__(env, k, placeholder(k))
        load()
    files = sorted({os.path.realpath(m.__file__) for m in list(sys.modules.values())
                    if in_project(getattr(m, "__file__", None)) and m.__file__.endswith(".py")})
    ignored = {"DJANGO_SETTINGS_MODULE", "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    reads = [{"name": k, "how": v, "required": k in filled} for k, v in env.reads.items() if k not in ignored]
    seen = {r["name"] for r in reads}
    for k, v in static_reads(files).items():
        if k not in seen and k not in ignored:
            reads.append({"name": k, "how": v, "required": False, "is_static": True})
    out = {"ok": settings is not None, "django": django.get_version(), "settings": MODULE, "env": reads,
           "files": [os.path.relpath(f, PROJECT) for f in files]}
    if settings is None:
        out["error"] = error
    else:
        ssl = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        dbs = getattr(settings, "DATABASES", {}) or {}
        out.update({
            "base_dir": str_or_none(getattr(settings, "BASE_DIR", None)),
            "static_url": str_or_none(getattr(settings, "STATIC_URL", None)),
            "static_root": str_or_none(getattr(settings, "STATIC_ROOT", None)),
            "media_url": str_or_none(getattr(settings, "MEDIA_URL", None)),
            "media_root": str_or_none(getattr(settings, "MEDIA_ROOT", None)) or None,
            "storages": storages(settings),
            "ssl_header": [str(ssl[0]), str(ssl[1])] if ssl else None,
            "wsgi_application": getattr(settings, "WSGI_APPLICATION", None),
            "installed_apps": [str(a) for a in settings.INSTALLED_APPS],
            "db_engines": sorted({str(d.get("ENGINE", "")) for d in dbs.values()}),
        })
    sys.stdout.write(json.dumps(out) + "\n")


main()
