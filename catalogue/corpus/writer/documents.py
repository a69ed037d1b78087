"""Documents and their child rows as tuples, one append per table per batch."""

import datetime as dt
import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from catalogue.models import (
    Citation,
    Document,
    DocumentAgent,
    DocumentRelation,
    EventAgent,
    Footnote,
    ProvenanceEvent,
)

from ..plan import PlannedDocument
from ..text import file_name, render_text
from .authorities import Lookups
from .sink import RowSink, reserve_ids

# When generated records say they were published.
PUBLISHED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


DOCUMENT_COLUMNS = [
    "id",
    "title",
    "slug",
    "collection_id",
    "doc_type_id",
    "sender_id",
    "recipient_id",
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
    "text",
    "raw_text",
    "source_note",
    "unit_id",
    "item_reference",
    "classification_id",
    "received_text",
    "received_time",
    "transmission_note",
    "editorial_note",
    "status",
    "withdrawn_reason",
    "published_at",
    "identity_key",
    "source_file",
    "source_checksum",
    "created_at",
    "updated_at",
]


class CorpusWriter:
    """Turns batches of planned documents into rows."""

    def __init__(self, lookups: Lookups, text_paths: bool = False):
        self.lookups = lookups
        self.text_paths = text_paths
        self.ids_by_index: dict[int, int] = {}
        self.slugs: dict[str, str] = {}
        self.date = connection.ops.adapt_datefield_value
        self.time = connection.ops.adapt_timefield_value
        self.counts: dict[str, int] = dict.fromkeys(
            [
                "documents",
                "footnotes",
                "agent_roles",
                "events",
                "event_agents",
                "caveat_links",
                "subject_links",
                "citations",
                "relations",
            ],
            0,
        )
        self.stamp = connection.ops.adapt_datetimefield_value
        self.sink = RowSink()
        routing = Document._meta.get_field("routing")
        adapted: dict[tuple[str, ...], object] = {}

        def json(value: list[str]):
            key = tuple(value)
            found = adapted.get(key)
            if found is None:
                found = adapted[key] = routing.get_db_prep_save(value, connection)
            return found

        self.json = json
        # Columns other engineers add to Document later get their model defaults.
        known = set(DOCUMENT_COLUMNS)
        extra = [
            f for f in Document._meta.concrete_fields if f.column not in known and not f.primary_key
        ]
        self.extra_columns = [f.column for f in extra]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        m2m = Document._meta
        self.caveat_table = m2m.get_field("caveats").remote_field.through._meta.db_table
        self.subject_table = m2m.get_field("subjects").remote_field.through._meta.db_table

    def slug(self, title: str) -> str:
        slug = self.slugs.get(title)
        if slug is None:
            slug = self.slugs[title] = slugify(title)[:120] or "document"
        return slug

    def write(self, batch: list[PlannedDocument]) -> None:
        lk = self.lookups
        date, time, stamp = self.date, self.time, self.stamp
        now = stamp(timezone.now())
        published_at = stamp(PUBLISHED_AT)
        ids = reserve_ids(Document, len(batch))
        rows = []
        for doc, pk in zip(batch, ids, strict=True):
            raw = render_text(doc)
            rows.append(
                (
                    pk,
                    doc.heading,
                    self.slug(doc.heading),
                    lk.collection,
                    lk.doc_types[doc.doc_type],
                    lk.agents[doc.sender] if doc.sender is not None else None,
                    lk.agents[doc.recipient] if doc.recipient is not None else None,
                    doc.place,
                    date(doc.date),
                    doc.date_precision,
                    doc.date_certainty,
                    doc.date_text,
                    doc.date_note,
                    time(doc.time),
                    doc.time_text,
                    doc.message_number,
                    doc.subject_line,
                    self.json(doc.routing),
                    doc.body,
                    raw,
                    doc.source_note,
                    lk.units[doc.unit] if doc.unit is not None else None,
                    doc.item_reference,
                    lk.classifications[doc.classification] if doc.classification else None,
                    doc.received_text,
                    time(doc.received_time),
                    doc.transmission_note,
                    doc.editorial_note,
                    doc.status,
                    doc.withdrawn_reason,
                    published_at if doc.status == "published" else None,
                    doc.identity_key,
                    file_name(doc) if self.text_paths else "",
                    hashlib.sha256(raw.encode()).hexdigest(),
                    now,
                    now,
                )
            )
            self.ids_by_index[doc.index] = pk
        self.sink.insert(
            Document, DOCUMENT_COLUMNS + self.extra_columns, [r + self.extra for r in rows]
        )
        self.counts["documents"] += len(rows)
        self._children(batch, ids)

    def _children(self, batch: list[PlannedDocument], ids: list[int]) -> None:
        lk = self.lookups
        date, time = self.date, self.time
        footnotes, roles, caveats, subjects, citations, relations = [], [], [], [], [], []
        events, event_agents = [], []
        n_events = sum(len(d.events) for d in batch)
        event_ids = iter(reserve_ids(ProvenanceEvent, n_events))
        for doc, pk in zip(batch, ids, strict=True):
            for note in doc.footnotes:
                footnotes.append(
                    (
                        pk,
                        note.number,
                        note.text,
                        note.kind,
                        note.anchor,
                        note.offset,
                        date(note.resolved_date),
                    )
                )
                if note.printed:
                    pub, pages = note.printed
                    citations.append(
                        (
                            pk,
                            "cites_printed",
                            lk.publications[pub],
                            None,
                            None,
                            pages,
                            note.text,
                            "",
                            note.number,
                        )
                    )
                elif note.archival_unit is not None:
                    citations.append(
                        (
                            pk,
                            "cites_archival",
                            None,
                            lk.units[note.archival_unit],
                            None,
                            "",
                            note.text,
                            "",
                            note.number,
                        )
                    )
                elif note.cross_reference is not None:
                    target = self.ids_by_index.get(note.cross_reference)
                    relations.append(
                        (
                            pk,
                            target,
                            "printed_as" if "printed as" in note.text else "refers_to",
                            "" if target else f"Document {note.cross_number}",
                            note.cross_number,
                            "",
                        )
                    )
            for seq, (agent, role, title, as_written) in enumerate(doc.roles):
                roles.append((pk, lk.agents[agent], role, title, as_written, seq, ""))
            for slug in doc.caveats:
                caveats.append((pk, lk.caveats[slug]))
            for name in doc.subjects:
                subjects.append((pk, lk.subjects[name]))
            citations.append(
                (pk, "published_in", lk.publications["frus"], None, doc.frus_number, "", "", "", 0)
            )
            citations.append(
                (pk, "transcribed_in", lk.publications["avalon"], None, None, "", "", "", 1)
            )
            for seq, ev in enumerate(doc.events):
                event_id = next(event_ids)
                events.append(
                    (
                        event_id,
                        pk,
                        ev.event_type,
                        seq,
                        date(ev.date),
                        ev.precision,
                        "certain",
                        ev.date_text,
                        time(ev.time),
                        ev.place,
                        ev.description,
                        ev.evidence,
                        lk.repositories[ev.custodian_before] if ev.custodian_before else None,
                        lk.repositories[ev.custodian_after] if ev.custodian_after else None,
                        lk.units[ev.unit] if ev.unit is not None else None,
                        lk.publications[ev.publication] if ev.publication else None,
                    )
                )
                for agent, role in ev.agents:
                    if agent is not None:
                        event_agents.append((event_id, lk.agents[agent], role))
        self.sink.insert(
            Footnote,
            [
                "document_id",
                "number",
                "text",
                "kind",
                "anchor_text",
                "marker_offset",
                "resolved_date",
            ],
            footnotes,
        )
        self.sink.insert(
            DocumentAgent,
            [
                "document_id",
                "agent_id",
                "role",
                "position_title",
                "name_as_written",
                "sequence",
                "note",
            ],
            roles,
        )
        self.sink.insert(self.caveat_table, ["document_id", "caveat_id"], caveats)
        self.sink.insert(self.subject_table, ["document_id", "subject_id"], subjects)
        self.sink.insert(
            Citation,
            [
                "document_id",
                "kind",
                "publication_id",
                "unit_id",
                "document_number",
                "pages",
                "text",
                "url",
                "sequence",
            ],
            citations,
        )
        self.sink.insert(
            DocumentRelation,
            [
                "source_id",
                "target_id",
                "relation_type",
                "target_label",
                "target_document_number",
                "note",
            ],
            relations,
        )
        self.sink.insert(
            ProvenanceEvent,
            [
                "id",
                "document_id",
                "event_type",
                "sequence",
                "date",
                "date_precision",
                "date_certainty",
                "date_text",
                "time",
                "place",
                "description",
                "evidence",
                "custodian_before_id",
                "custodian_after_id",
                "unit_id",
                "publication_id",
            ],
            events,
        )
        self.sink.insert(EventAgent, ["event_id", "agent_id", "role"], event_agents)
        for key, rows in (
            ("footnotes", footnotes),
            ("agent_roles", roles),
            ("events", events),
            ("event_agents", event_agents),
            ("caveat_links", caveats),
            ("subject_links", subjects),
            ("citations", citations),
            ("relations", relations),
        ):
            self.counts[key] += len(rows)
