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
from django.db.models import Q

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
from catalogue.search import get_backend

from .context import CatalogueContext
from .events import build_events
from .plan import Builder, Plan, cut, review_problems

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
CHILD_MODELS = [DocumentRelation, Citation, EventAgent, ProvenanceEvent, DocumentAgent, Footnote]


def _existing(batch: list[ParsedDocument]) -> tuple[dict, dict]:
    """Catalogued documents by identity key, and (for records described by hand, which
    have no key yet) by the checksum of the very same file."""
    keys = {p.identity_key for p in batch if p.identity_key}
    checksums = {p.checksum for p in batch if p.checksum}
    if not keys and not checksums:
        return {}, {}
    by_key, by_checksum = {}, {}
    for doc in Document.objects.filter(
        Q(identity_key__in=keys) | Q(identity_key="", source_checksum__in=checksums)
    ).defer("raw_text", "text"):
        if doc.identity_key:
            by_key[doc.identity_key] = doc
        else:
            by_checksum.setdefault(doc.source_checksum, doc)
    return by_key, by_checksum


def _split_duplicates(parsed_docs: list[ParsedDocument]) -> list[list[ParsedDocument]]:
    """Batches in which every identity key occurs once (a key seen twice must see the
    first write before deciding created/updated/unchanged)."""
    batches, current, keys = [], [], set()
    for parsed in parsed_docs:
        key = parsed.identity_key
        if key and key in keys:
            batches.append(current)
            current, keys = [], set()
        current.append(parsed)
        if key:
            keys.add(key)
    if current:
        batches.append(current)
    return batches


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
    try:
        with transaction.atomic():
            for batch in _split_duplicates(list(parsed_docs)):
                results.extend(_catalogue_batch(batch, import_run, publish, context))
            written = [doc.pk for doc, outcome in results if outcome != UNCHANGED]
            if written:
                # Same transaction: the index never mentions a document that rolled back.
                get_backend().index_documents(written)
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


def _catalogue_batch(batch, import_run, publish, context) -> list[tuple[Document, str]]:
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
        document = current or Document()
        plan = builder.fill(document, parsed)
        plan.outcome = UPDATED if current is not None else CREATED
        plans.append(plan)
        results.append((document, plan.outcome))
    if not plans:
        return results

    created = [p.document for p in plans if p.outcome == CREATED]
    updated = [p for p in plans if p.outcome == UPDATED]
    if created:
        Document.objects.bulk_create(created)
        Document.history.bulk_history_create(
            created, default_change_reason=reason, default_user=user
        )
    if updated:
        ids = [p.document.pk for p in updated]
        for model in CHILD_MODELS:
            field_name = "event__document_id__in" if model is EventAgent else "document_id__in"
            if model is DocumentRelation:
                field_name = "source_id__in"
            model.objects.filter(**{field_name: ids}).delete()
        Document.caveats.through.objects.filter(document_id__in=ids).delete()
        for plan in updated:
            doc = plan.document
            doc.version += 1
            doc._change_reason = reason
            if user is not None:
                doc._history_user = user
            doc.save()
    _write_children(plans, builder, context)
    context.authority.flush()
    return results


def _write_children(plans: list[Plan], builder: Builder, context: CatalogueContext):
    footnotes = []
    for plan in plans:
        for fn in plan.parsed.footnotes:
            footnotes.append(
                Footnote(
                    document=plan.document,
                    number=fn.number,
                    text=fn.text,
                    kind=fn.kind,
                    anchor_text=cut(fn.anchor_text, 200),
                    marker_offset=fn.marker_offset,
                    resolved_date=fn.resolved_date,
                )
            )
    Footnote.objects.bulk_create(footnotes)
    note_of = {(f.document.pk, f.number): f for f in footnotes}

    through = Document.caveats.through
    caveat_rows, role_rows, relations, citations, events, event_agents = [], [], [], [], [], []
    frus, avalon = context.frus(), context.avalon()
    targets = _known_frus_numbers(plans, frus)
    for plan in plans:
        doc = plan.document
        caveat_rows += [through(document_id=doc.pk, caveat_id=c.pk) for c in plan.caveats]
        for seq, (agent, role, position, written) in enumerate(plan.roles):
            role_rows.append(
                DocumentAgent(
                    document=doc,
                    agent=agent,
                    role=role,
                    position_title=position,
                    name_as_written=written,
                    sequence=seq,
                )
            )
        sequence = 0
        for fn in plan.parsed.footnotes:
            footnote = note_of[(doc.pk, fn.number)]
            for number in dict.fromkeys(fn.cross_references):
                target = targets.get(number)
                relations.append(
                    DocumentRelation(
                        source=doc,
                        target=target if target and target.pk != doc.pk else None,
                        relation_type=RelationType.PRINTED_AS
                        if number in fn.printed_as
                        else RelationType.REFERS_TO,
                        target_label=f"Document {number}",
                        target_document_number=number,
                        footnote=footnote,
                        note=cut(fn.text, 2000),
                    )
                )
            for cited in fn.printed_citations:
                publication = context.publication(cited.title, year=cited.year)
                citations.append(
                    Citation(
                        document=doc,
                        kind=CitationKind.CITES_PRINTED,
                        publication=publication,
                        pages=cut(cited.pages, 80),
                        text=cited.text,
                        footnote=footnote,
                        sequence=sequence,
                    )
                )
                sequence += 1
            for location in fn.archival_citations:
                _repo, unit = context.location(location)
                citations.append(
                    Citation(
                        document=doc,
                        kind=CitationKind.CITES_ARCHIVAL,
                        unit=unit,
                        text=location.text or fn.text,
                        footnote=footnote,
                        sequence=sequence,
                    )
                )
                sequence += 1
        citations.append(
            Citation(
                document=doc,
                kind=CitationKind.PUBLISHED_IN,
                publication=frus,
                text=frus.title,
                sequence=sequence,
            )
        )
        citations.append(
            Citation(
                document=doc,
                kind=CitationKind.TRANSCRIBED_IN,
                publication=avalon,
                text=plan.parsed.collection_as_written or plan.parsed.collection,
                sequence=sequence + 1,
            )
        )
        for seq, event in enumerate(
            build_events(plan, context=context, import_run=builder.import_run)
        ):
            row = ProvenanceEvent(
                document=doc,
                event_type=event.event_type,
                sequence=seq,
                date=event.date,
                date_precision=event.precision if event.date else DatePrecision.UNKNOWN,
                date_certainty=event.certainty,
                date_text=cut(event.date_text, 120),
                time=event.time,
                place=cut(event.place, 200),
                description=event.description,
                evidence=event.evidence,
                custodian_after=event.repository,
                unit=event.unit,
                publication=event.publication,
                import_run=builder.import_run,
            )
            events.append(row)
            seen = set()
            for agent, role in event.agents:
                if agent.pk not in seen:
                    seen.add(agent.pk)
                    event_agents.append(EventAgent(event=row, agent=agent, role=role))
        for review in plan.reviews:
            review.document = doc
    through.objects.bulk_create(caveat_rows)
    DocumentAgent.objects.bulk_create(role_rows)
    DocumentRelation.objects.bulk_create(relations)
    Citation.objects.bulk_create(citations)
    ProvenanceEvent.objects.bulk_create(events)
    for row in event_agents:
        row.event_id = row.event.pk
    EventAgent.objects.bulk_create(event_agents)


def _known_frus_numbers(plans: list[Plan], frus) -> dict[int, Document]:
    """Catalogued documents already known by their FRUS document number."""
    numbers = {n for p in plans for fn in p.parsed.footnotes for n in fn.cross_references}
    if not numbers:
        return {}
    found = {}
    for citation in Citation.objects.filter(
        kind=CitationKind.PUBLISHED_IN, publication=frus, document_number__in=numbers
    ).select_related("document"):
        found.setdefault(citation.document_number, citation.document)
    return found
