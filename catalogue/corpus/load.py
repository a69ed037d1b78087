"""The database side of a bulk load: what is switched off while rows stream in.

A generated catalogue is hundreds of thousands of rows per ten thousand documents.
Per-row work the database would do for an interactive write (search triggers that
re-tokenise a document per child row, secondary indexes updated row by row, a journal
written twice) costs more than the rows themselves; each helper here suspends one
such thing for the load and puts it back, or lets the transaction's rollback do so.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.db import IntegrityError, OperationalError, connection

# A 256 MB page cache for the load: the default 2 MB spills index pages over and over.
SQLITE_LOAD_CACHE_KIB = 262144


@contextmanager
def sqlite_load_settings(*, fresh: bool):
    """SQLite connection settings for a load; call outside the transaction (SQLite
    ignores journal and foreign-key pragmas inside one) and restored after it.

    Always: a large page cache. Only into a catalogue without documents (nothing to
    lose but the load itself): the rollback journal in memory instead of the WAL, which
    otherwise receives every page once and copies it into the database again at the
    checkpoint, and no fsync. A failed load still rolls back (the journal is in memory);
    a crash of the machine mid-load can leave the file unusable, to be re-created with
    ``migrate``. Leaving WAL needs the only connection to the file: if another process
    has it open, the load keeps WAL rather than waiting for it; so does a load inside
    an enclosing transaction (tests).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:

        def pragma(name: str):
            cursor.execute(f"PRAGMA {name}")
            row = cursor.fetchone()
            return row[0] if row else None

        cache, sync, journal = pragma("cache_size"), pragma("synchronous"), pragma("journal_mode")
        changed_journal = False
        if fresh and str(journal).lower() == "wal" and not connection.in_atomic_block:
            busy = pragma("busy_timeout")
            cursor.execute("PRAGMA busy_timeout = 0")
            try:
                changed_journal = str(pragma("journal_mode = MEMORY")).lower() == "memory"
            except OperationalError:
                changed_journal = False
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(busy or 0)}")
        if changed_journal:
            cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if changed_journal:
                cursor.execute(f"PRAGMA journal_mode = {journal}")
                cursor.execute(f"PRAGMA synchronous = {int(sync)}")
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def postgres_load_settings() -> None:
    """Inside the load's transaction (``SET LOCAL`` ends with it): memory for building
    the deferred indexes in one sort each, GIN's included."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")


@contextmanager
def postgres_foreign_keys_checked_once(tables: list[str]):
    """PostgreSQL checks a foreign key with a trigger per inserted row; Django declares
    them DEFERRABLE INITIALLY DEFERRED, so a load would queue tens of millions of
    checks in memory until the commit (and, pending, they forbid CREATE INDEX).

    Checks become immediate (a COPY's are run at its end, the queue stays small). When
    the role may (a superuser: ``session_replication_role`` also silences the per-row
    checks), the load runs without them and each foreign key of ``tables`` is then
    checked once with one anti-join, the way ``ALTER TABLE … VALIDATE CONSTRAINT``
    would; a dangling reference raises and the transaction rolls back.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        replica = bool(row and row[0])
        if replica:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        if replica:
            cursor.execute("SET LOCAL session_replication_role = origin")
            _validate_foreign_keys(cursor, tables)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _validate_foreign_keys(cursor, tables: list[str]) -> None:
    cursor.execute(
        "SELECT c.conname, c.conrelid::regclass::text, a.attname, "
        "c.confrelid::regclass::text, f.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 "
        "AND c.conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    qn = connection.ops.quote_name
    for name, table, column, parent, parent_column in cursor.fetchall():
        cursor.execute(
            f"SELECT t.{qn(column)} FROM {table} t WHERE t.{qn(column)} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{qn(parent_column)} = "
            f"t.{qn(column)}) LIMIT 1"
        )
        dangling = cursor.fetchone()
        if dangling:
            raise IntegrityError(
                f"{table}.{column} = {dangling[0]} refers to no row of {parent} ({name})."
            )


@contextmanager
def derived_tables_suspended():
    """Drop the per-row triggers that keep derived tables (the search index, SQLite's
    facet table) in sync for the load, and put them back after it; yield whether the
    search index is installed, for the caller to bring it up to date once.

    The search triggers re-index a whole document on every footnote and agent-role
    insert, i.e. eight or more times per generated document; the facet triggers write a
    row per document and a cache stamp per child row. One pass over the loaded rows
    afterwards does the same work once. DDL is transactional on SQLite and PostgreSQL:
    a failed load rolls the triggers back in place with everything else.
    """
    from catalogue.search import schema

    facets = _facets_module()
    search = schema.is_installed(connection)
    facet_table = facets is not None and facets.is_installed(connection)
    if search:
        schema.drop_triggers(connection)
    if facet_table:
        facets.drop_triggers(connection)
    yield search
    if search:
        schema.install(connection)
    if facet_table:
        facets.install(connection)
        facets.rebuild(connection)


def _facets_module():
    try:
        from catalogue.search import facets
    except ImportError:  # a checkout without the facet table
        return None
    return facets


@contextmanager
def deferred_indexes(tables: list[str], *, stored_before: dict[str, str] | None = None):
    """Drop the secondary indexes of those ``tables`` that are empty now and re-create
    them, from their own stored definitions, once the rows are in: one sorted build per
    index instead of a B-tree insert per row and index. Primary keys and indexes that
    back constraints stay. Tables already holding rows keep their indexes (rebuilding
    those would cost more than it saves). On an exception nothing is re-created here:
    the rollback restores the dropped indexes.

    ``stored_before`` (SQLite): for a table named there, only the indexes whose columns
    are all stored before the given column are deferred. A build reads every row back;
    columns stored after a long text sit on overflow pages, and such a build costs about
    what keeping the index live does, while one over the leading columns costs about a
    third of it (documents' table, 20,000 rows).

    Yields a ``DeferredIndexes``: its ``build()`` re-creates them before the last rows
    (each is then kept up to date for those), and ``build_one()`` one of them, so that
    builds can fill this process's waits for work under way elsewhere instead of all of
    them waiting at the end."""
    saved: list[str] = []
    qn = connection.ops.quote_name
    stored_before = stored_before or {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {qn(table)} LIMIT 1")
            if cursor.fetchone():
                continue
            leading = None
            if table in stored_before:
                leading = _columns_stored_before(cursor, table, stored_before[table])
            for name, definition in _secondary_indexes(cursor, table):
                if leading is not None and not _only_columns(definition, table, leading):
                    continue
                saved.append(definition)
                cursor.execute(f"DROP INDEX {qn(name)}")
    deferred = DeferredIndexes(saved)
    yield deferred
    deferred.build()


class DeferredIndexes:
    """The definitions ``deferred_indexes`` dropped and has yet to re-create."""

    def __init__(self, definitions: list[str]):
        self.pending = list(definitions)

    def build(self) -> None:
        while self.build_one():
            pass

    def build_one(self) -> bool:
        """Re-create the next pending index; False when none is left."""
        if not self.pending:
            return False
        with connection.cursor() as cursor:
            cursor.execute(self.pending.pop(0))
        return True


def _columns_stored_before(cursor, table: str, column: str) -> set[str]:
    # main.: an unqualified table_info takes a read lock on every attached database
    # (the staged load's scratch files) until the transaction ends.
    cursor.execute(f"PRAGMA main.table_info({connection.ops.quote_name(table)})")
    names = [row[1] for row in cursor.fetchall()]
    return set(names[: names.index(column)])


def _only_columns(definition: str, table: str, columns: set[str]) -> bool:
    """Whether every column an index definition names (keys, expressions, WHERE) is in
    ``columns``: the identifiers after the table name that are not SQL words."""
    body = re.split(rf'\sON\s+"?{re.escape(table)}"?', definition, maxsplit=1)[1]
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", body)) - _SQL_WORDS
    return words <= columns


_SQL_WORDS = {"IS", "NOT", "NULL", "DESC", "ASC", "WHERE", "AND", "OR", "COLLATE", "NOCASE"}


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    if connection.vendor == "sqlite":
        # sql is NULL for the automatic indexes of PRIMARY KEY / UNIQUE column clauses.
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        return list(cursor.fetchall())
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace "
            "AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [table],
        )
        return list(cursor.fetchall())
    return []


def analyze(tables: list[str] | None = None) -> None:
    """PostgreSQL plans from table statistics that autovacuum refreshes only some time
    after a bulk load: the search index build right after the load (its per-document
    subqueries), and benchmarks, should see the plans production would settle on, not
    whatever autovacuum happened to have done. (SQLite keeps none unless asked.)

    Outside a transaction (after the load has committed) it is ``VACUUM (ANALYZE)``:
    freshly loaded pages have no visibility-map bits (no index-only scans: every index
    entry visits the heap) and no hint bits (the first reader of each row checks its
    transaction and dirties the page), which is again not what production settles on.
    At 100,000 documents it took 1.8 s and cut the facet arrays' load from 290–330 to
    260–280 ms of server CPU (docs/performance.md, session 6). VACUUM cannot run
    inside a transaction, so within one (a test, a caller's atomic block) it is ANALYZE."""
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute(command)
        else:
            cursor.execute(f"{command} " + ", ".join(qn(t) for t in tables))
