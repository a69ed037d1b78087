"""The admin login limit holds across worker processes.

gunicorn runs several worker processes; a limit counted in each process's memory would
let an attacker multiply the allowed attempts by the number of workers. Here two
separate Python processes play two workers: each posts failed logins through the whole
Django stack (middleware, admin login view, real user table) against one database file.
The count is kept in the database (``catalogue.models.LoginFailure``), so the second
worker must refuse once the two together reach the limit, whatever cache each process
has. The API's anonymous rate, counted in the ``shared`` cache when configured so, is
tested the same way with a per-process cache as the control.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 3

WORKER = """
import json, sys
import django
django.setup()
from django.test import Client

attempts = int(sys.argv[1])
client = Client()
codes = [
    client.post(
        "/admin/login/",
        {"username": "curator", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR="10.9.8.7",
    ).status_code
    for _ in range(attempts)
]
print(json.dumps(codes))
"""

# Only the tables a login touches: a full `migrate` would also build the catalogue.
SETUP = """
import django
django.setup()
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from catalogue.models import LoginFailure
with connection.schema_editor() as editor:
    for model in (ContentType, Permission, Group, User, Session, LoginFailure):
        editor.create_model(model)
User.objects.create_superuser("curator", "curator@example.org", "right-password")
"""


def run(args, env, code=None):
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, *args]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def worker_env(tmp_path):
    """A throwaway SQLite catalogue with the user and cache tables, for processes that
    run outside the test database."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
        "DJANGO_SETTINGS_MODULE": "archive_site.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "CATALOGUE_CACHE_DIR": str(tmp_path / "cache"),
        "LOGIN_RATE_LIMIT_ATTEMPTS": str(LIMIT),
    }
    run([], env, SETUP)
    return env


def test_two_worker_processes_share_the_failure_count(worker_env):
    # Each process has its own local-memory cache: the count must not live there.
    env = {**worker_env, "CATALOGUE_CACHE_BACKEND": "locmem"}
    first = json.loads(run(["2"], env, WORKER))
    second = json.loads(run(["2"], env, WORKER))
    assert first == [200, 200]  # the form again, with an error
    assert second == [200, 429]  # the third failure overall reaches the limit


# The API's anonymous rate, checked by the real throttle class in each process.
API_WORKER = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings
from rest_framework.request import Request
from catalogue.api.permissions import AnonThrottle

rates = {"DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
with override_settings(REST_FRAMEWORK=rates):
    allowed = []
    for _ in range(int(sys.argv[1])):
        request = Request(RequestFactory().get("/api/v1/documents/", REMOTE_ADDR="10.9.8.6"))
        request.user = AnonymousUser()
        allowed.append(AnonThrottle().allow_request(request, None))
print(json.dumps(allowed))
"""


@pytest.mark.parametrize(("backend", "second"), [("file", [True, False]), ("locmem", [True, True])])
def test_two_worker_processes_share_the_anonymous_api_rate(worker_env, backend, second):
    """With the shared cache the second worker refuses the fourth request overall;
    with a per-process cache (the control) it would not."""
    env = {**worker_env, "CATALOGUE_CACHE_BACKEND": backend, "API_THROTTLE_CACHE": "shared"}
    assert json.loads(run(["2"], env, API_WORKER)) == [True, True]
    assert json.loads(run(["2"], env, API_WORKER)) == second


def test_production_shares_the_cache_through_the_database_by_default():
    code = "import django; django.setup(); from django.conf import settings as s; " + (
        "print(s.CACHES['shared']['BACKEND'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "CATALOGUE_CACHE_BACKEND"},
        "DJANGO_SETTINGS_MODULE": "archive_site.settings.prod",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "archive.example.org",
    }
    assert run([], env, code).strip() == "django.core.cache.backends.db.DatabaseCache"


def test_an_unknown_cache_backend_is_a_clear_error():
    from django.core.exceptions import ImproperlyConfigured

    from archive_site.caches import shared_cache

    with pytest.raises(ImproperlyConfigured, match="CATALOGUE_CACHE_BACKEND='redis'"):
        shared_cache("redis", Path("/nonexistent"))


def test_migrate_creates_the_database_cache_table(db, settings):
    """The post_migrate hook: a deployment that runs `migrate` has the table."""
    from django.db import connection

    from archive_site.caches import DATABASE_CACHE_TABLE, create_cache_tables, shared_cache

    assert DATABASE_CACHE_TABLE not in connection.introspection.table_names()
    settings.CACHES = {**settings.CACHES, "shared": shared_cache("database", Path("/unused"))}
    create_cache_tables(using="default")
    assert DATABASE_CACHE_TABLE in connection.introspection.table_names()
