"""A realistic synthetic catalogue, deterministic for a seed: the benchmark corpus.

``generate_corpus`` plans documents with the proportions of the real collection
(types, lengths, footnotes, agents and their variant names, repositories and unit
hierarchies, classifications and caveats, dates and provenance chains) and writes
them to the database in batches, to Avalon-format text files, or both.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import load, pipeline, staging
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

# Staged loads (SQLite, planning worker): the deferred indexes not built yet are built
# once this share of the documents is in, before the last batches rather than after them;
# the rows after are indexed as they go in.
EARLY_INDEXES = 0.8
# From this share on, they are built one at a time while the worker's next batch has not
# arrived: this process would otherwise wait for it (docs/performance.md, session 8).
IDLE_INDEXES = 0.5


class CorpusError(Exception):
    """Bad arguments or a corpus that would collide with what the database holds."""


@dataclass
class CorpusResult:
    documents: int = 0
    files_written: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    index_seconds: float = 0.0
    # Rows, index and commit: what a caller waits for.
    total_seconds: float = 0.0
    total_cpu_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def plan_corpus(documents: int, seed: int, publish_ratio: float = 0.9):
    """Yield the planned documents of a corpus, in order (no database needed)."""
    rng = random.Random(seed)
    auth = build_authorities(rng, documents)
    return auth, _planned(rng, auth, seed, publish_ratio, documents)


def _planned(rng, auth, seed: int, publish_ratio: float, documents: int):
    # The planner (its sentence pools: ~0.3 s of draws) is built at the first document,
    # so in the planning worker when there is one, not in the inserting process. The
    # draws come in the same order either way: nothing else uses ``rng`` meanwhile.
    planner = DocumentPlanner(rng, auth, seed, publish_ratio)
    for i in range(documents):
        yield planner.plan(i)


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
    parallel: bool | None = None,
) -> CorpusResult:
    """Build the corpus for ``seed``. All database writes happen in one transaction, so
    a failure leaves nothing behind; the search index is brought in sync afterwards.

    ``parallel``: plan in a forked worker while this process inserts (default: from
    ``pipeline.MIN_PARALLEL_DOCUMENTS`` documents on); the rows are the same either way.
    On SQLite, unless called inside a transaction, the worker stages its batches in
    scratch files in the temp dir (``staging``). CPU figures include the worker's."""
    if documents < 1:
        raise CorpusError("--documents must be at least 1.")
    if not 0.0 <= publish_ratio <= 1.0:
        raise CorpusError("--publish-ratio must be between 0 and 1.")
    if text_dir is not None:
        text_dir = Path(text_dir)
        if text_dir.exists() and not text_dir.is_dir():
            raise CorpusError(f"--text-dir {text_dir} exists and is not a directory.")
    result = CorpusResult(dry_run=dry_run)
    started, cpu_started = time.perf_counter(), _cpu_time()
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
        result.cpu_seconds = _cpu_time() - cpu_started
        return result

    from catalogue.models import Document

    from .writer import CorpusWriter, Lookups, ensure_authorities, ensure_vocabulary

    if text_dir is not None:
        text_dir.mkdir(parents=True, exist_ok=True)
    fresh = not Document.objects.exists()
    if parallel is None:
        parallel = documents >= pipeline.MIN_PARALLEL_DOCUMENTS
    worker = parallel and pipeline.can_fork()
    # Filled in by ensure_vocabulary / ensure_authorities inside the transaction; the
    # writer knows its tables and columns before, for the scratch files.
    lookups = Lookups()
    writer = CorpusWriter(lookups, text_paths=text_dir is not None)
    with (
        load.sqlite_load_settings(fresh=fresh),
        staging.scratch_databases(writer.staged_tables, staging.available(worker)) as scratch,
        staging.load_transaction(scratch),
    ):
        load.postgres_load_settings()
        prefix = f"corpus:{seed}:"
        if Document.objects.filter(identity_key__startswith=prefix).exists():
            raise CorpusError(
                f"The database already holds a corpus generated with seed {seed}; "
                "use another seed or start from an empty database."
            )
        ensure_vocabulary(lookups)
        # Authorities go in with the search triggers on: a few hundred rows, and the
        # triggers keep any index of agents right for a catalogue that had documents.
        result.rows.update(ensure_authorities(auth, lookups))
        writer.reserve_document_ids(documents)
        writer.reserve_event_ids()
        with load.derived_tables_suspended() as index_installed:
            with (
                load.postgres_foreign_keys_checked_once(LOADED_TABLES),
                load.deferred_indexes(
                    LOADED_TABLES, stored_before=_live_late_indexes(worker)
                ) as deferred,
                # Chosen here, after everything the load does before its rows.
                _producer(worker, scratch)(
                    stream, writer, batch_size=batch_size, text_dir=text_dir, total=documents
                ) as batches,
                pipeline.collector_paused(),
            ):
                for rows in batches:
                    writer.insert(rows)
                    result.files_written += rows.files_written
                    if progress:
                        progress(rows.documents)
                    if isinstance(rows, staging.StagedBatch):
                        _build_indexes_meanwhile(
                            deferred, batches, writer.counts["documents"] / documents
                        )
            result.rows.update(writer.counts)
            result.documents = writer.counts["documents"]
            result.seconds = time.perf_counter() - started
            result.cpu_seconds = _cpu_time() - cpu_started
            index_started = time.perf_counter()
            if index and index_installed:
                # Inside the transaction: the index commits (or not) with the rows.
                load.analyze(LOADED_TABLES)
                with load.deferred_indexes(_search_tables()):
                    sync_search_index(writer.written_ids, full=fresh)
        result.index_seconds = time.perf_counter() - index_started
    load.analyze()
    result.total_seconds = time.perf_counter() - started
    result.total_cpu_seconds = _cpu_time() - cpu_started
    return result


# The tables a corpus fills in bulk, children after their parents.
LOADED_TABLES = [
    "catalogue_document",
    "catalogue_footnote",
    "catalogue_documentagent",
    "catalogue_document_caveats",
    "catalogue_document_subjects",
    "catalogue_citation",
    "catalogue_documentrelation",
    "catalogue_provenanceevent",
    "catalogue_eventagent",
]


def _build_indexes_meanwhile(deferred, batches, share: float) -> None:
    """Staged loads: from ``IDLE_INDEXES`` of the documents on, re-create deferred
    indexes one at a time while the worker's next batch has not arrived (this process
    would otherwise wait for it), and the rest once ``EARLY_INDEXES`` are in."""
    if share >= EARLY_INDEXES:
        deferred.build()
        return
    if share >= IDLE_INDEXES:
        while not batches.ready() and deferred.build_one():
            pass


def _live_late_indexes(worker: bool) -> dict[str, str]:
    """Which documents' indexes stay live (``load.deferred_indexes``' ``stored_before``).

    All secondary indexes of the loaded tables are built after the load, except, on
    SQLite with a planning worker, the documents' indexes over columns stored after
    ``text``. With the worker this process is the critical path and has no wait to
    absorb anything. Replaying 20,000 documents' rows (pure sqlite3, CPU, 6 runs):
    all 19 live 0.73–1.15 s; all built after 0.74–0.87 s (rows 0.22–0.31 + build
    0.52–0.61: the 13 over late columns read every row's overflow pages); the 6 over
    leading columns (slug, date, time, message number) built after 0.61–1.02 s, median
    0.69 (build 0.15). Without a worker everything is built after (the planning in
    this process dominates, and the full build beats live upkeep). PostgreSQL's builds
    are cheap sorts: all deferred."""
    from django.db import connection

    if worker and connection.vendor == "sqlite":
        return {"catalogue_document": "text"}
    return {}


def _search_tables() -> list[str]:
    """PostgreSQL: the document index's GIN index is built once over the filled table
    (SQLite's FTS5 table has no secondary indexes)."""
    from django.db import connection

    from catalogue.search import schema

    return [schema.PG_TABLE] if connection.vendor == "postgresql" else []


def sync_search_index(ids: list[int], *, full: bool) -> None:
    """Bring the search index in line with rows written behind the ORM's back.

    SQLite rebuilds an empty catalogue's index in one INSERT … SELECT. PostgreSQL's
    index function takes the ids as an array parameter, and over a whole catalogue's
    ids its ``id = ANY(ids)`` scan grew quadratically (546 s at 100,000 documents against
    65 s at 20,000): there the new documents go in chunks, each one index probe per id.
    """
    from django.db import connection

    from catalogue.search import get_backend

    backend = get_backend()
    if full and connection.vendor != "postgresql":
        backend.rebuild()
        return
    chunk = 2000 if connection.vendor == "postgresql" else 500
    for start in range(0, len(ids), chunk):
        backend.index_documents(ids[start : start + chunk])
    # Chunk by chunk, FTS5 stops half-way through a merge that every later import
    # batch would pay to go on with: a bulk load's index ends compacted, as a rebuild.
    backend.optimize()


def _cpu_time() -> float:
    """This process's CPU time and that of its reaped children (the planning worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _producer(worker: bool, scratch: list[staging.ScratchFile]):
    if scratch and staging.unread(scratch):
        return partial(pipeline.batches_from_worker, scratch=scratch)
    return pipeline.batches_from_worker if worker else _batches_in_process


@contextmanager
def _batches_in_process(stream, writer, *, batch_size, text_dir, total):
    yield pipeline.build_batches(stream, writer, batch_size=batch_size, text_dir=text_dir)


def _count_rows(rows: dict[str, int], doc: PlannedDocument) -> None:
    rows["documents"] = rows.get("documents", 0) + 1
    rows["footnotes"] = rows.get("footnotes", 0) + len(doc.footnotes)
    rows["agent_roles"] = rows.get("agent_roles", 0) + len(doc.roles)
    rows["events"] = rows.get("events", 0) + len(doc.events)
