"""Restore an NDJSON export (``export_catalogue``) into an empty database.

Why this shape:

* It is the logical backup path: the export is readable, diffable JSON in the same
  shapes as the API, and restoring it then exporting again gives the same bytes.
* Every file's SHA-256 and record count are checked against the manifest before
  anything is written; a damaged export is refused, never half-restored.
* The whole restore is one transaction: an error on line 90,000 leaves the database as
  it was. It refuses a database that already holds catalogue records.
* Rows are inserted with ``bulk_create`` in batches and keep their identifiers (public
  document ids must survive a restore); timestamps are restored as exported, not reset.
  The search index's per-row triggers are suspended and the index rebuilt once.

Modules: ``manifest`` (the manifest, its format and the checksum verification),
``records`` (reading the NDJSON files), ``restorer`` (records back into rows); this
module holds the transaction around them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, models, transaction

from catalogue import models as m
from catalogue.search import get_backend
from catalogue.services.cataloguing.indexing import OnceIndexer

from .manifest import (
    FORMAT,
    FORMAT_VERSION,
    ManifestEntry,
    RestoreError,
    read_manifest,
    sha256_of,
    verify_export,
)
from .records import BATCH, batched, read_records
from .restorer import Restorer

__all__ = [
    "BATCH",
    "CONTENT_MODELS",
    "FORMAT",
    "FORMAT_VERSION",
    "ManifestEntry",
    "RestoreError",
    "Restorer",
    "batched",
    "ensure_empty",
    "original_timestamps",
    "read_manifest",
    "read_records",
    "reset_sequences",
    "restore_catalogue",
    "sha256_of",
    "verify_export",
]


# Tables a restore fills from records (the vocabularies are replaced wholesale).
CONTENT_MODELS = [
    m.Document,
    m.Agent,
    m.ArchivalUnit,
    m.Repository,
    m.Footnote,
    m.DocumentAgent,
    m.ProvenanceEvent,
    m.DocumentRelation,
    m.Citation,
    m.DigitalObject,
    m.ImportRun,
    m.Publication,
    m.Subject,
]


def ensure_empty() -> None:
    filled = [model._meta.verbose_name_plural for model in CONTENT_MODELS if model.objects.exists()]
    if filled:
        raise RestoreError(
            "The database already holds catalogue records ("
            + ", ".join(str(name) for name in filled)
            + "); restore only into an empty, freshly migrated database."
        )


@contextlib.contextmanager
def original_timestamps():
    """Let ``bulk_create`` keep exported created/updated times instead of 'now'."""
    switched = []
    for model in [*CONTENT_MODELS, m.DigitalObject]:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def reset_sequences() -> None:
    """PostgreSQL sequences do not move when rows are inserted with explicit ids."""
    models_with_ids = [
        m.ImportRun,
        m.ClassificationLevel,
        m.Caveat,
        m.DocumentType,
        m.Collection,
        m.Subject,
        m.Publication,
        m.Repository,
        m.Agent,
        m.ArchivalUnit,
        m.Document,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models_with_ids)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore_catalogue(
    *, directory: Path, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Verify the export at ``directory`` and load it into this (empty) database.

    Returns the number of records restored per kind. Raises ``RestoreError`` (nothing
    written) when the export is damaged or the database is not empty.
    """
    directory = Path(directory)
    entries = verify_export(directory)
    from catalogue.formats.ndjson import KINDS

    order = list(KINDS)
    entries.sort(key=lambda entry: order.index(entry.kind))
    restorer = Restorer()
    counts: dict[str, int] = {}
    with transaction.atomic(), original_timestamps():
        ensure_empty()
        # Per-row search triggers would re-tokenise a document for each footnote and
        # role inserted; suspend them and index everything once at the end.
        indexer = OnceIndexer()
        indexer.suspend()
        for entry in entries:
            records = read_records(directory / entry.file)
            if progress is not None:
                records = _counting(records, entry.kind, progress)
            counts[entry.kind] = getattr(restorer, entry.kind)(records)
            if counts[entry.kind] != entry.records:
                raise RestoreError(
                    f"{entry.file}: restored {counts[entry.kind]} records, expected {entry.records}."
                )
        reset_sequences()
        get_backend().rebuild()
        indexer.restore()
    return counts


def _counting(records, kind, progress):
    for record in records:
        yield record
        progress(kind, 1)
