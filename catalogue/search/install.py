"""When ``post_migrate`` must rebuild the derived search tables, and when it need not.

Why: the hooks used to rebuild the search index and the facet rows after *every*
migration run (writes made while ``pre_migrate`` had dropped the triggers would
otherwise be lost). At 100,000 documents that is ~3 minutes on SQLite and far longer on
PostgreSQL at 1M, so a deploy carrying an unrelated migration (a new column elsewhere,
an index) blocked for minutes. A rebuild is needed only when

* the derived table's *shape* is new or changed: each hook records a version (a hash of
  the SQL that defines the table and its triggers, so an edit to that SQL cannot forget
  to bump it) in ``catalogue_search_installed``; a missing or different version means a
  fresh database or new code, and the table is re-created and refilled;
* a migration in the plan may have written rows while the triggers were away: a
  ``RunPython`` (unknowable, so assumed to write unless it is ``RunPython.noop``) or a
  ``RunSQL`` containing a data-changing statement. Schema operations keep rows and ids
  (SQLite's table rebuild copies them), so they never require one;
* the row counts disagree (a repair net the hooks always had).

Otherwise the hooks only re-create the triggers and functions, which is cheap and
idempotent.
"""

from __future__ import annotations

import hashlib
import re

from django.db import migrations

VERSION_TABLE = "catalogue_search_installed"

_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|MERGE|COPY)\b", re.IGNORECASE)


def shape_version(*definitions) -> str:
    """A short hash of the SQL (strings, or nested lists/tuples of them) defining a table."""
    return hashlib.sha256(repr(definitions).encode()).hexdigest()[:16]


def _ensure_table(cursor):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
        "(name varchar(40) PRIMARY KEY, version varchar(64) NOT NULL)"
    )


def recorded_version(connection, name: str) -> str | None:
    """The version the database was last filled with (None: never, or before versions)."""
    with connection.cursor() as cursor:
        _ensure_table(cursor)
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def record_version(connection, name: str, version: str):
    with connection.cursor() as cursor:
        _ensure_table(cursor)
        cursor.execute(f"DELETE FROM {VERSION_TABLE} WHERE name = %s", [name])
        cursor.execute(
            f"INSERT INTO {VERSION_TABLE} (name, version) VALUES (%s, %s)", [name, version]
        )


def _sql_texts(sql) -> list[str]:
    if sql is None or sql == "":
        return []
    if isinstance(sql, str):
        return [sql]
    texts = []
    for item in sql:
        texts.append(item[0] if isinstance(item, (list, tuple)) else item)
    return [str(text) for text in texts]


def _operation_may_write(operation, backwards: bool) -> bool:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return any(_operation_may_write(op, backwards) for op in operation.database_operations)
    if isinstance(operation, migrations.RunPython):
        code = operation.reverse_code if backwards else operation.code
        return code is not None and code is not migrations.RunPython.noop
    if isinstance(operation, migrations.RunSQL):
        sql = operation.reverse_sql if backwards else operation.sql
        if sql is None or sql == migrations.RunSQL.noop:
            return False
        return any(_WRITES.search(text) for text in _sql_texts(sql))
    return False


def plan_may_write(plan) -> bool:
    """Whether any migration of ``plan`` (``post_migrate``'s list of ``(Migration,
    backwards)``) may have written rows while the triggers were dropped. Only the
    catalogue's migrations write its tables; anything unrecognised counts as a write."""
    for item in plan or ():
        try:
            migration, backwards = item
        except (TypeError, ValueError):
            return True
        if not isinstance(migration, migrations.Migration):
            return True
        if migration.app_label != "catalogue":
            continue
        if any(_operation_may_write(op, bool(backwards)) for op in migration.operations):
            return True
    return False
