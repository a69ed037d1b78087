"""Full-text search behind one small interface: SQLite FTS5 or PostgreSQL tsvector.

``get_backend()`` picks the implementation for the default database's vendor; any
other database gets a plain substring match so the catalogue still works.
"""

from django.db import connection

from .backend import SearchBackend, SubstringBackend

_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    vendor = connection.vendor
    if vendor not in _backends:
        if vendor == "sqlite":
            from .sqlite import SQLiteFTSBackend

            _backends[vendor] = SQLiteFTSBackend()
        elif vendor == "postgresql":
            from .postgres import PostgresBackend

            _backends[vendor] = PostgresBackend()
        else:
            _backends[vendor] = SubstringBackend()
    return _backends[vendor]
