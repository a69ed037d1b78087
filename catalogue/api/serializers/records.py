"""Document records built from plain rows, many at a time.

The document record is the catalogue's largest shape (the document plus its agents,
footnotes, events, relations, citations, pages, caveats and subjects). Building it from
model instances with ``prefetch_related`` costs ~4 ms a document in ORM overhead, which
makes a 100,000-document export take minutes. Here each relation is one ``values_list``
query per batch of documents, and rows go straight into dicts: one implementation, used
by the API detail (a batch of one) and by the NDJSON export (batches of thousands).

Rows are read straight from the cursor, without Django's per-value converters, and a
batch of consecutive ids selects its related rows by id range rather than by an
``IN`` list of a thousand parameters (compiling those lists cost more than running
the queries).
"""

from collections import defaultdict

from django.conf import settings
from django.db import connections
from django.urls import reverse

from catalogue import models as m
from catalogue.formats.ndjson_build import build_records, public_relation, relation_label

__all__ = [
    "RELATED",
    "DocumentUrls",
    "document_record",
    "document_records",
    "public_relation",
    "relation_label",
]

DOCUMENT_COLUMNS = (
    "id",
    "title",
    "slug",
    "doc_type__key",
    "collection__name",
    "sender_id",
    "sender__authorised_name",
    "recipient_id",
    "recipient__authorised_name",
    "place",
    "date",
    "date_precision",
    "date_certainty",
    "date_text",
    "date_note",
    "time",
    "time_text",
    "message_number",
    "subject_line",
    "routing",
    "classification__name",
    "source_note",
    "unit__repository__name",
    "unit__repository",
    "unit_id",
    "unit__tree_path",
    "item_reference",
    "received_text",
    "received_time",
    "transmission_note",
    "editorial_note",
    "text",
    "raw_text",
    "source_file",
    "source_checksum",
    "identity_key",
    "status",
    "withdrawn_reason",
    "published_at",
    "needs_review",
    "review_note",
    "version",
    "import_run_id",
    "created_at",
    "updated_at",
)


class DocumentUrls:
    """Public page URLs without a ``reverse()`` per document."""

    def __init__(self):
        marker = reverse("catalogue:document-detail", kwargs={"pk": 987654321, "slug": "s-l-u-g"})
        prefix, rest = marker.split("987654321", 1)
        middle, suffix = rest.split("s-l-u-g", 1)
        self.base = settings.CATALOGUE_BASE_URL.rstrip("/") + prefix
        self.middle, self.suffix = middle, suffix

    def __call__(self, pk, slug) -> str:
        return f"{self.base}{pk}{self.middle}{slug}{self.suffix}"


def _grouped(rows, key_index=0):
    groups = defaultdict(list)
    for row in rows:
        groups[row[key_index]].append(row)
    return groups


def _raw(queryset):
    """The rows of a ``values_list`` queryset straight from the cursor, skipping
    Django's per-value converters (a third of the export's time). Only for columns
    whose raw form the builders accept: text, numbers, dates/times (``ndjson_build``'s
    ``iso_date``, ``hh_mm`` and ``iso_datetime`` read either form), booleans and JSON
    (converted by ``build_records``)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _covering(field: str, ids: list[int]) -> dict:
    """Filter kwargs selecting rows whose ``field`` is in ``ids``: an id range when the
    ids are (nearly) consecutive, as an export batch's are, else an ``IN`` list. A
    range may also take rows of documents not in ``ids``; callers look rows up by id."""
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return {f"{field}__gte": low, f"{field}__lte": high}
    return {f"{field}__in": ids}


# Each relation of a document: (model, the document id field, order, columns). One
# query per relation and batch; relations carry their target's status last, for
# ``public_relation``. The export compiles the same queries once (``ndjson_rows``).
RELATED = {
    "caveats": (
        m.Document.caveats.through,
        "document_id",
        ("document_id", "caveat__kind", "caveat__name"),
        ("document_id", "caveat__name"),
    ),
    "subjects": (
        m.Document.subjects.through,
        "document_id",
        ("document_id", "subject__name"),
        ("document_id", "subject__name"),
    ),
    "agents": (
        m.DocumentAgent,
        "document_id",
        ("document_id", "sequence", "id"),
        (
            "document_id",
            "agent_id",
            "agent__authorised_name",
            "role",
            "position_title",
            "name_as_written",
            "sequence",
            "note",
        ),
    ),
    "footnotes": (
        m.Footnote,
        "document_id",
        ("document_id", "number"),
        (
            "document_id",
            "id",
            "number",
            "text",
            "kind",
            "anchor_text",
            "marker_offset",
            "resolved_date",
        ),
    ),
    "relations": (
        m.DocumentRelation,
        "source_id",
        ("source_id", "id"),
        (
            "source_id",
            "relation_type",
            "target_id",
            "target_label",
            "target_document_number",
            "footnote_id",
            "note",
            "target__status",
        ),
    ),
    "citations": (
        m.Citation,
        "document_id",
        ("document_id", "sequence", "id"),
        (
            "document_id",
            "kind",
            "publication__title",
            "unit_id",
            "document_number",
            "pages",
            "text",
            "url",
            "footnote_id",
            "sequence",
        ),
    ),
    "events": (
        m.ProvenanceEvent,
        "document_id",
        ("document_id", "sequence", "id"),
        (
            "document_id",
            "id",
            "event_type",
            "date",
            "time",
            "evidence",
            "sequence",
            "date_precision",
            "date_certainty",
            "date_text",
            "place",
            "description",
            "custodian_before_id",
            "custodian_after_id",
            "unit_id",
            "publication__title",
            "import_run_id",
        ),
    ),
    "event_agents": (
        m.EventAgent,
        "event__document_id",
        ("event_id", "id"),
        ("event_id", "agent_id", "agent__authorised_name", "role"),
    ),
    "pages": (
        m.DigitalObject,
        "document_id",
        ("document_id", "page_number"),
        (
            "document_id",
            "page_number",
            "image",
            "thumbnail",
            "web_image",
            "caption",
            "width",
            "height",
            "format",
            "file_size",
            "checksum_sha256",
            "created_at",
        ),
    ),
}


def related_rows(ids: list[int]) -> dict[str, dict]:
    """Every related row of these documents, grouped by document id (one query per
    relation of ``RELATED``). The groups may hold other documents too (see ``_covering``)."""
    return {
        name: _grouped(
            _raw(
                model.objects.filter(**_covering(field, ids)).order_by(*order).values_list(*columns)
            )
        )
        for name, (model, field, order, columns) in RELATED.items()
    }


def document_records(
    queryset, unit_paths, urls: DocumentUrls | None = None, *, public: bool = False
):
    """Yield ``(id, record)`` for the documents of ``queryset`` (order kept).

    ``public``: the reader is not staff, so relations to unpublished records are
    hidden (see ``public_relation``). Backups pass ``False`` to keep every link."""
    urls = urls or DocumentUrls()
    docs = _raw(queryset.values_list(*DOCUMENT_COLUMNS))
    if not docs:
        return
    rel = related_rows([d[0] for d in docs])
    if public:
        rel["relations"] = {
            pk: [r for r in map(public_relation, rows) if r is not None]
            for pk, rows in rel["relations"].items()
        }
    unit_paths.load(d[25] for d in docs if d[25])
    yield from build_records(docs, rel, unit_paths.labels, urls)


def document_record(
    document_id: int, unit_paths, queryset=None, *, public: bool = False
) -> dict | None:
    """The record of one document (``None`` if ``queryset`` does not include it)."""
    queryset = m.Document.objects.all() if queryset is None else queryset
    for _, record in document_records(queryset.filter(pk=document_id), unit_paths, public=public):
        return record
    return None
