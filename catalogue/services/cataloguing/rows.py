"""Bulk inserts of a batch's child rows without building model instances.

Each imported document brings a dozen or more footnotes, roles, citations, events and
event agents. Building a model instance per row and letting ``bulk_create`` compile
each value costs several times more than parsing the text; here rows are plain tuples
sent with one ``executemany`` per table, and the ids the next table needs (footnotes,
events) are read back with one query. Columns this module does not name get their
model default, so a field added later with a default does not break the importer.
Only tables whose rows need no ``save()`` logic, signals or history are written here.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from functools import cache
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

# Rows per multi-row INSERT: larger statements gained nothing measurable.
MAX_ROWS_PER_STATEMENT = 500


@contextmanager
def bulk_cursor():
    """(cursor, placeholder, parameter limit) for this module's bulk statements.

    Why: Django's SQLite cursor rewrites each statement's ``%s`` to ``?`` with a regular
    expression and wraps each call for errors; on an import batch's multi-row INSERTs
    (kilobytes of SQL, hundreds of parameters each) that was ~5 % of storing. On SQLite,
    unless someone watches the queries (``DEBUG``, ``assertNumQueries``, an
    ``execute_wrapper``), the statements go to the driver's own cursor in its ``?``
    style, with Django's checks (thread, broken transaction) made once and errors still
    raised as Django's; SQLite's own parameter limit replaces Django's conservative 999."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor == "sqlite" and not conn.queries_logged and not conn.execute_wrappers:
        conn.ensure_connection()
        conn.validate_thread_sharing()
        conn.validate_no_broken_transaction()
        with conn.wrap_database_errors:
            cursor = conn.connection.cursor()
            try:
                yield cursor, "?", conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            finally:
                cursor.close()
        return
    with conn.cursor() as cursor:
        yield cursor, "%s", conn.features.max_query_params or 65535


def _insert_returning(model: type[models.Model], columns: list[str], rows: list) -> list[int]:
    """Multi-row INSERT … RETURNING of db-ready ``rows`` (values in ``columns`` order),
    as few statements as the parameter limit allows; the new ids in the order of
    ``rows``."""
    qn = connection.ops.quote_name
    meta = model._meta
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    returning = f" RETURNING {qn(meta.pk.column)}"
    ids: list[int] = []
    with bulk_cursor() as (cursor, mark, limit):
        one = "(" + ", ".join([mark] * len(columns)) + ")"
        size = max(1, min(MAX_ROWS_PER_STATEMENT, limit // len(columns)))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + returning, params)
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


@cache
def _plan(model: type[models.Model], columns: tuple[str, ...], mark: str = "%s"):
    """(SQL, the other fields) for inserting ``columns`` plus defaults for the rest, with
    ``mark`` as the parameter placeholder."""
    meta = model._meta
    named = set(columns)
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.column not in named]
    for field in rest:
        if field.get_default() is None and not field.null:
            raise ValueError(f"{meta.label}.{field.name} has no default: name it.")
    qn = connection.ops.quote_name
    all_columns = [*columns, *(f.column for f in rest)]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in all_columns)}) "
        f"VALUES ({', '.join([mark] * len(all_columns))})"
    )
    return sql, rest


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]):
    """Insert ``rows`` (db-ready values in ``columns`` order) into ``model``'s table."""
    if not rows:
        return
    with bulk_cursor() as (cursor, mark, _limit):
        sql, rest = _plan(model, columns, mark)
        # Defaults are evaluated per call: a callable default (timezone.now) must not freeze.
        tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        if tail:
            rows = [row + tail for row in rows]
        cursor.executemany(sql, rows)


def insert_rows_returning_ids(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]
) -> list[int] | None:
    """``insert_rows`` that gives back the new ids, in the order of ``rows`` (multi-row
    INSERT … RETURNING, as ``insert_returning_ids``): saves reading them back with a
    query per batch. None where the database cannot return them (use ``ids_by``)."""
    if not connection.features.can_return_rows_from_bulk_insert:
        insert_rows(model, columns, rows)
        return None
    if not rows:
        return []
    _sql, rest = _plan(model, columns)
    tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    names = [*columns, *(f.column for f in rest)]
    return _insert_returning(model, names, [(*row, *tail) for row in rows])


def update_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]):
    """Set ``columns`` of existing rows: each row is (values…, primary key)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    with bulk_cursor() as (cursor, mark, _limit):
        sql = (
            f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(c)} = {mark}' for c in columns)} "
            f"WHERE {qn(meta.pk.column)} = {mark}"
        )
        cursor.executemany(sql, rows)


def ids_by(model: type[models.Model], document_ids, key: str) -> dict[tuple[int, int], int]:
    """{(document_id, key value): id} for rows just inserted for these documents."""
    return {
        (document_id, value): pk
        for pk, document_id, value in model.objects.filter(
            document_id__in=document_ids
        ).values_list("id", "document_id", key)
    }


def adapters():
    """(date, time) adapters of the current database, looked up once per batch: the
    connection proxy is too slow to consult per value."""
    ops = connection.ops
    return ops.adapt_datefield_value, ops.adapt_timefield_value


_IDENTITY_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _memoised(adapt):
    """A batch's timestamps are a handful of values (the run's ``now``) repeated on
    every row; adapting each again (time-zone checks, formatting) is wasted work."""
    seen = {}

    def prepare(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = adapt(value)
            return result
        except TypeError:  # unhashable: adapt as is
            return adapt(value)

    return prepare


def _preparers(fields):
    """One db-value function per field (None: the Python value is already db-ready).
    Bound to the real connection, not the ``django.db.connection`` proxy, whose every
    attribute access goes through a context-local lookup."""
    conn = connections[DEFAULT_DB_ALIAS]
    ops = conn.ops
    out = []
    for field in fields:
        kind = field.get_internal_type()
        if kind in _IDENTITY_TYPES:
            out.append(None)
        elif kind == "DateField":
            out.append(ops.adapt_datefield_value)
        elif kind == "TimeField":
            out.append(ops.adapt_timefield_value)
        elif kind == "DateTimeField":
            out.append(_memoised(ops.adapt_datetimefield_value))
        elif kind == "JSONField":
            # What JSONField.get_db_prep_save does for plain Python values.
            out.append(
                lambda value, adapt=ops.adapt_json_value, encoder=field.encoder: (
                    None if value is None else adapt(value, encoder)
                )
            )
        else:
            out.append(lambda value, field=field: field.get_db_prep_save(value, conn))
    return out


def _row_maker(preparers):
    """A function turning a list of Python values into db values (in place, fast)."""
    todo = [(i, p) for i, p in enumerate(preparers) if p is not None]

    def make(values: list) -> list:
        for i, prepare in todo:
            values[i] = prepare(values[i])
        return values

    return make


def insert_returning_ids(model: type[models.Model], objs: list[models.Model]):
    """``bulk_create`` for wide rows, without compiling each value: sets ``pk`` on each
    object (INSERT … RETURNING, as Django's own bulk_create does on SQLite ≥ 3.35 and
    PostgreSQL). Fills ``auto_now``/``auto_now_add`` like ``save()``; sends no signals."""
    if not objs:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                if field.auto_now or getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
    make = _row_maker(_preparers(fields))
    read = attrgetter(*(f.attname for f in fields))
    rows = [make(list(read(obj))) for obj in objs]
    ids = _insert_returning(model, [f.column for f in fields], rows)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def update_objects(model: type[models.Model], objs: list[models.Model]):
    """``save()`` of existing rows without compiling each value: every concrete field
    written (``auto_now`` set as save() sets it), one UPDATE per row in one
    ``executemany``; sends no signals (the caller writes the history rows)."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    make = _row_maker(_preparers(fields))
    read = attrgetter(*(f.attname for f in fields))
    update_rows(
        model,
        tuple(f.column for f in fields),
        [(*make(list(read(obj))), obj.pk) for obj in objs],
    )


def delete_children(document_ids: list[int]):
    """Delete what an import writes under these documents (footnotes, roles, events and
    their agents, relations, citations, caveat links), a DELETE per table with no
    collector: these tables have no history, no signals and nothing cascading from
    them except what is deleted here first, and rows of other documents pointing at
    the footnotes (``SET_NULL``) are set to NULL as the collector would."""
    from catalogue.models import (
        Citation,
        Document,
        DocumentAgent,
        DocumentRelation,
        EventAgent,
        Footnote,
        ProvenanceEvent,
    )

    if not document_ids:
        return
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(document_ids))

    def table(model):
        return qn(model._meta.db_table)

    footnotes = f"SELECT id FROM {table(Footnote)} WHERE document_id IN ({marks})"
    events = f"SELECT id FROM {table(ProvenanceEvent)} WHERE document_id IN ({marks})"
    statements = [
        f"DELETE FROM {table(DocumentRelation)} WHERE source_id IN ({marks})",
        f"DELETE FROM {table(Citation)} WHERE document_id IN ({marks})",
        f"DELETE FROM {table(EventAgent)} WHERE event_id IN ({events})",
        f"DELETE FROM {table(ProvenanceEvent)} WHERE document_id IN ({marks})",
        f"DELETE FROM {table(DocumentAgent)} WHERE document_id IN ({marks})",
        f"UPDATE {table(Citation)} SET footnote_id = NULL WHERE footnote_id IN ({footnotes})",
        f"UPDATE {table(DocumentRelation)} SET footnote_id = NULL "
        f"WHERE footnote_id IN ({footnotes})",
        f"DELETE FROM {table(Footnote)} WHERE document_id IN ({marks})",
        f"DELETE FROM {table(Document.caveats.through)} WHERE document_id IN ({marks})",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, document_ids)


def insert_history(objs, *, history_type: str = "+", extra: dict):
    """Historical rows (django-simple-history) for freshly inserted ``objs``: what its
    ``bulk_history_create`` writes, as tuples. ``extra`` gives the history_* values."""
    if not objs:
        return
    history_model = type(objs[0]).history.model
    fields = [f for f in history_model._meta.concrete_fields if not f.primary_key]
    values = {"history_date": timezone.now(), "history_type": history_type, **extra}
    tracked = {f.attname for f in history_model.tracked_fields}
    copied = [f for f in fields if f.attname in tracked and f.attname not in values]
    fixed = [f for f in fields if f not in copied]
    # The same for every row (change reason, channel, run, date): prepared once.
    fixed_row = tuple(
        _row_maker(_preparers(fixed))(
            [values[f.attname] if f.attname in values else f.get_default() for f in fixed]
        )
    )
    read = attrgetter(*(f.attname for f in copied))
    make = _row_maker(_preparers(copied))
    insert_rows(
        history_model,
        tuple(f.column for f in [*copied, *fixed]),
        [(*make(list(read(obj))), *fixed_row) for obj in objs],
    )
