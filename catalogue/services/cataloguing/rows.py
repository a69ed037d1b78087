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

from functools import cache

from django.db import connection, models


@cache
def _plan(model: type[models.Model], columns: tuple[str, ...]):
    """(SQL, constant tail values) for inserting ``columns`` plus defaults for the rest."""
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
        f"VALUES ({', '.join(['%s'] * len(all_columns))})"
    )
    tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    return sql, tail


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]):
    """Insert ``rows`` (db-ready values in ``columns`` order) into ``model``'s table."""
    if not rows:
        return
    sql, tail = _plan(model, columns)
    if tail:
        rows = [row + tail for row in rows]
    with connection.cursor() as cursor:
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
