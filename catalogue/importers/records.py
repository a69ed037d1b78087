"""The dataclasses an importer hands to the cataloguing service.

They hold plain Python values only (str, int, ``datetime.date``/``time``, lists,
``None``) so the parser stays independent of Django and the service layer can
decide how each fact becomes rows.  The field names are a contract shared with
``catalogue.services``; new fields may be added, existing ones must not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

PERSON = "person"
ORGANISATION = "organisation"

AGENT_ROLES = (
    "sender",
    "recipient",
    "participant",
    "author",
    "drafter",
    "cleared",
    "concurred",
    "approved",
    "signer",
    "speaker",
    "mentioned",
)
DATE_PRECISIONS = ("day", "month", "year", "unknown")
DATE_CERTAINTIES = ("certain", "probable", "conjectural", "inferred")
FOOTNOTE_KINDS = ("date", "citation", "cross_reference", "archival", "note")
UNIT_LEVELS = ("record_group", "collection", "series", "file", "item")
IDENTIFIER_SCHEMES = ("lot", "accession", "record_group", "decimal_file", "")


@dataclass
class ParsedAgent:
    """A person or an organisation as named in the text.

    ``name`` is the surname (or full name) for a person, the office name without a
    leading "the" for an organisation; ``label`` keeps the phrase as written.
    """

    name: str
    office: str = ""
    kind: str = PERSON
    label: str = ""


@dataclass
class ParsedAgentRole:
    agent: ParsedAgent
    role: str


@dataclass
class ParsedDate:
    """A date with its precision and how sure the edition is about it.

    ``end`` is set for a range ("October 27-28, 1962"); ``value`` is its first day.
    """

    value: dt.date | None
    precision: str
    certainty: str
    text: str
    note: str = ""
    end: dt.date | None = None

    @classmethod
    def unknown(cls, text: str = "", note: str = "") -> ParsedDate:
        return cls(None, "unknown", "conjectural", text, note)


@dataclass
class ParsedPrintedCitation:
    title: str
    year: int | None = None
    pages: str = ""
    text: str = ""


@dataclass
class ParsedUnitRef:
    """One level of an archival hierarchy (record group → … → file → item)."""

    title: str
    level: str
    identifier: str = ""
    identifier_scheme: str = ""


@dataclass
class ParsedLocation:
    """Where an item is kept: the holding institution and the units, top to bottom.

    ``division`` is a named part of the repository that is not an archival unit,
    e.g. the Library of Congress's "Manuscript Division".
    """

    repository: str
    repository_implied: bool
    units: list[ParsedUnitRef]
    text: str
    division: str = ""

    def path(self) -> list[str]:
        """Unit titles and identifiers, top to bottom, without repetitions."""
        out: list[str] = []
        for unit in self.units:
            out.append(unit.title)
            if unit.identifier and unit.identifier != unit.title:
                out.append(unit.identifier)
        return out


@dataclass
class ParsedFootnote:
    number: int
    text: str
    kind: str
    marker_offset: int | None
    anchor_text: str
    resolved_date: dt.date | None = None
    cross_references: list[int] = field(default_factory=list)
    printed_citations: list[ParsedPrintedCitation] = field(default_factory=list)
    archival_citations: list[ParsedLocation] = field(default_factory=list)
    printed_as: list[int] = field(default_factory=list)  # the subset "printed as Document N"


@dataclass
class ParsedSourceNote:
    raw: str
    location: ParsedLocation | None = None
    classification: str = ""
    caveats: list[str] = field(default_factory=list)
    roles: list[ParsedAgentRole] = field(default_factory=list)
    received: str = ""
    received_time: dt.time | None = None
    repeated_to: list[str] = field(default_factory=list)
    sent_to: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    dating_inference: str = ""
    evidence: list[str] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """One parsed text; see ``catalogue.importers.avalon`` for how fields are found."""

    collection: str = ""
    collection_as_written: str = ""
    heading: str = ""
    doc_type: str = "other"
    doc_type_label: str = ""
    title: str = ""
    sender: ParsedAgent | None = None
    recipient: ParsedAgent | None = None
    participants: list[ParsedAgent] = field(default_factory=list)
    place: str = ""
    date: ParsedDate = field(default_factory=ParsedDate.unknown)
    time: dt.time | None = None
    time_text: str = ""
    message_number: str = ""
    subject: str = ""
    routing: list[str] = field(default_factory=list)
    body: str = ""
    speakers: list[tuple[str, str]] = field(default_factory=list)
    footnotes: list[ParsedFootnote] = field(default_factory=list)
    source_note: ParsedSourceNote | None = None
    footer: str = ""
    roles: list[ParsedAgentRole] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_text: str = ""
    encoding: str = ""
    checksum: str = ""
    source_file: str = ""
    identity_key: str = ""
    # Additions beyond the first contract:
    recipients: list[ParsedAgent] = field(default_factory=list)  # all addressees
    authors: list[ParsedAgent] = field(default_factory=list)  # "Paper Prepared by …"
    is_draft: bool = False  # heading starts with "Draft"
    meeting_number: int | None = None  # "Summary Record of the 14th Meeting …"
    time_end: dt.time | None = None  # end of a range "11:50 a.m.-12:57 p.m."
    dateline: str = ""  # the dateline as written
    references: list[str] = field(default_factory=list)  # "Ref: Deptel 1015."
    parser_version: str = ""

    def to_export_dict(self) -> dict[str, Any]:
        from catalogue.importers.export_shape import document_to_export_dict

        return document_to_export_dict(self)
