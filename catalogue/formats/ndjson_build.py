"""Document records of the NDJSON export built from plain rows, with no database and
no Django: the half of the export that can run in a lean worker process while the
main process reads the next batch (``ndjson_pipeline``).

This is the one builder of the document record: the API's detail and list records
(``catalogue.api.serializers.records``, rows read in-process) and the export's worker
both call ``build_records``. Rows are those ``ndjson_rows.read_batches`` selects,
read without Django's converters: dates, times and datetimes may arrive as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

PUBLISHED = "published"
NO_ROWS: tuple = ()


class Urls:
    """Public page URLs from a prefix, a middle and a suffix (``DocumentUrls``'s
    parts), picklable and free of ``reverse()``."""

    __slots__ = ("base", "middle", "suffix")

    def __init__(self, base: str, middle: str, suffix: str):
        self.base, self.middle, self.suffix = base, middle, suffix

    def __call__(self, pk, slug) -> str:
        return f"{self.base}{pk}{self.middle}{slug}{self.suffix}"


class Paths:
    """``UnitPaths.labels`` over a preloaded ``{unit id: (title, identifier)}``;
    ``load(ids)``, if given, fetches units missing from it (ids it cannot find are
    left out of the path, as ``UnitPaths`` does)."""

    __slots__ = ("units", "load", "_cache")

    def __init__(self, units: dict[int, tuple[str, str]], load=None):
        self.units = units
        self.load = load
        self._cache: dict[str, list[str]] = {}

    def labels(self, tree_path: str) -> list[str]:
        cached = self._cache.get(tree_path)
        if cached is None:
            ids = [int(part) for part in tree_path.strip("/").split("/") if part]
            missing = [pk for pk in ids if pk not in self.units]
            if missing and self.load is not None:
                self.units.update(self.load(missing))
            cached = []
            for pk in ids:
                unit = self.units.get(pk)
                if unit is not None:
                    cached.append(unit[0])
                    if unit[1] and unit[1] != unit[0]:
                        cached.append(unit[1])
            self._cache[tree_path] = cached
        return list(cached)


def iso_date(value):
    """ISO date from a ``date`` or from a raw SQLite row's 'YYYY-MM-DD' string."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.isoformat()


def hh_mm(value):
    """'HH:MM' from a ``time`` or from a raw SQLite row's 'HH:MM:SS' string."""
    if value is None or value == "":
        return None
    return value[:5] if isinstance(value, str) else value.strftime("%H:%M")


def iso_datetime(value):
    """A datetime as the API writes it: naive values (UTC, as Django stores them on
    SQLite) and SQLite's text get a ``Z``; UTC values with an offset, as objects or
    as ISO text (the pipeline's transport), lose ``+00:00`` for it."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace(" ", "T", 1)
        if len(text) > 19 and text[-6] in "+-" and text[-3] == ":":
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return text + "Z"
    text = value.isoformat()
    if value.tzinfo is None:
        return text + "Z"
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
    if row[2] is None or row[7] == PUBLISHED:
        return row
    if not row[3]:
        return None
    return (row[0], row[1], None, row[3], None, row[5], row[6], row[7])


def event_dict(e, roles) -> dict:
    """One provenance event from a row ``(document_id, id, event_type, date, time,
    evidence, sequence, date_precision, date_certainty, date_text, place, description,
    custodian_before_id, custodian_after_id, unit_id, publication title, import_run_id)``
    and its agents' rows ``(event_id, agent_id, name, role)``. The first five keys are
    those of the importer's documented export shape."""
    return {
        "type": e[2],
        "date": iso_date(e[3]),
        "time": hh_mm(e[4]),
        "agents": [a[2] for a in roles],
        "evidence": e[5],
        "sequence": e[6],
        "date_precision": e[7],
        "date_certainty": e[8],
        "date_text": e[9],
        "place": e[10],
        "description": e[11],
        "agent_roles": [{"id": a[1], "name": a[2], "role": a[3]} for a in roles],
        "custodian_before": e[12],
        "custodian_after": e[13],
        "unit": e[14],
        "publication": e[15],
        "import_run": e[16],
    }


def build_records(
    docs: list[tuple],
    rel: dict[str, dict],
    labels: Callable[[str], list[str]],
    urls: Callable[[Any, Any], str],
) -> Iterator[tuple[int, dict]]:
    """``(id, record)`` for each document row, in order. ``rel`` maps each relation
    name to ``{document id: [rows]}`` (it may hold other documents' rows too)."""
    get_footnotes = rel["footnotes"].get
    get_subjects = rel["subjects"].get
    get_caveats = rel["caveats"].get
    get_agents = rel["agents"].get
    get_relations = rel["relations"].get
    get_citations = rel["citations"].get
    get_events = rel["events"].get
    get_event_agents = rel["event_agents"].get
    get_pages = rel["pages"].get
    loads = orjson.loads
    for d in docs:
        pk = d[0]
        notes = get_footnotes(pk, NO_ROWS)
        numbers = {n[1]: n[2] for n in notes} if notes else {}
        routing = d[19]
        if isinstance(routing, str | bytes):
            routing = loads(routing)
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
                "subjects": [s[1] for s in get_subjects(pk, NO_ROWS)],
                "routing": list(routing or []),
                "classification": d[20],
                "caveats": [c[1] for c in get_caveats(pk, NO_ROWS)],
                "source": {
                    "raw": d[21],
                    "repository": d[22],
                    "repository_id": d[23],
                    "unit": d[24],
                    "path": labels(d[25]) if d[25] else [],
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
                    for a in get_agents(pk, NO_ROWS)
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
                    for r in get_relations(pk, NO_ROWS)
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
                    for c in get_citations(pk, NO_ROWS)
                ],
                "events": [
                    event_dict(e, get_event_agents(e[1], NO_ROWS)) for e in get_events(pk, NO_ROWS)
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
                        "created_at": iso_datetime(p[11]),
                    }
                    for p in get_pages(pk, NO_ROWS)
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
                "published_at": iso_datetime(d[38]),
                "needs_review": bool(d[39]),
                "review_note": d[40],
                "version": d[41],
                "import_run": d[42],
                "created_at": iso_datetime(d[43]),
                "updated_at": iso_datetime(d[44]),
            },
        )
