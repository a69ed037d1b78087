"""The provenance events a parsed text supports: drafted → cleared/concurred/approved →
sent → received → repeated → filed → published (FRUS) → transcribed (Avalon) →
catalogued (this import run), each with its date, certainty, agents and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from catalogue.models import DatePrecision, EventType
from catalogue.models.provenance import EVENT_ORDER

from .plan import Plan

SENT_TYPES = {"telegram", "circular_telegram", "airgram", "message", "letter", "instruction"}
SOURCE_ROLE_EVENTS = {
    "drafter": EventType.DRAFTED,
    "cleared": EventType.CLEARED,
    "concurred": EventType.CONCURRED,
    "approved": EventType.APPROVED,
    "signer": EventType.SIGNED,
}


def _creation_phrase(doc_type: str) -> str:
    if "conversation" in doc_type:
        return "Conversation took place."
    if doc_type in {"summary_record", "record_of_meeting", "minutes", "notes"}:
        return "Meeting held."
    return "Document written."


@dataclass
class Event:
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


def build_events(plan: Plan, *, context, import_run) -> list[Event]:
    """The provenance chain the parsed facts support, in chain order."""
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
    events: list[Event] = []
    creators = by_role.get("drafter") or by_role.get("author") or []
    if not by_role.get("drafter"):
        events.append(
            Event(
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
                Event(
                    event_type,
                    **base,
                    evidence="Source note" + (f"; {evidence}" if evidence else ""),
                    agents=by_role[role],
                )
            )
    if parsed.doc_type in SENT_TYPES and (document.sender or document.recipient):
        events.append(
            Event(
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
        received = dict(base) if document.date else {}
        if (
            document.date
            and document.date_precision == DatePrecision.DAY
            and document.time
            and note.received_time
            and note.received_time < document.time
        ):
            # Received "earlier" than sent: the clock had passed midnight.
            received["date"] = document.date + dt.timedelta(days=1)
            received["certainty"] = "inferred"
            received["date_text"] = ""
        events.append(
            Event(
                EventType.RECEIVED,
                **received,
                time=note.received_time,
                description=note.received,
                evidence="Source note",
                agents=by_role.get("recipient", []),
            )
        )
    if note and note.repeated_to:
        events.append(
            Event(
                EventType.REPEATED,
                **base,
                description="Repeated to " + "; ".join(note.repeated_to),
                evidence="Source note",
            )
        )
    if document.unit_id:
        events.append(
            Event(
                EventType.FILED,
                unit=document.unit,
                repository=plan.repository,
                description=f"Filed in {note.location.text}" if note.location else "Filed",
                evidence="Source note",
            )
        )
    edition = context.edition(document.collection.name)
    if edition is not None:
        events.append(
            Event(
                EventType.PUBLISHED,
                publication=edition,
                description=f"Printed in {edition.title}.",
                evidence=f"The collection “{document.collection.name}” reproduces this edition.",
            )
        )
    events.append(
        Event(
            EventType.TRANSCRIBED,
            publication=context.avalon(),
            description="Transcribed and put online by the Avalon Project.",
            evidence=parsed.footer or "Avalon Project transcription",
        )
    )
    today = timezone.localdate()
    events.append(
        Event(
            EventType.CATALOGUED,
            date=today,
            precision=DatePrecision.DAY,
            date_text=today.isoformat(),
            description=(
                f"Catalogued by import run {import_run.pk}"
                if import_run
                else "Catalogued by import"
            )
            + (f" from {parsed.source_file}" if parsed.source_file else "")
            + (f" (parser {parsed.parser_version})" if parsed.parser_version else "")
            + ".",
            evidence=f"sha256 {parsed.checksum}" if parsed.checksum else "",
        )
    )
    events.sort(key=lambda e: EVENT_ORDER[e.event_type])
    return events
