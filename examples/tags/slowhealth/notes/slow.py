"""Tag `slowhealth`: /healthz/ that hangs before answering (see demo/urls.py)."""
import time

from notes import views


def healthz(request):
    time.sleep(30)
    return views.healthz(request)
