"""Run management commands and scripts against a real database file (or a scratch
PostgreSQL database) in a subprocess: the in-memory test database cannot show WAL,
locking, crashes or backups."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]

SETTINGS = "archive_site.settings.base"


def env_for(database_url: str, media_root: Path | str, **extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONPATH=str(ROOT),
        **{k: str(v) for k, v in extra.items()},
    )
    return env


def manage(env, *args, check=True, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


def python(env, code: str, *, check=True, timeout=300):
    """Run ``code`` after django.setup(); returns the CompletedProcess."""
    prelude = "import django, json, sys\ndjango.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"script failed:\n{result.stdout}\n{result.stderr}")
    return result


def python_json(env, code: str):
    result = python(env, code)
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_available() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@contextmanager
def scratch_postgres_databases(count: int):
    """Create ``count`` empty databases on the test server; yield their URLs; drop them."""
    import psycopg

    base = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(base._replace(path="/postgres"))
    names = [f"reliability_{secrets.token_hex(4)}" for _ in range(count)]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [urlunsplit(base._replace(path=f"/{name}")) for name in names]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


FINGERPRINT = """
import hashlib
from pathlib import Path
from django.conf import settings
from catalogue.services.backup import database_fingerprint
root = Path(settings.MEDIA_ROOT)
media = {
    p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
    for p in sorted(root.rglob('*')) if p.is_file()
} if root.is_dir() else {}
print(json.dumps({"tables": database_fingerprint(), "media": media}))
"""
