import os

from .base import *  # noqa: F401,F403


def _read_env_file(path):
    """KEY=value lines into os.environ (what is set already wins), like django-environ's read_env:
    supervisor cannot load an env file for the app, so the settings do."""
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                key, sep, value = line.strip().partition("=")
                if sep and key and not key.startswith("#"):
                    os.environ.setdefault(key.strip(), value.strip())


_read_env_file(os.environ.get("DJANGO_ENV_FILE"))

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["SHOP_DB_PATH"],
    }
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if os.environ.get("SENTRY_DSN"):
    SENTRY_DSN = os.environ["SENTRY_DSN"]
