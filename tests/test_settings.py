"""Production settings refuse to start unsafe."""

import os
import subprocess
import sys

import pytest

BASE_ENV = {
    k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
}


def load_prod(**env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "archive_site.settings.prod", **env},
        capture_output=True,
        text=True,
        check=False,
    )


GOOD_SECRET = "x" * 60


def test_prod_refuses_missing_secret():
    result = load_prod(ALLOWED_HOSTS="archive.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_prod_refuses_debug():
    result = load_prod(SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="a.example.org", DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_prod_refuses_missing_hosts():
    result = load_prod(SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_prod_starts_with_its_secrets():
    result = load_prod(SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="archive.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
    # The test database is in memory, where SQLite reports "memory"; file databases get WAL.
    assert mode in {"wal", "memory"}
    assert timeout == 20000


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "('sqlite',)"), ("off", "False"), ("1", "True"), ("postgresql", "('postgresql',)")],
)
def test_search_facet_arrays_follow_the_environment(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SEARCH_FACET_ARRAYS)"
    )
    env = {k: v for k, v in BASE_ENV.items() if k != "SEARCH_FACET_ARRAYS"}
    env["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.base"
    if value is not None:
        env["SEARCH_FACET_ARRAYS"] = value
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
