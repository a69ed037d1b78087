"""Plan synthetic documents: plain Python records, no database.

One seeded ``random.Random`` drives everything in a fixed order, so a seed always
yields the same corpus whether it is written to the database, to text files, or both.
The records carry both the parsed facts (for the database) and the pieces the text
renderer needs, so the two outputs describe the same documents.

Modules: ``records`` (the planned records), ``formats`` (how dates, times and
headings are written), ``body`` (body text and footnotes), ``provenance`` (the event
chain), ``planner`` (the document itself, drawing on the other two).
"""

from .formats import MONTHS, format_date, format_time, ordinal
from .planner import DocumentPlanner
from .records import PlannedDocument, PlannedEvent, PlannedFootnote

__all__ = [
    "MONTHS",
    "DocumentPlanner",
    "PlannedDocument",
    "PlannedEvent",
    "PlannedFootnote",
    "format_date",
    "format_time",
    "ordinal",
]
