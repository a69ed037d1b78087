"""Write a planned corpus into the database in batches, with no per-row queries.

Authority rows (repositories, units, agents) are few and go through ``bulk_create``
(their ``save()``-derived fields, slugs, normalised names and tree paths, are set
here the same way). Documents and their many child rows (footnotes, roles, events,
event agents, citations, relations, M2M links) are built as tuples against ids
reserved up front and appended per table per batch by ``RowSink``: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL. A model instance per row, and ``bulk_create``'s
statement compilation and RETURNING, cost more than the inserts themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from catalogue.models import (
    Agent,
    AgentName,
    ArchivalUnit,
    Caveat,
    Citation,
    ClassificationLevel,
    Collection,
    Document,
    DocumentAgent,
    DocumentRelation,
    DocumentType,
    EventAgent,
    Footnote,
    Position,
    ProvenanceEvent,
    Publication,
    Repository,
    Subject,
)
from catalogue.normalise import normalise_name

from . import vocabulary as v
from .authorities import Authorities
from .plan import PlannedDocument
from .text import file_name, render_text

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


class Lookups:
    """Database ids for everything a planned document refers to by key."""

    def __init__(self):
        self.collection = 0
        self.doc_types: dict[str, int] = {}
        self.classifications: dict[str, int] = {}
        self.caveats: dict[str, int] = {}
        self.subjects: dict[str, int] = {}
        self.publications: dict[str, int] = {}
        self.repositories: dict[str, int] = {}
        self.agents: list[int] = []
        self.units: list[int] = []


def ensure_vocabulary(lookups: Lookups) -> None:
    """The controlled vocabularies normally come from a data migration; recreate any
    that a flushed test database lost, by natural key."""
    collection, _created = Collection.objects.get_or_create(
        name=v.COLLECTION, defaults={"variants": v.COLLECTION_VARIANTS}
    )
    lookups.collection = collection.pk
    labels = {key: key.replace("_", " ").capitalize() for key, *_ in v.DOCUMENT_TYPES}
    existing = dict(DocumentType.objects.values_list("key", "pk"))
    for key, label in labels.items():
        if key not in existing:
            existing[key] = DocumentType.objects.get_or_create(key=key, defaults={"label": label})[
                0
            ].pk
    lookups.doc_types = existing
    existing = dict(ClassificationLevel.objects.values_list("slug", "pk"))
    for slug, name in v.CLASSIFICATION_NAMES.items():
        if slug not in existing:
            existing[slug] = ClassificationLevel.objects.get_or_create(
                name=name,
                defaults={
                    "slug": slug,
                    "rank": v.CLASSIFICATION_RANKS[slug],
                    "is_marking": slug != "no-classification-marking",
                },
            )[0].pk
    lookups.classifications = existing
    existing = dict(Caveat.objects.values_list("slug", "pk"))
    for slug, name, kind, *_ in v.CAVEATS:
        if slug not in existing:
            existing[slug] = Caveat.objects.get_or_create(
                name=name, defaults={"slug": slug, "kind": kind}
            )[0].pk
    lookups.caveats = existing
    lookups.subjects = {name: Subject.objects.get_or_create(name=name)[0].pk for name in v.SUBJECTS}
    for key, fields in v.PUBLICATIONS.items():
        title = fields["title"]
        defaults = {k: val for k, val in fields.items() if k != "title"}
        lookups.publications[key] = Publication.objects.get_or_create(
            title=title, defaults=defaults
        )[0].pk


def ensure_authorities(auth: Authorities, lookups: Lookups) -> dict[str, int]:
    """Create the repositories, agents and units this corpus needs, reusing any that
    already exist under the same natural key. Returns counts of rows created."""
    created = {"repositories": 0, "agents": 0, "agent_names": 0, "positions": 0, "units": 0}
    for key, name, short, address in v.REPOSITORIES:
        repo, was_created = Repository.objects.get_or_create(
            name=name, defaults={"short_name": short, "address": address}
        )
        lookups.repositories[key] = repo.pk
        created["repositories"] += was_created

    existing = {
        (kind, norm): pk
        for pk, kind, norm in Agent.objects.filter(merged_into__isnull=True).values_list(
            "pk", "kind", "normalised_name"
        )
    }
    new_agents = []
    keys = []
    for spec in auth.agents:
        norm = normalise_name(spec.name)
        if (spec.kind, norm) in existing:
            keys.append(existing[(spec.kind, norm)])
            continue
        agent = Agent(
            kind=spec.kind,
            authorised_name=spec.name,
            sort_name=spec.sort_name,
            normalised_name=norm,
            slug=slugify(spec.name)[:120] or "agent",
        )
        new_agents.append((spec, agent))
        keys.append(agent)
    Agent.objects.bulk_create([a for _s, a in new_agents], batch_size=500)
    lookups.agents = [k if isinstance(k, int) else k.pk for k in keys]
    created["agents"] = len(new_agents)

    names = []
    positions = []
    for spec, agent in new_agents:
        forms = [(spec.name, "authorised"), *spec.variants]
        seen = set()
        for form, name_type in forms:
            norm = normalise_name(form)
            if norm in seen:
                continue
            seen.add(norm)
            names.append(AgentName(agent=agent, name=form, normalised=norm, name_type=name_type))
        for title, org_key, start, end in spec.positions:
            org = lookups.agents[auth.orgs[org_key]] if org_key else None
            positions.append(
                Position(
                    agent=agent, title=title, organisation_id=org, start_date=start, end_date=end
                )
            )
    AgentName.objects.bulk_create(names, batch_size=500)
    Position.objects.bulk_create(positions, batch_size=500)
    created["agent_names"] = len(names)
    created["positions"] = len(positions)

    existing_units = {
        (repo, parent, title): (pk, path)
        for pk, repo, parent, title, path in ArchivalUnit.objects.values_list(
            "pk", "repository_id", "parent_id", "title", "tree_path"
        )
    }
    lookups.units = [0] * len(auth.units)
    paths: dict[int, str] = {}
    # Units are listed parents first, so one pass per depth level keeps parents ready.
    pending = list(auth.units)
    while pending:
        ready = [u for u in pending if u.parent is None or lookups.units[u.parent]]
        pending = [u for u in pending if not (u.parent is None or lookups.units[u.parent])]
        batch = []
        for spec in ready:
            repo = lookups.repositories[spec.repository]
            parent = lookups.units[spec.parent] if spec.parent is not None else None
            found = existing_units.get((repo, parent, spec.title))
            if found:
                lookups.units[spec.key] = found[0]
                paths[found[0]] = found[1]
                continue
            unit = ArchivalUnit(
                repository_id=repo,
                parent_id=parent,
                level=spec.level,
                title=spec.title,
                slug=slugify(spec.title)[:120] or "unit",
                identifier=spec.identifier,
                identifier_scheme=spec.scheme,
                sort_order=spec.key,
                date_start=v.CRISIS_START,
                date_end=v.CRISIS_END,
                date_text="1962",
            )
            batch.append((spec, unit))
        ArchivalUnit.objects.bulk_create([u for _s, u in batch], batch_size=500)
        for spec, unit in batch:
            lookups.units[spec.key] = unit.pk
            parent_path = paths[unit.parent_id] if unit.parent_id else "/"
            unit.tree_path = f"{parent_path}{unit.pk}/"
            unit.depth = unit.tree_path.count("/") - 2
            paths[unit.pk] = unit.tree_path
        ArchivalUnit.objects.bulk_update(
            [u for _s, u in batch], ["tree_path", "depth"], batch_size=500
        )
        created["units"] += len(batch)
    return created


def reserve_ids(model, n: int) -> list[int]:
    """Ids for ``n`` new rows of ``model``. The caller holds the write transaction: on
    SQLite that is the database lock; on PostgreSQL the sequence hands them out."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row and row[0] and row[0] > top:
                top = row[0]
        return list(range(top + 1, top + 1 + n))


class RowSink:
    """Appends rows to tables the fastest way each database offers, on the connection
    (and so inside the transaction) Django is using.

    SQLite: one ``executemany`` per table and batch straight on the sqlite3 cursor.
    PostgreSQL: ``COPY … FROM STDIN``, which skips per-row statement execution and
    per-row WAL records for the parse/bind/execute round trip of an INSERT.
    """

    def __init__(self):
        self.vendor = connection.vendor
        self.statements: dict[tuple[str, tuple[str, ...]], str] = {}

    def insert(self, model_or_table, columns, rows: list[tuple]) -> None:
        if not rows:
            return
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        key = (table, tuple(columns))
        sql = self.statements.get(key)
        qn = connection.ops.quote_name
        if sql is None:
            names = ", ".join(qn(c) for c in columns)
            if self.vendor == "postgresql":
                sql = f"COPY {qn(table)} ({names}) FROM STDIN"
            else:
                mark = "?" if self.vendor == "sqlite" else "%s"
                sql = (
                    f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join([mark] * len(columns))})"
                )
            self.statements[key] = sql
        connection.ensure_connection()
        raw = connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        elif self.vendor == "sqlite":
            raw.executemany(sql, rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)


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
