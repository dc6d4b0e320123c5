"""Shared settings: a layout many real projects use (base + dev + production modules)."""
import os

# shop/settings/base.py -> the project directory (with manage.py) and the folder above it
BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJECT_DIR = os.path.dirname(BASE_DIR)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "shop",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
TEMPLATES = []

STATIC_URL = "/static/"
# one level up from the code, as in many older projects: uploads and collected files outside the checkout
STATIC_ROOT = os.path.join(PROJECT_DIR, "static_collected")
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(PROJECT_DIR, "media")

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
