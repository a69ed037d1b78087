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

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalogue.importers.records import ParsedAgent, ParsedDate, ParsedDocument
from catalogue.models import (
    AgentKind,
    AgentRole,
    Citation,
    CitationKind,
    DatePrecision,
    Document,
    DocumentAgent,
    DocumentRelation,
    EventAgent,
    EventType,
    Footnote,
    NameType,
    ProvenanceEvent,
    PublicationStatus,
    RelationType,
)
from catalogue.models.provenance import EVENT_ORDER
from catalogue.search import get_backend

from .catalogue_context import CatalogueContext

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
SENT_TYPES = {"telegram", "circular_telegram", "airgram", "message", "letter", "instruction"}
ROLE_VALUES = set(AgentRole.values)
SOURCE_ROLE_EVENTS = {
    "drafter": EventType.DRAFTED,
    "cleared": EventType.CLEARED,
    "concurred": EventType.CONCURRED,
    "approved": EventType.APPROVED,
}
CHILD_MODELS = [DocumentRelation, Citation, EventAgent, ProvenanceEvent, DocumentAgent, Footnote]


def _cut(value, length: int) -> str:
    return (value or "")[:length]


def _date(parsed: ParsedDate | None) -> tuple[dt.date | None, str]:
    """A (value, precision) pair that satisfies the models' date/precision rule."""
    if parsed is None or parsed.value is None or parsed.precision == DatePrecision.UNKNOWN:
        return None, DatePrecision.UNKNOWN
    value = parsed.value
    if parsed.precision == DatePrecision.MONTH:
        value = value.replace(day=1)
    elif parsed.precision == DatePrecision.YEAR:
        value = value.replace(month=1, day=1)
    return value, parsed.precision


def _creation_phrase(doc_type: str) -> str:
    if "conversation" in doc_type:
        return "Conversation took place."
    if doc_type in {"summary_record", "record_of_meeting", "minutes", "notes"}:
        return "Meeting held."
    return "Document written."


@dataclass
class _Event:
    event_type: str
    date: dt.date | None = None
    precision: str = DatePrecision.UNKNOWN
    certainty: str = "certain"
    date_text: str = ""
    time: dt.time | None = None
    place: str = ""
    description: str = ""
    evidence: str = ""
    agents: list = field(default_factory=list)  # (agent, role)
    unit: object = None
    repository: object = None
    publication: object = None


@dataclass
class _Plan:
    """Everything one document will be written as, resolved against the context."""

    parsed: ParsedDocument
    document: Document
    outcome: str
    roles: list = field(default_factory=list)  # (agent, role, position, as written)
    caveats: list = field(default_factory=list)
    repository: object = None
    reviews: list = field(default_factory=list)


def review_problems(parsed: ParsedDocument) -> list[str]:
    """What is missing from a text (not an error: the record is made and flagged)."""
    missing = []
    if not parsed.dateline:
        missing.append("dateline")
    if parsed.source_note is None:
        missing.append("source note")
    elif parsed.source_note.location is None:
        missing.append("archival location in the source note")
    if not parsed.footnotes:
        missing.append("footnotes")
    return missing


class _Builder:
    """Builds the plan of one document against the run's context (no writes except
    vocabulary rows that do not exist yet)."""

    def __init__(self, context: CatalogueContext, import_run, publish: bool):
        self.context = context
        self.import_run = import_run
        self.publish = publish

    def agent(self, parsed: ParsedAgent | None, title: str):
        if parsed is None or not (parsed.name or "").strip():
            return None
        kind = parsed.kind if parsed.kind in AgentKind.values else AgentKind.PERSON
        variants = []
        label = (parsed.label or "").strip()
        if label and label != parsed.name:
            bare = label[4:] if label.lower().startswith("the ") else label
            if bare != parsed.name:
                variants.append((label, NameType.OFFICE if parsed.office else NameType.VARIANT))
        resolution = self.context.authority.resolve(
            parsed.name,
            kind=kind,
            variants=tuple(variants),
            office=parsed.office,
            document_title=title,
        )
        return resolution.agent if resolution else None

    def fill(self, document: Document, parsed: ParsedDocument) -> _Plan:
        ctx = self.context
        note = parsed.source_note
        title = parsed.title or parsed.heading or "Untitled document"
        reviews_before = len(ctx.authority.pending_reviews)
        repository, unit = ctx.location(note.location if note else None)
        date, precision = _date(parsed.date)
        classification = ctx.classification(note.classification) if note else None

        problems = review_problems(parsed)
        if note and note.classification and classification is None:
            problems.append(f"unknown classification “{note.classification}”")
        editorial = []
        if note:
            editorial = [r for r in note.remarks if r]
            if note.dating_inference and note.dating_inference not in editorial:
                editorial.append(note.dating_inference)
        transmission = []
        if note and note.sent_to:
            transmission.append("Sent to " + "; ".join(note.sent_to) + ".")
        if note and note.repeated_to:
            transmission.append("Repeated to " + "; ".join(note.repeated_to) + ".")
        date_note = parsed.date.note or (note.dating_inference if note else "")
        if note and note.evidence and date_note and parsed.date.certainty != "certain":
            cited = [e for e in note.evidence if e not in date_note]
            if cited:
                date_note = f"{date_note} Evidence: {'; '.join(cited)}."

        document.title = _cut(title, 500)
        document.collection = ctx.collection(
            parsed.collection, as_written=parsed.collection_as_written
        )
        document.doc_type = ctx.doc_type(parsed.doc_type, parsed.doc_type_label)
        document.sender = self.agent(parsed.sender, title)
        document.recipient = self.agent(parsed.recipient, title)
        document.place = _cut(parsed.place, 200)
        document.date = date
        document.date_precision = precision
        document.date_certainty = parsed.date.certainty if date else "certain"
        document.date_text = _cut(parsed.date.text, 120)
        document.date_note = date_note or ""
        document.time = parsed.time
        document.time_text = _cut(parsed.time_text, 40)
        document.message_number = _cut(parsed.message_number, 40)
        document.subject_line = _cut(parsed.subject, 300)
        document.routing = list(parsed.routing)
        document.text = parsed.body
        document.raw_text = parsed.raw_text
        document.source_note = note.raw if note else ""
        document.unit = unit
        document.classification = classification
        document.received_text = _cut(note.received if note else "", 300)
        document.received_time = note.received_time if note else None
        document.transmission_note = " ".join(transmission)
        document.editorial_note = "\n".join(editorial)
        document.needs_review = bool(problems or parsed.warnings)
        document.review_note = "; ".join(
            ([f"Missing: {', '.join(problems)}."] if problems else []) + list(parsed.warnings)
        )
        document.identity_key = _cut(parsed.identity_key, 500)
        document.source_file = _cut(parsed.source_file, 500)
        document.source_checksum = _cut(parsed.checksum, 64)
        document.import_run = self.import_run
        if self.publish and document.status != PublicationStatus.PUBLISHED:
            document.status = PublicationStatus.PUBLISHED
            document.published_at = timezone.now()

        plan = _Plan(parsed=parsed, document=document, outcome="", repository=repository)
        plan.caveats = [ctx.caveat(c) for c in dict.fromkeys(note.caveats if note else []) if c]
        plan.roles = self.roles(parsed, title)
        plan.reviews = ctx.authority.pending_reviews[reviews_before:]
        return plan

    def roles(self, parsed: ParsedDocument, title: str) -> list:
        pairs = list(parsed.roles)
        if not pairs:
            from catalogue.importers.records import ParsedAgentRole

            pairs = [
                *([ParsedAgentRole(parsed.sender, "sender")] if parsed.sender else []),
                *[ParsedAgentRole(a, "recipient") for a in parsed.recipients or []],
                *(
                    [ParsedAgentRole(parsed.recipient, "recipient")]
                    if parsed.recipient and not parsed.recipients
                    else []
                ),
                *[ParsedAgentRole(a, "participant") for a in parsed.participants],
                *[ParsedAgentRole(a, "author") for a in parsed.authors],
            ]
        if parsed.source_note:
            pairs += parsed.source_note.roles
        out, seen = [], set()
        for pair in pairs:
            agent = self.agent(pair.agent, title)
            role = pair.role if pair.role in ROLE_VALUES else AgentRole.MENTIONED
            if agent is None or (agent.pk, role) in seen:
                continue
            seen.add((agent.pk, role))
            as_written = pair.agent.label or pair.agent.name
            out.append((agent, role, _cut(pair.agent.office, 255), _cut(as_written, 255)))
        for label, name in parsed.speakers:
            match = next(
                (a for a, _r, _p, w in out if name and name in (w, a.authorised_name)), None
            )
            agent = match or self.agent(ParsedAgent(name=name, label=name), title)
            if agent is None:
                continue
            if label and label != name:
                self.context.authority._record_form(agent, label, NameType.LABEL)
            if (agent.pk, AgentRole.SPEAKER) not in seen:
                seen.add((agent.pk, AgentRole.SPEAKER))
                out.append((agent, AgentRole.SPEAKER, "", _cut(label or name, 255)))
        return out

    def events(self, plan: _Plan) -> list[_Event]:
        parsed, document = plan.parsed, plan.document
        note = parsed.source_note
        certainty = document.date_certainty
        evidence = "; ".join(note.evidence) if note and note.evidence else ""
        base = {
            "date": document.date,
            "precision": document.date_precision,
            "certainty": certainty,
            "date_text": document.date_text,
        }
        by_role: dict[str, list] = {}
        for agent, role, _position, _written in plan.roles:
            by_role.setdefault(role, []).append((agent, role))
        events: list[_Event] = []
        creators = by_role.get("drafter") or by_role.get("author") or []
        if not by_role.get("drafter"):
            events.append(
                _Event(
                    EventType.CREATED,
                    **base,
                    time=document.time,
                    place=document.place,
                    description=_creation_phrase(parsed.doc_type),
                    evidence=evidence if certainty != "certain" else "",
                    agents=creators
                    or by_role.get("sender", [])
                    + by_role.get("participant", [])
                    + by_role.get("speaker", []),
                )
            )
        for role, event_type in SOURCE_ROLE_EVENTS.items():
            if by_role.get(role):
                events.append(
                    _Event(
                        event_type,
                        **base,
                        evidence="Source note" + (f"; {evidence}" if evidence else ""),
                        agents=by_role[role],
                    )
                )
        if parsed.doc_type in SENT_TYPES and (document.sender or document.recipient):
            events.append(
                _Event(
                    EventType.SENT,
                    **base,
                    time=document.time,
                    place=document.place,
                    description=document.transmission_note,
                    evidence="Dateline" if parsed.dateline else "",
                    agents=by_role.get("sender", []) + by_role.get("recipient", []),
                )
            )
        if note and note.received:
            events.append(
                _Event(
                    EventType.RECEIVED,
                    **(base if document.date else {}),
                    time=note.received_time,
                    description=note.received,
                    evidence="Source note",
                    agents=by_role.get("recipient", []),
                )
            )
        if note and note.repeated_to:
            events.append(
                _Event(
                    EventType.REPEATED,
                    **base,
                    description="Repeated to " + "; ".join(note.repeated_to),
                    evidence="Source note",
                )
            )
        if document.unit_id:
            events.append(
                _Event(
                    EventType.FILED,
                    unit=document.unit,
                    repository=plan.repository,
                    description=f"Filed in {note.location.text}" if note.location else "Filed",
                    evidence="Source note",
                )
            )
        events.append(
            _Event(
                EventType.PUBLISHED,
                publication=self.context.frus(),
                description="Printed in Foreign Relations of the United States.",
                evidence="Avalon Project transcription of the FRUS text",
            )
        )
        events.append(
            _Event(
                EventType.TRANSCRIBED,
                publication=self.context.avalon(),
                description="Transcribed and put online by the Avalon Project.",
                evidence=parsed.footer or "Avalon Project transcription",
            )
        )
        today = timezone.localdate()
        run = self.import_run
        events.append(
            _Event(
                EventType.CATALOGUED,
                date=today,
                precision=DatePrecision.DAY,
                date_text=today.isoformat(),
                description=(
                    f"Catalogued by import run {run.pk}" if run else "Catalogued by import"
                )
                + (f" from {parsed.source_file}" if parsed.source_file else "")
                + (f" (parser {parsed.parser_version})" if parsed.parser_version else "")
                + ".",
                evidence=f"sha256 {parsed.checksum}" if parsed.checksum else "",
            )
        )
        events.sort(key=lambda e: EVENT_ORDER[e.event_type])
        return events


def _existing(keys: list[str]) -> dict[str, Document]:
    if not keys:
        return {}
    return {
        doc.identity_key: doc
        for doc in Document.objects.filter(identity_key__in=keys).defer("raw_text", "text")
    }


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
    builder = _Builder(context, import_run, publish)
    existing = _existing([p.identity_key for p in batch if p.identity_key])
    reason = f"Import run {import_run.pk}" if import_run else "Import"
    user = getattr(import_run, "user", None)
    results, plans = [], []
    for parsed in batch:
        current = existing.get(parsed.identity_key) if parsed.identity_key else None
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


def _write_children(plans: list[_Plan], builder: _Builder, context: CatalogueContext):
    footnotes = []
    for plan in plans:
        for fn in plan.parsed.footnotes:
            footnotes.append(
                Footnote(
                    document=plan.document,
                    number=fn.number,
                    text=fn.text,
                    kind=fn.kind,
                    anchor_text=_cut(fn.anchor_text, 200),
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
                        note=_cut(fn.text, 2000),
                    )
                )
            for cited in fn.printed_citations:
                publication = context.publication(cited.title, year=cited.year)
                citations.append(
                    Citation(
                        document=doc,
                        kind=CitationKind.CITES_PRINTED,
                        publication=publication,
                        pages=_cut(cited.pages, 80),
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
        for seq, event in enumerate(builder.events(plan)):
            row = ProvenanceEvent(
                document=doc,
                event_type=event.event_type,
                sequence=seq,
                date=event.date,
                date_precision=event.precision if event.date else DatePrecision.UNKNOWN,
                date_certainty=event.certainty,
                date_text=_cut(event.date_text, 120),
                time=event.time,
                place=_cut(event.place, 200),
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
                if (agent.pk, role) not in seen:
                    seen.add((agent.pk, role))
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


def _known_frus_numbers(plans: list[_Plan], frus) -> dict[int, Document]:
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
