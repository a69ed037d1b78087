"""A realistic synthetic catalogue, deterministic for a seed: the benchmark corpus.

``generate_corpus`` plans documents with the proportions of the real collection
(types, lengths, footnotes, agents and their variant names, repositories and unit
hierarchies, classifications and caveats, dates and provenance chains) and writes
them to the database in batches, to Avalon-format text files, or both.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .authorities import build_authorities
from .plan import DocumentPlanner, PlannedDocument
from .text import file_name, render_text

__all__ = [
    "CorpusResult",
    "CorpusError",
    "generate_corpus",
    "plan_corpus",
    "render_text",
    "file_name",
]

BATCH_SIZE = 2000


class CorpusError(Exception):
    """Bad arguments or a corpus that would collide with what the database holds."""


@dataclass
class CorpusResult:
    documents: int = 0
    files_written: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    index_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def plan_corpus(documents: int, seed: int, publish_ratio: float = 0.9):
    """Yield the planned documents of a corpus, in order (no database needed)."""
    rng = random.Random(seed)
    auth = build_authorities(rng, documents)
    planner = DocumentPlanner(rng, auth, seed, publish_ratio)
    return auth, (planner.plan(i) for i in range(documents))


def generate_corpus(
    *,
    documents: int,
    seed: int,
    publish_ratio: float = 0.9,
    text_dir: Path | None = None,
    to_database: bool = True,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    index: bool = True,
) -> CorpusResult:
    """Build the corpus for ``seed``. All database writes happen in one transaction, so
    a failure leaves nothing behind; the search index is brought in sync afterwards."""
    if documents < 1:
        raise CorpusError("--documents must be at least 1.")
    if not 0.0 <= publish_ratio <= 1.0:
        raise CorpusError("--publish-ratio must be between 0 and 1.")
    if text_dir is not None:
        text_dir = Path(text_dir)
        if text_dir.exists() and not text_dir.is_dir():
            raise CorpusError(f"--text-dir {text_dir} exists and is not a directory.")
    result = CorpusResult(dry_run=dry_run)
    started, cpu_started = time.perf_counter(), time.process_time()
    auth, stream = plan_corpus(documents, seed, publish_ratio)

    if not to_database or dry_run:
        if text_dir is not None and not dry_run:
            text_dir.mkdir(parents=True, exist_ok=True)
        for doc in stream:
            if text_dir is not None and not dry_run:
                (text_dir / file_name(doc)).write_text(render_text(doc), encoding="utf-8")
                result.files_written += 1
            result.documents += 1
            _count_rows(result.rows, doc)
            if progress:
                progress(1)
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - cpu_started
        return result

    from catalogue.models import Document

    from .writer import CorpusWriter, Lookups, ensure_authorities, ensure_vocabulary

    if text_dir is not None:
        text_dir.mkdir(parents=True, exist_ok=True)
    with transaction.atomic(), _search_triggers_suspended() as index_installed, _big_cache():
        had_documents = Document.objects.exists()
        prefix = f"corpus:{seed}:"
        if Document.objects.filter(identity_key__startswith=prefix).exists():
            raise CorpusError(
                f"The database already holds a corpus generated with seed {seed}; "
                "use another seed or start from an empty database."
            )
        lookups = Lookups()
        ensure_vocabulary(lookups)
        result.rows.update(ensure_authorities(auth, lookups))
        writer = CorpusWriter(lookups, text_paths=text_dir is not None)
        batch: list[PlannedDocument] = []
        for doc in stream:
            batch.append(doc)
            if text_dir is not None:
                (text_dir / file_name(doc)).write_text(render_text(doc), encoding="utf-8")
                result.files_written += 1
            if len(batch) >= batch_size:
                writer.write(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            writer.write(batch)
            if progress:
                progress(len(batch))
        result.rows.update(writer.counts)
        result.documents = writer.counts["documents"]
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - cpu_started
        if index and index_installed:
            # Inside the transaction: the index commits (or not) with the rows.
            index_started = time.perf_counter()
            sync_search_index(list(writer.ids_by_index.values()), full=not had_documents)
            result.index_seconds = time.perf_counter() - index_started
    _refresh_statistics()
    return result


def _refresh_statistics() -> None:
    """PostgreSQL plans from table statistics that autovacuum refreshes only some time
    after a bulk load; measure against the plans production would settle on, not
    against whenever autovacuum happened to run. (SQLite keeps none unless asked.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@contextmanager
def _big_cache():
    """A larger SQLite page cache for the load: the default 2 MB makes one long
    transaction spill index pages to the WAL over and over."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def _search_triggers_suspended():
    """Drop the search index's per-row triggers for the bulk load and put them back.

    The triggers re-index a whole document on every footnote and agent-role insert,
    i.e. eight or more times per generated document; one pass over the new rows
    afterwards does the same work once. DDL is transactional on SQLite and PostgreSQL,
    so a failed load rolls the triggers back in place too.
    """
    from django.db import connection

    from catalogue.search import schema

    installed = schema.is_installed(connection)
    if installed:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name, *_rest in schema.SQLITE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name}")
            elif connection.vendor == "postgresql":
                for name, _event, table, _action in schema.PG_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name} ON {table}")
    yield installed
    if installed:
        schema.install(connection)


def sync_search_index(ids: list[int], *, full: bool) -> None:
    """Bring the search index in line with rows written behind the ORM's back."""
    from catalogue.search import get_backend

    backend = get_backend()
    if full:
        backend.rebuild()
        return
    for start in range(0, len(ids), 500):
        backend.index_documents(ids[start : start + 500])


def _count_rows(rows: dict[str, int], doc: PlannedDocument) -> None:
    rows["documents"] = rows.get("documents", 0) + 1
    rows["footnotes"] = rows.get("footnotes", 0) + len(doc.footnotes)
    rows["agent_roles"] = rows.get("agent_roles", 0) + len(doc.roles)
    rows["events"] = rows.get("events", 0) + len(doc.events)
