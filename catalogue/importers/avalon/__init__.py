"""Parser for the Avalon Project's plain-text transcriptions of FRUS documents.

Public API::

    from catalogue.importers.avalon import parse_document, ParseError, PARSER_VERSION

    doc = parse_document(data, filename="msc_cuba001.txt", max_bytes=2_000_000)

``parse_document`` turns the bytes of one text into a
:class:`catalogue.importers.records.ParsedDocument` and raises only
:class:`ParseError`.  The format it follows is described in
``shared/docs/source-format.md``; each module documents the part it reads:
``reader`` (bytes → text), ``heading`` (collection line, heading, parties),
``dateline``, ``body`` (message number, addressing, speakers, markers),
``footnotes``, ``source_note``, ``location`` (archival locations) and ``names``.
Nothing here imports Django's ORM.
"""

from catalogue.importers.avalon.document import PARSER_VERSION, parse_document
from catalogue.importers.avalon.errors import ParseError

__all__ = ["PARSER_VERSION", "ParseError", "parse_document"]
