"""Turn parsed texts into catalogue records: one document with everything it says.

``catalogue_documents`` upserts a batch of ``ParsedDocument`` in one transaction with a
fixed number of bulk statements per batch (not per document), which is what lets an
import store well over a thousand texts a second on SQLite. ``catalogue_document`` is
the single-document form. Identity is the parser's content-independent
``identity_key``: the same key with the same file checksum is left untouched (no
writes at all); with another checksum the record is updated in place through
``save()`` so django-simple-history keeps the earlier values, and its child rows
(footnotes, roles, events, relations, citations) are replaced.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Min

from catalogue.importers.records import ParsedDocument
from catalogue.models import (
    Citation,
    CitationKind,
    DatePrecision,
    Document,
    DocumentAgent,
    DocumentRelation,
    EventAgent,
    Footnote,
    ProvenanceEvent,
    RelationType,
)
from catalogue.models.history import ChangeChannel, recording_channel

from .context import CatalogueContext
from .events import build_events
from .indexing import index_once
from .instances import new_instance
from .plan import Builder, Plan, cut, review_problems
from .rows import (
    adapters,
    delete_children,
    ids_by,
    insert_history,
    insert_returning_ids,
    insert_rows,
    insert_rows_returning_ids,
    update_objects,
)

__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "CatalogueContext",
    "catalogue_document",
    "catalogue_documents",
    "review_problems",
]

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _existing(batch: list[ParsedDocument]) -> tuple[dict, dict]:
    """Catalogued documents by identity key, and (for records described by hand, which
    have no key yet) by the checksum of the very same file.

    One UNION of two selects, each driven by its partial index: ``identity_key <> ''`` (the unique
    constraint) and ``identity_key = ''`` on the checksum (migration 0009). Either
    condition left out, or the two ORed, scans every document (at 100,000 documents,
    ~15 s per batch reading the texts' overflow pages)."""
    keys = {p.identity_key for p in batch if p.identity_key}
    checksums = {p.checksum for p in batch if p.checksum}
    documents = Document.objects.defer("raw_text", "text").order_by()
    parts = []
    if keys:
        parts.append(documents.exclude(identity_key="").filter(identity_key__in=keys))
    if checksums:
        parts.append(documents.filter(identity_key="", source_checksum__in=checksums))
    if not parts:
        return {}, {}
    by_key, by_checksum = {}, {}
    for doc in parts[0].union(*parts[1:]).order_by("pk"):
        if doc.identity_key:
            by_key[doc.identity_key] = doc
        else:
            by_checksum.setdefault(doc.source_checksum, doc)
    return by_key, by_checksum


def _layers(parsed_docs: list[ParsedDocument]) -> list[list[int]]:
    """Positions of the batch in layers where every identity key occurs once: the
    first occurrence of each key in the first layer, the second in the next, and so on
    (a key seen twice must see the first write before deciding created/updated/
    unchanged). A corpus with a few revised texts scattered through it then takes two
    or three sets of bulk statements per batch, not one per repeated key."""
    seen: dict[str, int] = {}
    layers: list[list[int]] = [[]]
    for position, parsed in enumerate(parsed_docs):
        key = parsed.identity_key
        depth = 0
        if key:
            depth = seen.get(key, 0)
            seen[key] = depth + 1
        if depth == len(layers):
            layers.append([])
        layers[depth].append(position)
    return layers


def catalogue_documents(
    parsed_docs: list[ParsedDocument],
    *,
    import_run=None,
    publish: bool = False,
    context: CatalogueContext | None = None,
) -> list[tuple[Document, str]]:
    """Upsert a batch of parsed documents in one transaction; (document, outcome) each.

    If anything fails the whole batch rolls back and ``context`` is reset; callers that
    need per-file isolation retry the files one by one (see ``services.importing``).
    """
    context = context or CatalogueContext(import_run=import_run)
    results: list[tuple[Document, str]] = []
    channel = recording_channel(ChangeChannel.IMPORT, import_run=import_run)
    try:
        with channel, transaction.atomic(), index_once(all_triggers=True) as indexer:
            named_agents: set[int] = set()
            parsed_docs = list(parsed_docs)
            placed: list = [None] * len(parsed_docs)
            for layer in _layers(parsed_docs):
                batch = [parsed_docs[i] for i in layer]
                stored, named = _catalogue_batch(batch, import_run, publish, context, indexer)
                for position, outcome in zip(layer, stored, strict=True):
                    placed[position] = outcome
                named_agents |= named
            results.extend(placed)
            written = [doc.pk for doc, outcome in results if outcome != UNCHANGED]
            if written or named_agents:
                # Same transaction: the index never mentions a document that rolled back.
                indexer.index(written, agent_ids=named_agents)
    except BaseException:
        context.reset()
        raise
    return results


def catalogue_document(
    *,
    parsed: ParsedDocument,
    import_run=None,
    publish: bool = False,
    context: CatalogueContext | None = None,
) -> tuple[Document, str]:
    """Upsert one parsed document; returns (document, "created"|"updated"|"unchanged")."""
    return catalogue_documents([parsed], import_run=import_run, publish=publish, context=context)[0]


def _catalogue_batch(batch, import_run, publish, context, indexer) -> tuple[list, set[int]]:
    builder = Builder(context, import_run, publish)
    by_key, by_checksum = _existing(batch)
    reason = f"Import run {import_run.pk}" if import_run else "Import"
    user = getattr(import_run, "user", None)
    results, plans = [], []
    for parsed in batch:
        current = by_key.get(parsed.identity_key) if parsed.identity_key else None
        if current is None and parsed.checksum in by_checksum:
            current = by_checksum.pop(parsed.checksum)
            if parsed.identity_key:
                # Adopt the hand-described record: same file, so the same document.
                Document.objects.filter(pk=current.pk).update(identity_key=parsed.identity_key)
                current.identity_key = parsed.identity_key
        if current is not None and current.source_checksum == parsed.checksum:
            results.append((current, UNCHANGED))
            continue
        indexer.suspend()
        document = current or new_instance(Document)
        plan = builder.fill(document, parsed)
        plan.outcome = UPDATED if current is not None else CREATED
        plans.append(plan)
        results.append((document, plan.outcome))
    if not plans:
        return results, set()

    context.save_new_units(reason=reason, user=user)
    for plan in plans:
        if plan.document.unit_id is None and plan.document.unit is not None:
            plan.document.unit = plan.document.unit  # its id is known now
    history_extra = {
        "history_change_reason": reason,
        "history_user_id": user.pk if user else None,
        "history_channel": ChangeChannel.IMPORT,
        "history_import_run_id": import_run.pk if import_run else None,
    }
    created = [p.document for p in plans if p.outcome == CREATED]
    updated = [p for p in plans if p.outcome == UPDATED]
    if created:
        insert_returning_ids(Document, created)
        insert_history(created, extra=history_extra)
    if updated:
        # What save() does for each (version bump, auto_now, a "~" historical row),
        # as one UPDATE per row sent at once and one history insert.
        ids = [p.document.pk for p in updated]
        delete_children(ids)
        _forget_frus_numbers(context, set(ids))
        docs = [p.document for p in updated]
        for doc in docs:
            doc.version += 1
        update_objects(Document, docs)
        insert_history(docs, history_type="~", extra=history_extra)
    _write_children(plans, builder, context, reason=reason, user=user)
    return results, context.authority.flush()


def _write_children(
    plans: list[Plan], builder: Builder, context: CatalogueContext, *, reason, user
):
    """Footnotes, caveats, roles, relations, citations, events and event agents of the
    batch: one executemany per table; footnotes and events (whose ids the next rows
    need) as INSERT … RETURNING."""
    doc_ids = [plan.document.pk for plan in plans]
    adapt_date, adapt_time = adapters()
    footnotes = [
        (
            plan.document.pk,
            fn.number,
            fn.text,
            fn.kind,
            cut(fn.anchor_text, 200),
            fn.marker_offset,
            adapt_date(fn.resolved_date),
        )
        for plan in plans
        for fn in plan.parsed.footnotes
    ]
    footnote_ids = _ids_of(Footnote, FOOTNOTE_COLUMNS, footnotes, doc_ids, key=1)

    caveats, roles, relations, citations, events, agents_of = [], [], [], [], [], []
    avalon = context.avalon()
    targets = _known_frus_numbers(plans, context)
    run_id = builder.import_run.pk if builder.import_run else None
    for plan in plans:
        doc_id = plan.document.pk
        caveats += [(doc_id, caveat.pk) for caveat in plan.caveats]
        roles += [
            (doc_id, agent.pk, role, position, written, seq)
            for seq, (agent, role, position, written) in enumerate(plan.roles)
        ]
        for reference in dict.fromkeys(r for r in plan.parsed.references if r.strip()):
            # "Ref: Deptel 1015": a telegram this one answers, named until catalogued.
            relations.append(
                (doc_id, None, RelationType.REFERS_TO, cut(reference, 300), None, None, "Ref:")
            )
        sequence = 0
        for fn in plan.parsed.footnotes:
            footnote_id = footnote_ids[(doc_id, fn.number)]
            for number in dict.fromkeys(fn.cross_references):
                target = targets.get(number)
                relations.append(
                    (
                        doc_id,
                        target if target and target != doc_id else None,
                        RelationType.PRINTED_AS
                        if number in fn.printed_as
                        else RelationType.REFERS_TO,
                        f"Document {number}",
                        number,
                        footnote_id,
                        fn.text,
                    )
                )
            for cited in fn.printed_citations:
                publication = context.publication(cited.title, year=cited.year)
                citations.append(
                    (
                        doc_id,
                        CitationKind.CITES_PRINTED,
                        publication.pk,
                        None,
                        cut(cited.pages, 80),
                        cited.text,
                        footnote_id,
                        sequence,
                    )
                )
                sequence += 1
            for location in fn.archival_citations:
                _repo, unit = context.location(location)
                citations.append(
                    (
                        doc_id,
                        CitationKind.CITES_ARCHIVAL,
                        None,
                        unit,  # its id once new units are written, below
                        "",
                        location.text or fn.text,
                        footnote_id,
                        sequence,
                    )
                )
                sequence += 1
        edition = context.edition(plan.document.collection.name)
        if edition is not None:
            citations.append(
                (
                    doc_id,
                    CitationKind.PUBLISHED_IN,
                    edition.pk,
                    None,
                    "",
                    edition.title,
                    None,
                    sequence,
                )
            )
        citations.append(
            (
                doc_id,
                CitationKind.TRANSCRIBED_IN,
                avalon.pk,
                None,
                "",
                plan.parsed.collection_as_written or plan.parsed.collection or avalon.title,
                None,
                sequence + 1,
            )
        )
        for seq, event in enumerate(
            build_events(plan, context=context, import_run=builder.import_run)
        ):
            events.append(
                (
                    doc_id,
                    event.event_type,
                    seq,
                    adapt_date(event.date),
                    event.precision if event.date else DatePrecision.UNKNOWN,
                    event.certainty,
                    cut(event.date_text, 120),
                    adapt_time(event.time) if event.time is not None else None,
                    cut(event.place, 200),
                    event.description,
                    event.evidence,
                    event.repository.pk if event.repository else None,
                    event.unit.pk if event.unit else None,
                    event.publication.pk if event.publication else None,
                    run_id,
                )
            )
            first_role = {}
            for agent, role in event.agents:
                first_role.setdefault(agent.pk, role)
            agents_of.append(((doc_id, seq), first_role))
        for review in plan.reviews:
            review.document = plan.document
    context.save_new_units(reason=reason, user=user)
    citations = [(*c[:3], c[3].pk if c[3] is not None else None, *c[4:]) for c in citations]
    insert_rows(Document.caveats.through, ("document_id", "caveat_id"), caveats)
    insert_rows(DocumentAgent, ROLE_COLUMNS, roles)
    insert_rows(DocumentRelation, RELATION_COLUMNS, relations)
    insert_rows(Citation, CITATION_COLUMNS, citations)
    event_ids = _ids_of(ProvenanceEvent, EVENT_COLUMNS, events, doc_ids, key=2)
    if any(roles for _key, roles in agents_of):
        insert_rows(
            EventAgent,
            ("event_id", "agent_id", "role"),
            [
                (event_ids[key], agent_id, role)
                for key, roles in agents_of
                for agent_id, role in roles.items()
            ],
        )


def _ids_of(model, columns, rows, doc_ids, *, key: int) -> dict[tuple[int, int], int]:
    """Insert ``rows`` (document id first) and map (document id, ``rows[key]``) to the
    new ids; read back with one query where the database cannot return them."""
    ids = insert_rows_returning_ids(model, columns, rows)
    if ids is None:
        return ids_by(model, doc_ids, columns[key]) if rows else {}
    return {(row[0], row[key]): pk for row, pk in zip(rows, ids, strict=True)}


FOOTNOTE_COLUMNS = (
    "document_id",
    "number",
    "text",
    "kind",
    "anchor_text",
    "marker_offset",
    "resolved_date",
)
ROLE_COLUMNS = ("document_id", "agent_id", "role", "position_title", "name_as_written", "sequence")
RELATION_COLUMNS = (
    "source_id",
    "target_id",
    "relation_type",
    "target_label",
    "target_document_number",
    "footnote_id",
    "note",
)
CITATION_COLUMNS = (
    "document_id",
    "kind",
    "publication_id",
    "unit_id",
    "pages",
    "text",
    "footnote_id",
    "sequence",
)
EVENT_COLUMNS = (
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
    "custodian_after_id",
    "unit_id",
    "publication_id",
    "import_run_id",
)


def _known_frus_numbers(plans: list[Plan], context: CatalogueContext) -> dict[int, int]:
    """Ids of catalogued documents already known by their FRUS document number (the
    first catalogued, as before). Ids only, grouped in the database: at 100,000
    documents each number is printed by ~140 generated records, and loading them
    whole (texts included) took ~13 s per batch. Remembered for the run
    (``context.frus_numbers``): an import writes no document numbers, so only the
    citations it deletes (an updated record's) can change what a number points at,
    and those numbers are asked for again (``_forget_frus_numbers``)."""
    numbers = {n for p in plans for fn in p.parsed.footnotes for n in fn.cross_references}
    known = context.frus_numbers
    missing = numbers - known.keys()
    if missing:
        known.update(dict.fromkeys(missing))
        known.update(
            Citation.objects.filter(
                kind=CitationKind.PUBLISHED_IN,
                publication=context.frus(),
                document_number__in=missing,
            )
            .order_by()
            .values("document_number")
            .annotate(first=Min("document_id"))
            .values_list("document_number", "first")
        )
    return {n: known[n] for n in numbers if known[n] is not None}


def _forget_frus_numbers(context: CatalogueContext, document_ids: set[int]):
    """Updating a record deletes its citations, document numbers included."""
    known = context.frus_numbers
    for number in [n for n, pk in known.items() if pk in document_ids]:
        del known[number]
