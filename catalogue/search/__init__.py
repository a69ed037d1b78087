"""Full-text search behind one small interface: SQLite FTS5 or PostgreSQL tsvector.

``get_backend()`` picks the implementation for the default database. Until a backend
is indexed, the fallback is a plain substring match so the catalogue still works.
"""

from django.db import connection

from .backend import SearchBackend, SubstringBackend

_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    vendor = connection.vendor
    if vendor not in _backends:
        _backends[vendor] = SubstringBackend()
    return _backends[vendor]
