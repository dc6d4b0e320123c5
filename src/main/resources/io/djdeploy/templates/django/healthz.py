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
"""
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

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


@require_GET
def healthz(request):
    release = release_id()
    response = JsonResponse({"status": "ok", "release": release})
    response["X-Release"] = release
    response["Cache-Control"] = "no-store"
    return response
