"""Dropping the index triggers names the catalogue's own schema. Without ``main.``,
``DROP TRIGGER IF EXISTS`` of a trigger that does not exist looks in every attached
database and holds a read lock on each until the transaction ends: the corpus
generator's worker could then never write its next scratch file (its load hung)."""

import sqlite3

import pytest
from django.db import connection

from catalogue.search import facets, schema

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite ATTACH")


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "drop",
    [facets.drop_triggers, lambda conn: schema._drop_sqlite_triggers(conn.cursor())],
    ids=["facet triggers", "search triggers"],
)
def test_dropping_missing_triggers_leaves_attached_databases_writable(tmp_path, drop):
    scratch = tmp_path / "scratch.sqlite3"
    with sqlite3.connect(scratch) as other:
        other.execute("CREATE TABLE t (x)")
    with connection.cursor() as cursor:
        for name, *_ in facets.TRIGGERS:  # make the drops look for missing triggers
            cursor.execute(f"DROP TRIGGER IF EXISTS main.{facets._trigger_name(name)}")
        for name, *_ in schema.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS main.catalogue_search_{name}")
        cursor.execute("ATTACH DATABASE %s AS scratch", [str(scratch)])
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM main.catalogue_document")
        drop(connection)
        writer = sqlite3.connect(scratch, timeout=0.5, isolation_level=None)
        writer.execute("PRAGMA journal_mode=DELETE")
        writer.execute("INSERT INTO t VALUES (1)")  # "database is locked" if read-locked
        writer.close()
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DETACH DATABASE scratch")
        schema.install(connection)
        facets.install(connection)
