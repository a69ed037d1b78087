"""Rebuild the full-text index from the documents and agents tables.

The index is kept in sync by database triggers; this command is for repair (after a
restore, a raw SQL load, or a change to what is indexed) and for checking drift. Both
tables are rebuilt: the agents' names (one row per agent, searched for the agent keys a
query adds) and the documents. The facet engine's narrow table (``search/facets.py``)
is rebuilt with them: it is derived from the same rows, drifts the same ways, and a
search counts from it.
"""

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

    def handle(self, *args, dry_run=False, **options):
        backend = get_backend()
        if not schema.is_installed(connection):
            raise CommandError(
                f"No search index table on this {connection.vendor} database: run `migrate` first."
            )
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
            count = backend.indexed_count()
            facet_rows = facets.rebuild(connection) if facets.install(connection) else None
        facet_note = "" if facet_rows is None else f"; {facet_rows} facet rows"
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} of {total} documents and the names of {len(agent_ids)} "
                f"agents with {backend.name}{facet_note}."
            )
        )

    def _facet_rows(self) -> int | None:
        if not facets.is_installed(connection):
            return None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {facets.FACETS_TABLE}")
            return cursor.fetchone()[0]
