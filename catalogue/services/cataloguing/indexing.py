"""Keep the search index right during an import without paying for it per row.

The search index is kept in sync by per-row triggers (``catalogue.search.schema``):
right for single edits, but an imported document inserts a dozen footnote and role
rows, and each would re-tokenise the whole document. On SQLite the batch therefore
drops the triggers inside its own write transaction (no other connection can write,
or see the change, meanwhile: SQLite DDL is transactional), indexes each written
document once through ``get_backend().index_documents``, and re-creates the triggers
before committing. If the batch fails, the rollback restores the triggers with
everything else. PostgreSQL keeps its triggers (dropping them would lock the tables).
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models import Q

from catalogue.models import Document
from catalogue.search import get_backend


class OnceIndexer:
    """Collects nothing; suspends triggers on first write and indexes on request."""

    def __init__(self):
        self.suspended = False

    def suspend(self):
        """Call before the first write of the transaction (not at all if none)."""
        from catalogue.search import schema

        if (
            not self.suspended
            and connection.vendor == "sqlite"
            and connection.in_atomic_block
            and schema.is_installed(connection)
        ):
            schema.drop_triggers(connection)
            self.suspended = True

    def index(self, document_ids, *, agent_ids=()):
        """Index these documents, and those naming agents that gained a name (the
        index includes every recorded name of a document's agents)."""
        ids = set(document_ids)
        if agent_ids:
            ids |= set(
                Document.objects.filter(
                    Q(agent_roles__agent_id__in=agent_ids)
                    | Q(sender_id__in=agent_ids)
                    | Q(recipient_id__in=agent_ids)
                ).values_list("id", flat=True)
            )
        if ids:
            get_backend().index_documents(sorted(ids))


@contextmanager
def index_once():
    """Within a transaction: yield an ``OnceIndexer``; on leaving the block normally,
    re-create any triggers it suspended (on an exception the rollback does)."""
    from catalogue.search import schema

    indexer = OnceIndexer()
    yield indexer
    if indexer.suspended:
        schema.install(connection)
