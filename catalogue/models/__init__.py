"""The archival domain: repositories hold units; units hold documents; agents act on
documents; provenance events chain a document's history; import runs record where the
catalogue's own statements came from."""

from .agents import (
    Agent,
    AgentIdentifier,
    AgentKind,
    AgentName,
    IdentifierSource,
    NameType,
    Position,
)
from .classification import Caveat, CaveatKind, ClassificationLevel
from .common import DateCertainty, DatePrecision, PublicationStatus
from .documents import Collection, Document, DocumentType, Footnote, FootnoteKind, Subject
from .history import ChangeChannel, recording_channel
from .imports import AuthorityReview, ImportedFile, ImportRun
from .media import DigitalObject, FixityCheck
from .merges import MergeRecord
from .provenance import AgentRole, DocumentAgent, EventAgent, EventType, ProvenanceEvent
from .relations import Citation, CitationKind, DocumentRelation, Publication, RelationType
from .repositories import Repository
from .security import LoginFailure
from .units import ArchivalUnit, IdentifierScheme, UnitLevel

# isort: split
# The full-text index row (unmanaged; written by database triggers), registered with
# the app so that document querysets can join it.
from catalogue.search.models import DocumentSearchEntry

__all__ = [
    "DocumentSearchEntry",
    "Agent",
    "AgentIdentifier",
    "AgentKind",
    "AgentName",
    "AgentRole",
    "ArchivalUnit",
    "AuthorityReview",
    "Caveat",
    "ChangeChannel",
    "CaveatKind",
    "Citation",
    "CitationKind",
    "ClassificationLevel",
    "Collection",
    "DateCertainty",
    "DatePrecision",
    "DigitalObject",
    "Document",
    "DocumentAgent",
    "DocumentRelation",
    "DocumentType",
    "EventAgent",
    "EventType",
    "FixityCheck",
    "Footnote",
    "FootnoteKind",
    "IdentifierScheme",
    "IdentifierSource",
    "LoginFailure",
    "ImportRun",
    "ImportedFile",
    "MergeRecord",
    "NameType",
    "Position",
    "ProvenanceEvent",
    "Publication",
    "PublicationStatus",
    "RelationType",
    "recording_channel",
    "Repository",
    "Subject",
    "UnitLevel",
]
