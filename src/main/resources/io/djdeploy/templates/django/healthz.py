"""Health check for djdeploy, written by `djdeploy init`.

Copy this file to {{package}}/healthz.py and add it to {{urls_file}} (ROOT_URLCONF):

    from {{package}}.healthz import healthz

    urlpatterns = [
        path("healthz/", healthz),
        # ... your other URLs
    ]

After each switch djdeploy requests health.url (http://127.0.0.1/healthz/ on each web
host) and passes only when X-Release is the id of the release it just deployed, so a
"200 from the old code" does not pass. The request is plain http with Host 127.0.0.1:
ALLOWED_HOSTS must contain 127.0.0.1, and with SECURE_SSL_REDIRECT = True add
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"].

It answers GET and HEAD (load balancers and uptime checks often send HEAD). With
HEALTHZ_CHECK_DATABASE = True in the settings, or ?database=1 on the URL (e.g. in
health.url), it also runs SELECT 1 on the default database and answers 503 when that fails,
naming only the error's type (never the connection's settings).
"""
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_safe

_release = None


def release_id():
    """The id= line of REVISION, which djdeploy writes into each release (next to
    manage.py), read once per process. "unknown" until the file exists (asked again
    on the next call)."""
    global _release
    if _release is not None:
        return _release
    base = Path(getattr(settings, "BASE_DIR", Path(__file__).resolve().parent.parent))
    for revision in (base / "REVISION", base.parent / "REVISION"):
        try:
            text = revision.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() == "id" and value.strip():
                _release = value.strip()
                return _release
    return "unknown"


def database_error():
    """None when the default database answers SELECT 1, else the error's type name."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # any failure means "not healthy"; the details stay in the server log
        return type(e).__name__
    return None


@require_safe
def healthz(request):
    release = release_id()
    body = {"status": "ok", "release": release}
    status = 200
    if getattr(settings, "HEALTHZ_CHECK_DATABASE", False) or request.GET.get("database") == "1":
        error = database_error()
        body["database"] = "ok" if error is None else error
        if error is not None:
            body["status"] = "error"
            status = 503
    response = JsonResponse(body, status=status)
    response["X-Release"] = release
    response["Cache-Control"] = "no-store"
    return response
