"""Production: refuses to start without its secrets or with DEBUG on."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from archive_site.caches import shared_cache

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, MEDIA_ROOT, MIDDLEWARE, VAR_DIR, env_bool, env_list

DEBUG = False
if env_bool("DEBUG", False):
    raise ImproperlyConfigured("DEBUG must not be enabled in production settings.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Login failure counts shared by every gunicorn worker (archive_site/caches.py); the
# table is created by `migrate`.
CACHES = {
    **CACHES,
    "shared": shared_cache(
        os.environ.get("CATALOGUE_CACHE_BACKEND", "database"),
        Path(os.environ.get("CATALOGUE_CACHE_DIR", VAR_DIR / "cache")),
    ),
}

# Persistent, health-checked database connections: a gunicorn worker reuses its
# connection for a minute instead of opening one per request (CONN_MAX_AGE overrides).
if "CONN_MAX_AGE" not in os.environ:
    for _database in DATABASES.values():
        _database["CONN_MAX_AGE"] = 60
        _database["CONN_HEALTH_CHECKS"] = True

# Static files from the application itself (WhiteNoise: compressed, far-future cached),
# so each gunicorn host serves the site's assets without a separate file server; page
# images and other media live on storage shared by every host (MEDIA_ROOT).
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
