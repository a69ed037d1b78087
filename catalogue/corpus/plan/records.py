"""The planned records: what a document, its footnotes and its events will be."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class PlannedFootnote:
    number: int
    text: str
    kind: str
    anchor: str = ""
    offset: int | None = None
    resolved_date: dt.date | None = None
    printed: tuple[str, str] | None = None  # (publication key, pages)
    archival_unit: int | None = None
    cross_reference: int | None = None  # index of the referenced corpus document
    cross_number: int | None = None


@dataclass(slots=True)
class PlannedEvent:
    event_type: str
    date: dt.date | None
    precision: str
    time: dt.time | None = None
    place: str = ""
    description: str = ""
    evidence: str = ""
    agents: list[tuple[int, str]] = field(default_factory=list)
    custodian_before: str = ""
    custodian_after: str = ""
    unit: int | None = None
    publication: str = ""
    date_text: str = ""


@dataclass(slots=True)
class PlannedDocument:
    index: int
    identity_key: str
    collection_line: str
    heading: str
    doc_type: str
    place: str
    date: dt.date | None
    date_precision: str
    date_certainty: str
    date_text: str
    date_note: str
    time: dt.time | None
    time_text: str
    dateline: str
    message_number: str
    subject_line: str
    routing: list[str]
    body: str
    footnotes: list[PlannedFootnote]
    source_note: str
    unit: int | None
    item_reference: str
    classification: str
    caveats: list[str]
    sender: int | None
    recipient: int | None
    roles: list[tuple[int, str, str, str]]  # agent, role, position title, name as written
    events: list[PlannedEvent]
    received_text: str
    received_time: dt.time | None
    transmission_note: str
    editorial_note: str
    subjects: list[str]
    frus_number: int
    status: str
    withdrawn_reason: str = ""
