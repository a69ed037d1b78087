"""Named, chainable reads. Views, serializers and formats call these; they do not
rebuild the same filters themselves. One module per part of the catalogue."""

from .agents import AgentNameQuerySet, AgentQuerySet
from .common import PUBLISHED, Unindexed
from .documents import (
    DigitalObjectQuerySet,
    DocumentAgentQuerySet,
    DocumentQuerySet,
    ProvenanceEventQuerySet,
    SubjectQuerySet,
)
from .holdings import ArchivalUnitQuerySet, BinaryCollation, PublicDocumentTally, RepositoryQuerySet
from .pages import load_public_page, public_page_prefetches, public_page_row, unit_ancestors

__all__ = [
    "PUBLISHED",
    "AgentNameQuerySet",
    "AgentQuerySet",
    "ArchivalUnitQuerySet",
    "BinaryCollation",
    "DigitalObjectQuerySet",
    "DocumentAgentQuerySet",
    "DocumentQuerySet",
    "ProvenanceEventQuerySet",
    "PublicDocumentTally",
    "RepositoryQuerySet",
    "SubjectQuerySet",
    "Unindexed",
    "load_public_page",
    "public_page_prefetches",
    "public_page_row",
    "unit_ancestors",
]
