"""The facts a synthetic corpus is built from, taken from FRUS 1961–1963 vol. XI.

Real people (with the labels and spellings the texts use), the offices and posts that
sent and received telegrams, the holding institutions and their arrangement, and the
proportions of document types, classifications and caveats seen in the volume. The
generator draws from these with a seeded RNG, so a synthetic catalogue has the shape
of the real one at any size.

Modules: ``collection`` (name, dates, document types, classifications, caveats,
subjects), ``persons`` (the real people), ``staff`` (the parts synthetic staff are made
from), ``institutions`` (publications, organisations and posts, repositories and their
arrangement), ``prose`` (what document texts are written from). Code reads them here,
as ``vocabulary.NAME``.
"""

from .collection import (
    CAVEATS,
    CLASSIFICATION_NAMES,
    CLASSIFICATION_RANKS,
    CLASSIFICATIONS,
    COLLECTION,
    COLLECTION_VARIANTS,
    CRISIS_END,
    CRISIS_START,
    DOCUMENT_TYPES,
    FOOTER,
    PEAK_END,
    PEAK_START,
    SUBJECTS,
)
from .institutions import ARRANGEMENTS, ORGANISATIONS, POSTS, PUBLICATIONS, REPOSITORIES
from .persons import FOREIGN_PERSONS, PERSONS
from .prose import (
    CUBAN_PLACES,
    HOURS,
    NOTE_FOOTNOTES,
    PRINTED_CITATIONS,
    RARE_TERMS,
    REMARKS,
    SENTENCES,
    TOPIC_PHRASES,
    WEEKDAYS,
)
from .staff import GIVEN, INITIALS, STAFF_OFFICES, SURNAMES

__all__ = [
    "ARRANGEMENTS",
    "CAVEATS",
    "CLASSIFICATIONS",
    "CLASSIFICATION_NAMES",
    "CLASSIFICATION_RANKS",
    "COLLECTION",
    "COLLECTION_VARIANTS",
    "CRISIS_END",
    "CRISIS_START",
    "CUBAN_PLACES",
    "DOCUMENT_TYPES",
    "FOOTER",
    "FOREIGN_PERSONS",
    "GIVEN",
    "HOURS",
    "INITIALS",
    "NOTE_FOOTNOTES",
    "ORGANISATIONS",
    "PEAK_END",
    "PEAK_START",
    "PERSONS",
    "POSTS",
    "PRINTED_CITATIONS",
    "PUBLICATIONS",
    "RARE_TERMS",
    "REMARKS",
    "REPOSITORIES",
    "SENTENCES",
    "STAFF_OFFICES",
    "SUBJECTS",
    "SURNAMES",
    "TOPIC_PHRASES",
    "WEEKDAYS",
]
