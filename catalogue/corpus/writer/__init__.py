"""Write a planned corpus into the database in batches, with no per-row queries.

Authority rows (repositories, units, agents) are few and go through ``bulk_create``
(their ``save()``-derived fields, slugs, normalised names and tree paths, are set
here the same way). Documents and their many child rows (footnotes, roles, events,
event agents, citations, relations, M2M links) are built as tuples against ids
reserved up front and appended per table per batch by ``RowSink``: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL. A model instance per row, and ``bulk_create``'s
statement compilation and RETURNING, cost more than the inserts themselves.

Modules: ``authorities`` (vocabularies, repositories, agents, units through the ORM),
``sink`` (id reservation and the per-database bulk append), ``rows`` (the tables'
columns and ``BatchRows``, the rows of one batch), ``documents`` (documents and their
child rows as tuples).
"""

from .authorities import Lookups, ensure_authorities, ensure_vocabulary
from .documents import PUBLISHED_AT, CorpusWriter
from .rows import DOCUMENT_COLUMNS, BatchRows
from .sink import RowSink, reserve_ids

__all__ = [
    "BatchRows",
    "DOCUMENT_COLUMNS",
    "PUBLISHED_AT",
    "CorpusWriter",
    "Lookups",
    "RowSink",
    "ensure_authorities",
    "ensure_vocabulary",
    "reserve_ids",
]
