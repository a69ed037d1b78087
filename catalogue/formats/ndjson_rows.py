"""The reading half of the documents' NDJSON export: keyset batches of plain rows.

Each batch is the document rows plus their related rows grouped by document id: the
columns ``catalogue.api.serializers.records`` selects (one query per relation, an id
range per batch), in the order ``ndjson_build.build_records`` reads them. A batch is
plain tuples and dicts, so it can be built into records in this process or in the
export's worker process (``ndjson_pipeline``).

The queries are compiled once per export, not once per batch: building ten
querysets and compiling their SQL cost ~7 ms a batch, a quarter of the reading time
at 250 documents a batch. Only the id bounds change between batches; they are bound
as parameters into the once-compiled SQL.
"""

from collections import defaultdict
from collections.abc import Iterator

from django.db import connections

from catalogue import models as m
from catalogue.api.serializers import records as api_records

from .ndjson_build import Paths, Urls, public_relation

Batch = tuple[list[tuple], dict[str, dict]]

# Bounds written into the SQL at compile time and swapped for each batch's own;
# no real primary key is negative.
LOW, HIGH = -7_000_001, -7_000_002

# The related rows of each document: (model, document field, order, columns).
RELATED = api_records.RELATED


class Compiled:
    """A queryset's SQL, compiled once, with the ``LOW``/``HIGH`` placeholders'
    positions among its parameters."""

    def __init__(self, queryset):
        self.db = queryset.db
        self.sql, params = queryset.query.get_compiler(queryset.db).as_sql()
        self.params = list(params)
        self.slots = {
            bound: [i for i, p in enumerate(params) if p == bound] for bound in (LOW, HIGH)
        }
        if any(len(slots) > 1 for slots in self.slots.values()) or not self.slots[LOW]:
            raise ValueError(f"cannot place the batch bounds in {self.sql!r}")

    def rows(self, low: int, high: int | None = None) -> list[tuple]:
        """Rows straight from the cursor, without Django's per-value converters (see
        ``records._raw``)."""
        params = list(self.params)
        for bound, value in ((LOW, low), (HIGH, high)):
            for i in self.slots[bound]:
                params[i] = value
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _grouped(rows) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[row[0]].append(row)
    return groups


def compile_related() -> dict[str, Compiled]:
    out = {}
    for name, (model, field, order, columns) in RELATED.items():
        queryset = (
            model.objects.filter(**{f"{field}__gte": LOW, f"{field}__lte": HIGH})
            .order_by(*order)
            .values_list(*columns)
        )
        out[name] = Compiled(queryset)
    return out


def read_batches(queryset, *, chunk_size: int, public: bool = False) -> Iterator[Batch]:
    """``(document rows, related rows by relation and document id)`` for the documents
    of ``queryset`` in primary-key order, ``chunk_size`` documents at a time. The
    consumer should drop each batch before asking for the next: one batch is then
    all that is in memory."""
    page = Compiled(
        queryset.filter(pk__gt=LOW)
        .order_by("pk")[:chunk_size]
        .values_list(*api_records.DOCUMENT_COLUMNS)
    )
    related = compile_related()
    last = 0
    while True:
        docs = page.rows(last)
        if not docs:
            return
        low, high = docs[0][0], docs[-1][0]
        if high - low < 2 * len(docs):
            rel = {name: _grouped(sql.rows(low, high)) for name, sql in related.items()}
        else:  # scattered ids (a public export among many drafts): an IN list
            rel = api_records.related_rows([d[0] for d in docs])
        if public:
            rel["relations"] = {
                pk: [r for r in map(public_relation, rows) if r is not None]
                for pk, rows in rel["relations"].items()
            }
        last = high
        yield docs, rel
        del docs, rel


def unit_labels() -> dict[int, tuple[str, str]]:
    """Every unit's ``(title, identifier)``, for ``ndjson_build.Paths``."""
    rows = m.ArchivalUnit.objects.values_list("pk", "title", "identifier")
    return {pk: (title, identifier) for pk, title, identifier in rows.iterator(chunk_size=5000)}


def load_units(ids) -> dict[int, tuple[str, str]]:
    rows = m.ArchivalUnit.objects.filter(pk__in=list(ids)).values_list("pk", "title", "identifier")
    return {pk: (title, identifier) for pk, title, identifier in rows}


def paths() -> Paths:
    """Unit path labels for the documents; units created after the preload (an export
    streamed outside a transaction) are fetched when first met."""
    return Paths(unit_labels(), load=load_units)


def urls() -> Urls:
    document_urls = api_records.DocumentUrls()
    return Urls(document_urls.base, document_urls.middle, document_urls.suffix)
