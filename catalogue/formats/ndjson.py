"""The catalogue as newline-delimited JSON: one record per line, in the record shapes
the API detail endpoints return (``catalogue.api.serializers``).

Memory stays flat however large the catalogue: documents are read in keyset batches
whose related rows come from one plain-rows query per relation; the other kinds use
``.iterator(chunk_size=…)`` (server-side cursors on PostgreSQL) with chunked prefetch.
Lines are yielded as they are made.
Records are ordered by primary key and keys are written in a fixed order, so the same
catalogue always exports to the same bytes.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from catalogue import models as m

CONTENT_TYPE = "application/x-ndjson"
CHUNK_SIZE = 1000
BUFFER_BYTES = 256 * 1024


def _staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


@dataclass(frozen=True)
class Kind:
    name: str
    serializer: str  # class name in catalogue.api.serializers

    def queryset(self, user):
        return QUERYSETS[self.name](user)


def _documents(user):
    qs = m.Document.objects.all()
    return qs.order_by("pk") if user is None else qs.visible_to(user).order_by("pk")


def _agents(user):
    qs = m.Agent.objects.prefetch_related("names", "positions", "identifiers")
    if user is not None and not _staff(user):
        qs = qs.public()
    return qs.order_by("pk")


def _units(user):
    qs = m.ArchivalUnit.objects.all()
    if user is not None and not _staff(user):
        qs = qs.public()
    return qs.order_by("pk")


QUERYSETS = {
    "documents": _documents,
    "agents": _agents,
    "units": _units,
    "repositories": lambda user: m.Repository.objects.order_by("pk"),
    "classifications": lambda user: m.ClassificationLevel.objects.order_by("pk"),
    "caveats": lambda user: m.Caveat.objects.order_by("pk"),
    "document_types": lambda user: m.DocumentType.objects.order_by("pk"),
    "collections": lambda user: m.Collection.objects.order_by("pk"),
    "subjects": lambda user: m.Subject.objects.order_by("pk"),
    "publications": lambda user: m.Publication.objects.order_by("pk"),
    "import_runs": lambda user: m.ImportRun.objects.order_by("pk"),
}

KINDS = {
    "import_runs": Kind("import_runs", "ImportRunSerializer"),
    "classifications": Kind("classifications", "ClassificationSerializer"),
    "caveats": Kind("caveats", "CaveatSerializer"),
    "document_types": Kind("document_types", "DocumentTypeSerializer"),
    "collections": Kind("collections", "CollectionSerializer"),
    "subjects": Kind("subjects", "SubjectSerializer"),
    "publications": Kind("publications", "PublicationSerializer"),
    "repositories": Kind("repositories", "RepositorySerializer"),
    "agents": Kind("agents", "AgentSerializer"),
    "units": Kind("units", "ArchivalUnitSerializer"),
    "documents": Kind("documents", "DocumentSerializer"),
}
# What the public export endpoints offer; the backup command writes every kind, in
# the order above, which is also the order a restore reads them in.
PUBLIC_KINDS = ("documents", "agents", "units", "repositories")


def records(kind: str, *, user=None, chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """Every record of ``kind`` visible to ``user`` (``None``: everything, for backups)."""
    from catalogue.api import serializers

    spec = KINDS[kind]
    if kind == "documents":
        public = user is not None and not _staff(user)
        yield from _document_records(spec.queryset(user), chunk_size, public=public)
        return
    context: dict[str, Any] = {}
    if kind in ("documents", "units"):
        context["unit_paths"] = serializers.UnitPaths().load_all()
    serializer = getattr(serializers, spec.serializer)(context=context)
    for instance in spec.queryset(user).iterator(chunk_size=chunk_size):
        yield serializer.to_representation(instance)


def _document_records(queryset, chunk_size, *, public=False):
    """Documents in keyset-paginated batches: each batch is a fixed number of queries
    (``ndjson_rows.read_batches``) and only one batch is in memory at a time."""
    from . import ndjson_build, ndjson_rows

    labels, urls = ndjson_rows.paths().labels, ndjson_rows.urls()
    for batch in ndjson_rows.read_batches(queryset, chunk_size=chunk_size, public=public):
        for _, record in ndjson_build.build_records(*batch, labels, urls):
            yield record
        del batch  # before the next batch is read


def dumps(record: dict) -> str:
    return orjson.dumps(record).decode()


def encoded_lines(kind: str, *, user=None, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """UTF-8 lines, newline-terminated: compact JSON, non-ASCII kept as is."""
    for record in records(kind, user=user, chunk_size=chunk_size):
        yield orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def encoded_blocks(
    kind: str, *, user=None, block_bytes: int = BUFFER_BYTES
) -> Iterator[tuple[bytes, int]]:
    """``(block, records)``: whole lines joined into blocks of about ``block_bytes``,
    so a writer (and a hash) is called once per block, not once per line."""
    buffer: list[bytes] = []
    size = 0
    for line in encoded_lines(kind, user=user):
        buffer.append(line)
        size += len(line)
        if size >= block_bytes:
            yield b"".join(buffer), len(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer), len(buffer)


def stream(kind: str, *, user=None) -> Iterator[bytes]:
    """NDJSON in blocks of about ``BUFFER_BYTES`` (one write per block, not per line)."""
    for block, _ in encoded_blocks(kind, user=user):
        yield block


@contextmanager
def fewer_collections():
    """For a one-shot export process: records are acyclic and freed by reference
    counting, yet with the default thresholds a third of an export's CPU time went to
    the cyclic collector tracing each batch in memory. Objects from before are frozen
    out of its passes and young passes come every million allocations instead of 700;
    cycles still get collected. Not for a server process (the threshold is global)."""
    saved = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(1_000_000, 10, 100)
    try:
        yield
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()
