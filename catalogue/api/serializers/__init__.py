"""Record shapes, one per kind, shared by the API and the NDJSON export."""

from .common import UnitPaths
from .documents import (
    SUMMARY_COLUMNS,
    DocumentSerializer,
    DocumentSummarySerializer,
    DocumentWriteSerializer,
)
from .holdings import AgentSerializer, ArchivalUnitSerializer, RepositorySerializer
from .provenance import ImportRunSerializer, ProvenanceEventSerializer
from .records import DocumentUrls, document_record, document_records
from .vocabulary import (
    CaveatSerializer,
    ClassificationSerializer,
    CollectionSerializer,
    DocumentTypeSerializer,
    PublicationSerializer,
    SubjectSerializer,
)

__all__ = [
    "SUMMARY_COLUMNS",
    "AgentSerializer",
    "ArchivalUnitSerializer",
    "CaveatSerializer",
    "ClassificationSerializer",
    "CollectionSerializer",
    "DocumentSerializer",
    "DocumentSummarySerializer",
    "DocumentTypeSerializer",
    "DocumentWriteSerializer",
    "ImportRunSerializer",
    "ProvenanceEventSerializer",
    "PublicationSerializer",
    "RepositorySerializer",
    "SubjectSerializer",
    "DocumentUrls",
    "UnitPaths",
    "document_record",
    "document_records",
]
