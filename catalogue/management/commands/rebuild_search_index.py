"""Rebuild the full-text index from the documents and agents tables.

The index is kept in sync by database triggers; this command is for repair (after a
restore, a raw SQL load, or a change to what is indexed) and for checking drift. Both
tables are rebuilt: the agents' names (one row per agent, searched for the agent keys a
query adds) and the documents. The facet engine's narrow table (``search/facets.py``)
is rebuilt with them: it is derived from the same rows, drifts the same ways, and a
search counts from it.

``--optimize`` only compacts the index (SQLite: FTS5 merges its segments into one) and
re-indexes nothing: FTS5 adds a segment at every write and merges them a little at
each later one, so after days of imports each import batch pays for merges that a
compaction done at a quiet hour would have done once (see ``SearchBackend.optimize``).
A full rebuild ends with the same compaction.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalogue.models import Agent, Document
from catalogue.search import facets, get_backend, schema

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the full-text search index (SQLite FTS5 or PostgreSQL tsvector)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report how many documents would be indexed and the current drift; write nothing.",
        )
        parser.add_argument(
            "--optimize",
            action="store_true",
            help="Only compact the index (SQLite FTS5: merge its segments into one); "
            "nothing is re-indexed. It holds the write lock while it runs (4 s at "
            "100,000 documents): schedule it for a quiet hour.",
        )

    def handle(self, *args, dry_run=False, optimize=False, **options):
        backend = get_backend()
        if not schema.is_installed(connection):
            raise CommandError(
                f"No search index table on this {connection.vendor} database: run `migrate` first."
            )
        if optimize:
            self._optimize(backend, dry_run=dry_run)
            return
        total = Document.objects.count()
        indexed = backend.indexed_count()
        facet_rows = self._facet_rows()
        if dry_run:
            facet_note = "" if facet_rows is None else f", facet table {facet_rows} rows"
            self.stdout.write(
                f"Dry run: would index {total} documents with {backend.name} "
                f"(index now holds {indexed} rows{facet_note})."
            )
            return
        ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            schema.install(connection)
            backend.clear()
            agent_ids = list(Agent.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(agent_ids), BATCH):
                backend.index_agents(agent_ids[start : start + BATCH])
            batches = range(0, len(ids), BATCH)
            if self.stdout.isatty():
                from tqdm import tqdm

                batches = tqdm(batches, unit="batch", desc="Indexing")
            for start in batches:
                backend.index_documents(ids[start : start + BATCH])
            backend.optimize()
            count = backend.indexed_count()
            facet_rows = facets.rebuild(connection) if facets.install(connection) else None
        facet_note = "" if facet_rows is None else f"; {facet_rows} facet rows"
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} of {total} documents and the names of {len(agent_ids)} "
                f"agents with {backend.name}{facet_note}."
            )
        )

    def _optimize(self, backend, *, dry_run: bool):
        if not backend.compacts:
            self.stdout.write(f"Nothing to compact: {backend.name} keeps no segments.")
            return
        if dry_run:
            self.stdout.write(
                f"Dry run: would compact the {backend.name} index "
                f"({backend.indexed_count()} documents); nothing is re-indexed."
            )
            return
        started = time.perf_counter()
        with transaction.atomic():
            backend.optimize()
        self.stdout.write(
            self.style.SUCCESS(
                f"Compacted the {backend.name} index of {backend.indexed_count()} documents "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    def _facet_rows(self) -> int | None:
        if not facets.is_installed(connection):
            return None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {facets.FACETS_TABLE}")
            return cursor.fetchone()[0]
