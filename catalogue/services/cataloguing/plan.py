"""Resolve one parsed text against the run's context: the Document's fields, its
caveats and its agents with their roles (no child rows are written here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from catalogue.importers.records import ParsedAgent, ParsedAgentRole, ParsedDate, ParsedDocument
from catalogue.models import (
    AgentKind,
    AgentRole,
    DatePrecision,
    Document,
    NameType,
    PublicationStatus,
)

from .context import CatalogueContext
from .instances import relate

ROLE_VALUES = frozenset(AgentRole.values)
# ``AgentKind.values`` builds a new list at each access: ~2 % of storing a batch.
AGENT_KINDS = frozenset(AgentKind.values)


def cut(value, length: int) -> str:
    return (value or "")[:length]


def parsed_date(parsed: ParsedDate | None) -> tuple[dt.date | None, str]:
    """A (value, precision) pair that satisfies the models' date/precision rule."""
    if parsed is None or parsed.value is None or parsed.precision == DatePrecision.UNKNOWN:
        return None, DatePrecision.UNKNOWN
    value = parsed.value
    if parsed.precision == DatePrecision.MONTH:
        value = value.replace(day=1)
    elif parsed.precision == DatePrecision.YEAR:
        value = value.replace(month=1, day=1)
    return value, parsed.precision


@dataclass
class Plan:
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


class Builder:
    """Builds the plan of one document against the run's context (no writes except
    vocabulary rows that do not exist yet)."""

    def __init__(self, context: CatalogueContext, import_run, publish: bool):
        self.context = context
        self.import_run = import_run
        self.publish = publish
        self.now = timezone.now()  # one publication time per layer of a batch

    def agent(self, parsed: ParsedAgent | None, title: str):
        if parsed is None or not (parsed.name or "").strip():
            return None
        memo_key = (parsed.name, parsed.kind, parsed.label, parsed.office)
        memo = self.context.agent_memo
        if memo_key in memo:
            return memo[memo_key]
        kind = parsed.kind if parsed.kind in AGENT_KINDS else AgentKind.PERSON
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
        agent = resolution.agent if resolution else None
        if resolution and not resolution.ambiguous:
            memo[memo_key] = agent
        return agent

    def fill(self, document: Document, parsed: ParsedDocument) -> Plan:
        ctx = self.context
        note = parsed.source_note
        title = parsed.title or parsed.heading or "Untitled document"
        reviews_before = len(ctx.authority.pending_reviews)
        repository, unit = ctx.location(note.location if note else None)
        date, precision = parsed_date(parsed.date)
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

        document.title = cut(title, 500)
        if not document.slug:  # what save() would derive; bulk inserts skip save()
            document.slug = slugify(document.title)[:120] or "document"
        relate(
            document,
            "collection",
            ctx.collection(parsed.collection, as_written=parsed.collection_as_written),
        )
        relate(document, "doc_type", ctx.doc_type(parsed.doc_type, parsed.doc_type_label))
        relate(document, "sender", self.agent(parsed.sender, title))
        relate(document, "recipient", self.agent(parsed.recipient, title))
        document.place = cut(parsed.place, 200)
        document.date = date
        document.date_precision = precision
        document.date_certainty = parsed.date.certainty if date else "certain"
        document.date_text = cut(parsed.date.text, 120)
        document.date_note = date_note or ""
        document.time = parsed.time
        document.time_text = cut(parsed.time_text, 40)
        document.message_number = cut(parsed.message_number, 40)
        document.subject_line = cut(parsed.subject, 300)
        document.routing = list(parsed.routing)
        document.text = parsed.body
        document.raw_text = parsed.raw_text
        document.source_note = note.raw if note else ""
        relate(document, "unit", unit)
        relate(document, "classification", classification)
        document.received_text = cut(note.received if note else "", 300)
        document.received_time = note.received_time if note else None
        document.transmission_note = " ".join(transmission)
        document.editorial_note = "\n".join(editorial)
        document.needs_review = bool(problems or parsed.warnings)
        document.review_note = "; ".join(
            ([f"Missing: {', '.join(problems)}."] if problems else []) + list(parsed.warnings)
        )
        document.identity_key = cut(parsed.identity_key, 500)
        document.source_file = cut(parsed.source_file, 500)
        document.source_checksum = cut(parsed.checksum, 64)
        relate(document, "import_run", self.import_run)
        if self.publish and document.status != PublicationStatus.PUBLISHED:
            document.status = PublicationStatus.PUBLISHED
            document.published_at = self.now

        plan = Plan(parsed=parsed, document=document, outcome="", repository=repository)
        plan.caveats = [ctx.caveat(c) for c in dict.fromkeys(note.caveats if note else []) if c]
        plan.roles = self.roles(parsed, title)
        plan.reviews = ctx.authority.pending_reviews[reviews_before:]
        return plan

    def roles(self, parsed: ParsedDocument, title: str) -> list:
        pairs = list(parsed.roles)
        if not pairs:
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
        out, seen, by_name = [], set(), {}
        for pair in pairs:
            agent = self.agent(pair.agent, title)
            role = pair.role if pair.role in ROLE_VALUES else AgentRole.MENTIONED
            if agent is not None:
                by_name.setdefault(pair.agent.name, agent)
            if agent is None or (agent.pk, role) in seen:
                continue
            seen.add((agent.pk, role))
            as_written = pair.agent.label or pair.agent.name
            out.append((agent, role, cut(pair.agent.office, 255), cut(as_written, 255)))
        for label, name in parsed.speakers:
            # The parser resolves "Sec"/"Secretary" to the surname named in the heading.
            agent = by_name.get(name) or self.agent(ParsedAgent(name=name, label=name), title)
            if agent is None:
                continue
            if label and label != name:
                self.context.authority.record_form(agent, label, NameType.LABEL)
            if (agent.pk, AgentRole.SPEAKER) not in seen:
                seen.add((agent.pk, AgentRole.SPEAKER))
                out.append((agent, AgentRole.SPEAKER, "", cut(label or name, 255)))
        return out
