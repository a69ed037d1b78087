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

import orjson
from django.conf import settings
from django.db import connections
from django.urls import reverse

from catalogue import models as m

from .common import hh_mm, iso_date, iso_datetime
from .provenance import event_dict

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


def relation_label(target_id, target_label, target_number) -> str:
    if target_label:
        return target_label
    if target_number:
        return f"Document {target_number}"
    return f"Document {target_id}"


def public_relation(row):
    """The relation row as the public may see it, or ``None``. A link to a record that
    is not published must not reveal it (not its id, title or number): it is dropped
    unless it has its own printed label, as on the HTML page."""
    if row[2] is None or row[7] == m.PublicationStatus.PUBLISHED:
        return row
    if not row[3]:
        return None
    return (row[0], row[1], None, row[3], None, row[5], row[6], row[7])


def _grouped(rows, key_index=0):
    groups = defaultdict(list)
    for row in rows:
        groups[row[key_index]].append(row)
    return groups


def _raw(queryset):
    """The rows of a ``values_list`` queryset straight from the cursor, skipping
    Django's per-value converters (a third of the export's time). Only for columns
    whose raw form the builders accept: text, numbers, dates/times (``iso_date``,
    ``hh_mm``, ``iso_datetime_raw`` read either form), booleans and JSON (converted
    by ``document_records``)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def iso_datetime_raw(value):
    """``iso_datetime`` also for a datetime as read raw from SQLite: naive UTC (as
    Django stores it with USE_TZ), or its text if no converter parsed it."""
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "Z"
    if value is not None and value.tzinfo is None:
        return value.isoformat() + "Z"
    return iso_datetime(value)


def _json_raw(value):
    """A JSON column as read raw: text on SQLite and psycopg (Django registers no
    jsonb loader), already decoded on drivers that do."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _covering(field: str, ids: list[int]) -> dict:
    """Filter kwargs selecting rows whose ``field`` is in ``ids``: an id range when the
    ids are (nearly) consecutive, as an export batch's are, else an ``IN`` list. A
    range may also take rows of documents not in ``ids``; callers look rows up by id."""
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return {f"{field}__gte": low, f"{field}__lte": high}
    return {f"{field}__in": ids}


def related_rows(ids: list[int]) -> dict[str, dict]:
    """Every related row of these documents, grouped by document id (9 queries).
    Relations carry their target's status last, for ``public_relation``. The groups
    may hold other documents too (see ``_covering``)."""

    def by(field):
        return _covering(field, ids)

    caveats = (
        m.Document.caveats.through.objects.filter(**by("document_id"))
        .order_by("document_id", "caveat__kind", "caveat__name")
        .values_list("document_id", "caveat__name")
    )
    subjects = (
        m.Document.subjects.through.objects.filter(**by("document_id"))
        .order_by("document_id", "subject__name")
        .values_list("document_id", "subject__name")
    )
    agents = (
        m.DocumentAgent.objects.filter(**by("document_id"))
        .order_by("document_id", "sequence", "id")
        .values_list(
            "document_id",
            "agent_id",
            "agent__authorised_name",
            "role",
            "position_title",
            "name_as_written",
            "sequence",
            "note",
        )
    )
    footnotes = (
        m.Footnote.objects.filter(**by("document_id"))
        .order_by("document_id", "number")
        .values_list(
            "document_id",
            "id",
            "number",
            "text",
            "kind",
            "anchor_text",
            "marker_offset",
            "resolved_date",
        )
    )
    relations = (
        m.DocumentRelation.objects.filter(**by("source_id"))
        .order_by("source_id", "id")
        .values_list(
            "source_id",
            "relation_type",
            "target_id",
            "target_label",
            "target_document_number",
            "footnote_id",
            "note",
            "target__status",
        )
    )
    citations = (
        m.Citation.objects.filter(**by("document_id"))
        .order_by("document_id", "sequence", "id")
        .values_list(
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
        )
    )
    events = (
        m.ProvenanceEvent.objects.filter(**by("document_id"))
        .order_by("document_id", "sequence", "id")
        .values_list(
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
        )
    )
    event_agents = (
        m.EventAgent.objects.filter(**by("event__document_id"))
        .order_by("event_id", "id")
        .values_list("event_id", "agent_id", "agent__authorised_name", "role")
    )
    pages = (
        m.DigitalObject.objects.filter(**by("document_id"))
        .order_by("document_id", "page_number")
        .values_list(
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
        )
    )
    return {
        "caveats": _grouped(_raw(caveats)),
        "subjects": _grouped(_raw(subjects)),
        "agents": _grouped(_raw(agents)),
        "footnotes": _grouped(_raw(footnotes)),
        "relations": _grouped(_raw(relations)),
        "citations": _grouped(_raw(citations)),
        "events": _grouped(_raw(events)),
        "event_agents": _grouped(_raw(event_agents)),
        "pages": _grouped(_raw(pages)),
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
    no_rows: list = []
    event_agents = rel["event_agents"]
    for d in docs:
        pk = d[0]
        notes = rel["footnotes"].get(pk, no_rows)
        numbers = {n[1]: n[2] for n in notes}
        yield (
            pk,
            {
                "id": pk,
                "url": urls(pk, d[2]),
                "title": d[1],
                "slug": d[2],
                "doc_type": d[3],
                "collection": d[4],
                "sender": d[6],
                "sender_id": d[5],
                "recipient": d[8],
                "recipient_id": d[7],
                "place": d[9],
                "date": {
                    "value": iso_date(d[10]),
                    "precision": d[11],
                    "certainty": d[12],
                    "text": d[13],
                    "note": d[14],
                },
                "time": hh_mm(d[15]),
                "time_text": d[16],
                "message_number": d[17],
                "subject": d[18],
                "subjects": [s[1] for s in rel["subjects"].get(pk, no_rows)],
                "routing": list(_json_raw(d[19]) or []),
                "classification": d[20],
                "caveats": [c[1] for c in rel["caveats"].get(pk, no_rows)],
                "source": {
                    "raw": d[21],
                    "repository": d[22],
                    "repository_id": d[23],
                    "unit": d[24],
                    "path": unit_paths.labels(d[25]) if d[25] else [],
                    "item_reference": d[26],
                },
                "agents": [
                    {
                        "id": a[1],
                        "name": a[2],
                        "role": a[3],
                        "position": a[4],
                        "name_as_written": a[5],
                        "sequence": a[6],
                        "note": a[7],
                    }
                    for a in rel["agents"].get(pk, no_rows)
                ],
                "footnotes": [
                    {
                        "number": n[2],
                        "text": n[3],
                        "kind": n[4],
                        "anchor_text": n[5],
                        "marker_offset": n[6],
                        "resolved_date": iso_date(n[7]),
                    }
                    for n in notes
                ],
                "relations": [
                    {
                        "type": r[1],
                        "target": relation_label(r[2], r[3], r[4]),
                        "target_id": r[2],
                        "target_label": r[3],
                        "target_document_number": r[4],
                        "footnote": numbers.get(r[5]),
                        "note": r[6],
                    }
                    for r in rel["relations"].get(pk, no_rows)
                ],
                "citations": [
                    {
                        "kind": c[1],
                        "publication": c[2],
                        "unit": c[3],
                        "document_number": c[4],
                        "pages": c[5],
                        "text": c[6],
                        "url": c[7],
                        "footnote": numbers.get(c[8]),
                        "sequence": c[9],
                    }
                    for c in rel["citations"].get(pk, no_rows)
                ],
                "events": [
                    event_dict(e, event_agents.get(e[1], no_rows))
                    for e in rel["events"].get(pk, no_rows)
                ],
                "pages": [
                    {
                        "page_number": p[1],
                        "image": p[2],
                        "thumbnail": p[3],
                        "web_image": p[4],
                        "caption": p[5],
                        "width": p[6],
                        "height": p[7],
                        "format": p[8],
                        "file_size": p[9],
                        "checksum_sha256": p[10],
                        "created_at": iso_datetime_raw(p[11]),
                    }
                    for p in rel["pages"].get(pk, no_rows)
                ],
                "received": d[27],
                "received_time": hh_mm(d[28]),
                "transmission_note": d[29],
                "editorial_note": d[30],
                "text": d[31],
                "raw_text": d[32],
                "source_file": {"path": d[33], "checksum": d[34]},
                "identity_key": d[35],
                "status": d[36],
                "withdrawn_reason": d[37],
                "published_at": iso_datetime_raw(d[38]),
                "needs_review": bool(d[39]),
                "review_note": d[40],
                "version": d[41],
                "import_run": d[42],
                "created_at": iso_datetime_raw(d[43]),
                "updated_at": iso_datetime_raw(d[44]),
            },
        )


def document_record(
    document_id: int, unit_paths, queryset=None, *, public: bool = False
) -> dict | None:
    """The record of one document (``None`` if ``queryset`` does not include it)."""
    queryset = m.Document.objects.all() if queryset is None else queryset
    for _, record in document_records(queryset.filter(pk=document_id), unit_paths, public=public):
        return record
    return None
