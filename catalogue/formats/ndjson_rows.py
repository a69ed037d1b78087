"""The reading half of the documents' NDJSON export: keyset batches of plain rows.

Each batch is the document rows plus their related rows grouped by document id, as
``catalogue.api.serializers.records`` selects them (one query per relation, an id
range per batch), so the API detail and the export read the same columns. A batch
is plain tuples and dicts: ``ndjson_build.build_records`` turns it into records,
in this process or in the export's worker process (``ndjson_pipeline``).
"""

from collections.abc import Iterator

from catalogue import models as m
from catalogue.api.serializers import records as api_records

from .ndjson_build import Paths, Urls, public_relation

Batch = tuple[list[tuple], dict[str, dict]]


def read_batches(queryset, *, chunk_size: int, public: bool = False) -> Iterator[Batch]:
    """``(document rows, related rows by relation and document id)`` for the documents
    of ``queryset`` in primary-key order, ``chunk_size`` documents at a time."""
    last = 0
    while True:
        page = queryset.filter(pk__gt=last).order_by("pk")[:chunk_size]
        docs = api_records._raw(page.values_list(*api_records.DOCUMENT_COLUMNS))
        if not docs:
            return
        rel = api_records.related_rows([d[0] for d in docs])
        if public:
            rel["relations"] = {
                pk: [r for r in map(public_relation, rows) if r is not None]
                for pk, rows in rel["relations"].items()
            }
        yield docs, rel
        last = docs[-1][0]


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
