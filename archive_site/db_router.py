"""Primary/replica routing for PostgreSQL deployments that outgrow one database server.

Writes always go to ``default`` (the primary). Reads go to a streaming replica
(``replica_1`` … ``replica_n``, from ``DATABASE_REPLICA_URLS``) unless the read must see
a write the replica may not have replayed yet:

- inside a transaction on the primary (a service reading what it is about to change,
  e.g. the optimistic-lock version check);
- for the rest of a request once it has written, and for unsafe requests (POST, …);
- for a visitor who wrote within the last ``DATABASE_PIN_SECONDS`` seconds, marked by a
  signed cookie that ``archive_site.middleware.db_pinning`` sets and reads.

Without replicas every read goes to ``default``, so the router is always installed.
"""

from __future__ import annotations

import contextvars
import random
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db import connections

REPLICA_PREFIX = "replica_"

# Per request (and per thread/task): pinned to the primary, and whether it wrote.
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("db_pinned", default=False)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("db_wrote", default=False)


def replica_settings(urls: str | list[str], **parse_options) -> dict[str, dict]:
    """``{"replica_1": {...}, …}`` from a comma-separated list of database URLs."""
    if isinstance(urls, str):
        urls = [u.strip() for u in urls.split(",")]
    out = {}
    for n, url in enumerate((u for u in urls if u), start=1):
        config = dj_database_url.parse(url, **parse_options)
        # In tests a replica mirrors the primary's test database (Django's own
        # convention); tests/test_db_router.py points one at a real standby instead.
        config["TEST"] = {"MIRROR": "default"}
        out[f"{REPLICA_PREFIX}{n}"] = config
    return out


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def pin_to_primary() -> contextvars.Token:
    return _pinned.set(True)


@contextmanager
def reads_from_primary():
    """Every read in the block goes to the primary: for a value that must agree with
    something just read there (``catalogue.stamped``: a count cached under the
    primary's change stamp must not come from a replica that has not replayed it)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def begin_request(pinned: bool) -> tuple[contextvars.Token, contextvars.Token]:
    return _pinned.set(pinned), _wrote.set(False)


def end_request(tokens) -> bool:
    """Reset the request's state; return whether the request wrote."""
    pinned_token, wrote_token = tokens
    wrote = _wrote.get()
    _pinned.reset(pinned_token)
    _wrote.reset(wrote_token)
    return wrote


def is_pinned() -> bool:
    return _pinned.get()


def reset() -> None:
    """Unpin this context: for long-lived workers between jobs, and for tests."""
    _pinned.set(False)
    _wrote.set(False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas or _pinned.get():
            return "default"
        if connections["default"].in_atomic_block:
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        # Everything after a write in this request reads what it wrote.
        _wrote.set(True)
        _pinned.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary: objects from either may relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas are read-only copies: schema changes reach them through replication.
        return not db.startswith(REPLICA_PREFIX)
