"""Settings shared by every environment.

Everything that differs between a laptop and a deployment is read from the
environment, with a default that works on a fresh clone: an embedded SQLite
database in ``var/`` beside the project.
"""

import os
from pathlib import Path

import dj_database_url

from archive_site.caches import shared_cache
from archive_site.db_router import replica_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def facet_array_vendors(value: str | None) -> bool | tuple[str, ...]:
    if value is None:
        return ("sqlite",)
    value = value.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    return tuple(item.strip() for item in value.split(",") if item.strip())


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "catalogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive_site.middleware.db_pinning.PrimaryPinningMiddleware",
    "archive_site.middleware.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive_site.middleware.security.AdminLoginRateLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "archive_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "archive_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "archive_site.wsgi.application"
ASGI_APPLICATION = "archive_site.asgi.application"

DEFAULT_SQLITE_PATH = VAR_DIR / "catalogue.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if "DATABASE_URL" not in os.environ:
    # The embedded default lives in var/, which a fresh clone does not have yet.
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during an import; IMMEDIATE write transactions plus a
    # busy timeout make concurrent writers queue instead of failing "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }

# Read replicas (PostgreSQL streaming standbys): reads go to them, writes and the reads
# of a visitor who just wrote go to the primary. See archive_site/db_router.py.
DATABASES.update(
    replica_settings(
        os.environ.get("DATABASE_REPLICA_URLS", ""),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
)
# PostgreSQL's JIT compiles a plan whose estimated cost is high: 100-130 ms added to a
# page's counting queries at 100,000 documents, more than the queries themselves. Web
# requests are short; DATABASE_JIT=on restores the server's setting.
if os.environ.get("DATABASE_JIT", "off").lower() != "on":
    for _database in DATABASES.values():
        if _database["ENGINE"].endswith("postgresql"):
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
DATABASE_ROUTERS = ["archive_site.db_router.PrimaryReplicaRouter"]
DATABASE_PIN_SECONDS = int(os.environ.get("DATABASE_PIN_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media go through a publication check (catalogue/views/media.py), which then lets the
# front-end server send the file: nginx's internal location (e.g. "/protected-media/")
# via X-Accel-Redirect, or X-Sendfile. Unset: Django streams the file itself.
MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get("MEDIA_ACCEL_REDIRECT_PREFIX", "")
MEDIA_X_SENDFILE = env_bool("MEDIA_X_SENDFILE", False)

# Whole-catalogue downloads (CSV, PROV) and large finding aids, kept as files until the
# catalogue changes (catalogue/downloads.py). Per server; safe to delete at any time.
CATALOGUE_DOWNLOADS_DIR = Path(os.environ.get("CATALOGUE_DOWNLOADS_DIR", VAR_DIR / "downloads"))

LOGIN_URL = "admin:login"

# Security headers (archive_site/middleware/security.py adds CSP and Permissions-Policy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LOGIN_RATE_LIMIT_ATTEMPTS = int(os.environ.get("LOGIN_RATE_LIMIT_ATTEMPTS", "5"))
LOGIN_RATE_LIMIT_WINDOW = int(os.environ.get("LOGIN_RATE_LIMIT_WINDOW", "900"))
# Counts every worker process must see alike (the API's anonymous rate, when
# API_THROTTLE_CACHE says so): see archive_site/caches.py. Admin login failures are
# counted in the database (catalogue.models.LoginFailure).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": shared_cache(
        os.environ.get("CATALOGUE_CACHE_BACKEND", "locmem"),
        Path(os.environ.get("CATALOGUE_CACHE_DIR", VAR_DIR / "cache")),
    ),
}
# Where the anonymous API rate is counted: "default" is per worker process (N workers
# allow N times the rate); "shared" counts across workers at the price of a cache write
# per anonymous request, which with the database backend is a database write.
API_THROTTLE_CACHE = os.environ.get("API_THROTTLE_CACHE", "default")
# Rendered public document pages, per process in the default cache (0: off). The key
# follows every change (catalogue/views/documents.py), so this bounds only rows
# written without save().
CATALOGUE_PAGE_CACHE_SECONDS = int(os.environ.get("CATALOGUE_PAGE_CACHE_SECONDS", "300"))
# Search facet counts over an in-process copy of the facet rows, reloaded by the first
# search after any write: ~0.3 s at 100,000 documents on SQLite or PostgreSQL, but
# ~25 s on a 1,000,000-document PostgreSQL catalogue (a request stalls that long), so
# by default SQLite only. "on": both databases; "off": SQL only; or a vendor list.
SEARCH_FACET_ARRAYS = facet_array_vendors(os.environ.get("SEARCH_FACET_ARRAYS"))
# After a write, a process reloads them only once the time since its last load is this
# many times that load's duration (the SQL path meanwhile): bounds time spent reloading.
SEARCH_FACET_ARRAYS_RELOAD_GAP = float(os.environ.get("SEARCH_FACET_ARRAYS_RELOAD_GAP", "10"))

# Limits on what the catalogue accepts from outside.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(50 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(80_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CATALOGUE_SITE_NAME = os.environ.get("CATALOGUE_SITE_NAME", "Cuban Missile Crisis Archive")
CATALOGUE_BASE_URL = os.environ.get("CATALOGUE_BASE_URL", "http://127.0.0.1:8000")

# OAI-PMH: the repository identifier is part of every record's OAI identifier, so it must
# stay the same once harvesters have seen it.
OAI_REPOSITORY_IDENTIFIER = os.environ.get(
    "OAI_REPOSITORY_IDENTIFIER", "cuban-missile-crisis.catalogue"
)
OAI_ADMIN_EMAIL = os.environ.get("OAI_ADMIN_EMAIL", "archivists@catalogue.invalid")
OAI_PAGE_SIZE = int(os.environ.get("OAI_PAGE_SIZE", "100"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_THROTTLE", "600/minute")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Archival catalogue API",
    "DESCRIPTION": "Documents, agents, repositories, archival units and provenance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc assets are served from the project (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "catalogue.models.common.DatePrecision.choices",
        "DateCertaintyEnum": "catalogue.models.common.DateCertainty.choices",
        "PublicationStatusEnum": "catalogue.models.common.PublicationStatus.choices",
        "EventTypeEnum": "catalogue.models.provenance.EventType.choices",
        "RelationTypeEnum": "catalogue.models.relations.RelationType.choices",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
