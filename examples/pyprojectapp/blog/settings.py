"""A single settings module, configured from the environment (a pyproject.toml project)."""
import os
from pathlib import Path

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

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["BLOG_SECRET_KEY"]
DEBUG = os.getenv("BLOG_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.getenv("BLOG_ALLOWED_HOSTS", "localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("BLOG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DB_PASSWORD = os.getenv("BLOG_DB_PASSWORD", "")

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "blog"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "blog.urls"
WSGI_APPLICATION = "blog.wsgi.application"
TEMPLATES = []
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.getenv("BLOG_DB_PATH", str(BASE_DIR / "db.sqlite3"))}}

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "uploads"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
