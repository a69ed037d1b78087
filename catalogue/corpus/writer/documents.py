"""Documents and their child rows as tuples, one append per table per batch.

The row layouts (columns, child tables, ``BatchRows``) are in ``rows``; they are
imported here too, so ``documents.NAME`` still reaches them.
"""

import datetime as dt
import hashlib
import json as json_module
from operator import itemgetter

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from catalogue.models import Document, EventAgent, ProvenanceEvent

from .. import staging
from ..plan import PlannedDocument, PlannedEvent
from ..plan.provenance import SHARED_EVENTS
from ..staging import StagedBatch, copy_into_catalogue
from ..text import file_name, render_text_and_body_start
from .authorities import Lookups
from .rows import (
    CHILD_TABLES,
    DOCUMENT_COLUMNS,
    EVENT_AGENT_COLUMNS,
    EVENT_COLUMNS,
    RAW_TEXT_SLOT,
    SENT_WHEN_STAGED,
    TEXT_LENGTH,
    TEXT_SLOT,
    BatchRows,
)
from .sink import RowSink, reserve_ids

# When generated records say they were published.
PUBLISHED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Adapted(dict):
    """``adapt(value)`` by value, computed at the first ask."""

    def __init__(self, adapt):
        super().__init__()
        self.adapt = adapt

    def __missing__(self, value):
        adapted = self[value] = self.adapt(value)
        return adapted


class CorpusWriter:
    """Turns batches of planned documents into rows (``build``, no database access, so
    it can run in a forked worker) and appends them (``insert``, on Django's connection).

    Document ids are reserved for the whole corpus before the first batch
    (``reserve_document_ids``): a footnote's cross-reference points at an earlier
    document, and the worker must know its id without asking the database."""

    def __init__(self, lookups: Lookups, text_paths: bool = False):
        self.lookups = lookups
        self.text_paths = text_paths
        self.document_ids: list[int] = []
        self.written_ids: list[int] = []
        self.slugs: dict[str, str] = {}
        # A corpus has a few hundred distinct dates and times: each is adapted once.
        self.date = Adapted(connection.ops.adapt_datefield_value).__getitem__
        self.time = Adapted(connection.ops.adapt_timefield_value).__getitem__
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
        self.now = self.stamp(timezone.now())
        self.published_at = self.stamp(PUBLISHED_AT)
        self.sink = RowSink()
        self.sqlite = connection.vendor == "sqlite"
        # SQLite: the next event id, advanced by ``build`` (see ``reserve_event_ids``).
        self.next_event_id: int | None = None
        # The rows of the events planned documents share (by object), once the lookups
        # are known: ``build`` reuses them.
        self.shared_event_rows: dict[int, tuple] | None = None
        routing = Document._meta.get_field("routing")
        adapted: dict[tuple[str, ...], object] = {}
        # PostgreSQL's adapter wraps the value (Jsonb), which need not cross a process
        # boundary: COPY takes the JSON text as well.
        as_text = connection.vendor == "postgresql"

        def json(value: list[str]):
            key = tuple(value)
            found = adapted.get(key)
            if found is None:
                if as_text:
                    found = json_module.dumps(value, cls=routing.encoder)
                else:
                    found = routing.get_db_prep_save(value, connection)
                adapted[key] = found
            return found

        self.json = json
        # Columns other engineers add to Document later get their model defaults.
        known = set(DOCUMENT_COLUMNS)
        extra = [
            f for f in Document._meta.concrete_fields if f.column not in known and not f.primary_key
        ]
        self.extra_columns = [f.column for f in extra]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        self.document_columns = DOCUMENT_COLUMNS + self.extra_columns
        self.document_values = None
        if self.sqlite:
            marks = [f"?{i + 1}" for i in range(len(self.document_columns))]
            marks[TEXT_SLOT] = (
                f"substr(?{RAW_TEXT_SLOT + 1}, ?{TEXT_SLOT + 1}, ?{len(self.document_columns) + 1})"
            )
            self.document_values = ", ".join(marks)
        meta = Document._meta
        self.tables: dict[str, tuple[str, list[str]]] = {}
        for key, target, columns in CHILD_TABLES:
            if isinstance(target, str):
                table = meta.get_field(target).remote_field.through._meta.db_table
            else:
                table = target._meta.db_table
            self.tables[key] = (table, columns)
        # Every table a batch fills, parents first, with its columns: what a staged
        # batch is written into and copied from.
        self.loaded: dict[str, tuple[str, list[str]]] = {
            "documents": (meta.db_table, self.document_columns),
            **self.tables,
            "events": (ProvenanceEvent._meta.db_table, EVENT_COLUMNS),
            "event_agents": (EventAgent._meta.db_table, EVENT_AGENT_COLUMNS),
        }
        # Scratch files (staged loads, SQLite) hold a document's body as where it starts
        # in raw_text (in ``text``) and its length (one more column): the copy into the
        # catalogue cuts it out, so the worker writes the body once.
        self.staged_tables = [
            (table, [*columns, TEXT_LENGTH] if key == "documents" else columns)
            for key, (table, columns) in self.loaded.items()
        ]
        self.stage_statements: dict[str, str] = {}
        for table, columns in self.staged_tables:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(["?"] * len(columns))
            self.stage_statements[table] = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        self.copy_columns: dict[str, tuple[str, list[str], list[str]]] = {}
        for key, (table, columns) in self.loaded.items():
            selected = [f'"{c}"' for c in columns]
            if key == "documents":
                selected[TEXT_SLOT] = f'substr("raw_text", "text", "{TEXT_LENGTH}")'
            self.copy_columns[key] = (table, columns, selected)

    def reserve_document_ids(self, n: int) -> None:
        self.document_ids = reserve_ids(Document, n)

    def reserve_event_ids(self) -> None:
        """SQLite: events are numbered by ``build`` from the current top, so a planning
        worker hands over finished rows (the load holds the write lock throughout, so
        the ids stay free). PostgreSQL: ``insert`` takes them from the sequence."""
        if self.sqlite:
            self.next_event_id = reserve_ids(ProvenanceEvent, 1)[0]

    def slug(self, title: str) -> str:
        slug = self.slugs.get(title)
        if slug is None:
            slug = self.slugs[title] = slugify(title)[:120] or "document"
        return slug

    def write(self, batch: list[PlannedDocument]) -> None:
        """Build and insert one batch in this process."""
        self.insert(self.build(batch))

    # -- building (no database) -------------------------------------------------------

    def build(self, batch: list[PlannedDocument], files_written: int = 0) -> BatchRows:
        lk = self.lookups
        date, time = self.date, self.time
        now, published_at, extra = self.now, self.published_at, self.extra
        doc_ids = self.document_ids
        sqlite = self.sqlite
        rows = []
        for doc in batch:
            pk = doc_ids[doc.index]
            raw, start = render_text_and_body_start(doc)
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
                    start + 1 if sqlite else doc.body,
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
                    *extra,
                )
                + ((len(doc.body),) if sqlite else ())
            )
        tables = self._children(batch)
        tables["documents"] = rows
        return BatchRows(len(batch), tables, files_written)

    def _children(self, batch: list[PlannedDocument]) -> dict[str, list[tuple]]:
        lk = self.lookups
        date = self.date
        doc_ids = self.document_ids
        footnotes, roles, caveats, subjects, citations, relations = [], [], [], [], [], []
        events, event_agents = [], []
        numbered = self.next_event_id is not None
        first_event = self.next_event_id or 0
        if self.shared_event_rows is None:  # the lookups are filled by now
            self.shared_event_rows = {id(ev): self._event_tail(ev) for ev in SHARED_EVENTS}
        shared = self.shared_event_rows
        for doc in batch:
            pk = doc_ids[doc.index]
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
                    target = (
                        doc_ids[note.cross_reference] if note.cross_reference < doc.index else None
                    )
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
                event_id = first_event + len(events)
                tail = shared.get(id(ev))
                if tail is None:
                    tail = self._event_tail(ev)
                if numbered:
                    events.append((event_id, pk, ev.event_type, seq, *tail))
                else:
                    events.append((pk, ev.event_type, seq, *tail))
                for agent, role in ev.agents:
                    if agent is not None:
                        event_agents.append((event_id, lk.agents[agent], role))
        if numbered:
            self.next_event_id = first_event + len(events)
        return {
            "footnotes": footnotes,
            "agent_roles": roles,
            "caveat_links": caveats,
            "subject_links": subjects,
            "citations": citations,
            "relations": relations,
            "events": events,
            "event_agents": event_agents,
        }

    def _event_tail(self, ev: PlannedEvent) -> tuple:
        """An event's row from its date on (what follows the id, document and order)."""
        lk = self.lookups
        return (
            self.date(ev.date),
            ev.precision,
            "certain",
            ev.date_text,
            self.time(ev.time),
            ev.place,
            ev.description,
            ev.evidence,
            lk.repositories[ev.custodian_before] if ev.custodian_before else None,
            lk.repositories[ev.custodian_after] if ev.custodian_after else None,
            lk.units[ev.unit] if ev.unit is not None else None,
            lk.publications[ev.publication] if ev.publication else None,
        )

    def sent_pickled(self, share: float) -> frozenset[str]:
        """The tables whose rows a staged batch starting at ``share`` of the load sends
        pickled (bound by the inserting process) rather than staged (bound by the
        worker): the shares follow which side is the slower one (``staging``)."""
        if share < staging.SEND_ALL_BUT_DOCUMENTS_UNTIL:
            return frozenset(self.loaded) - {"documents"}
        if share < staging.STAGE_ALL_FROM_SHARE:
            return SENT_WHEN_STAGED
        return frozenset()

    def stage(self, db, rows: BatchRows, staged: StagedBatch, *, sent=SENT_WHEN_STAGED) -> None:
        """The worker's side of a staged load (SQLite): append a batch's rows to a
        scratch file (``db``, a plain sqlite3 connection) and note them in ``staged``;
        the rows of the tables ``sent`` travel in ``staged.tables`` instead."""
        for key, table_rows in rows.tables.items():
            if key in sent:
                staged.tables.setdefault(key, []).extend(table_rows)
            elif table_rows:
                db.executemany(self.stage_statements[self.loaded[key][0]], table_rows)
            staged.counts[key] = staged.counts.get(key, 0) + len(table_rows)
        staged.documents += rows.documents
        staged.ids.extend(map(itemgetter(0), rows.tables["documents"]))
        staged.files_written += rows.files_written

    # -- inserting (this process's connection) ----------------------------------------

    def insert(self, rows: BatchRows | StagedBatch) -> None:
        if isinstance(rows, StagedBatch):
            copied = {k: v for k, v in self.copy_columns.items() if k not in rows.tables}
            copy_into_catalogue(rows, copied)
            for key, table_rows in rows.tables.items():
                table, columns = self.loaded[key]
                self.sink.insert(table, columns, table_rows)
            self.written_ids.extend(rows.ids)
            for key, count in rows.counts.items():
                self.counts[key] += count
            return
        tables = rows.tables
        docs = tables["documents"]
        self.sink.insert(Document, self.document_columns, docs, values=self.document_values)
        self.written_ids.extend(map(itemgetter(0), docs))
        for key, (table, columns) in self.tables.items():
            self.sink.insert(table, columns, tables[key])
        events, event_agents = tables["events"], tables["event_agents"]
        if self.next_event_id is None:
            event_ids = reserve_ids(ProvenanceEvent, len(events))
            events = [(pk, *row) for pk, row in zip(event_ids, events, strict=True)]
            event_agents = [(event_ids[i], agent, role) for i, agent, role in event_agents]
        self.sink.insert(ProvenanceEvent, EVENT_COLUMNS, events)
        self.sink.insert(EventAgent, EVENT_AGENT_COLUMNS, event_agents)
        self.counts["documents"] += len(docs)
        for key, table_rows in tables.items():
            if key != "documents":
                self.counts[key] += len(table_rows)
