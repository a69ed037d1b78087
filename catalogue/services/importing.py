"""One import run: read files, parse them, catalogue them, and record what happened.

Shared by ``manage.py import_documents`` and the admin upload so both give the same
guarantees:

* every run is an ``ImportRun`` with one ``ImportedFile`` per file (path as given,
  checksum, encoding, outcome, error and line), the catalogue's own provenance;
* a file that fails leaves nothing behind and the others still import. Parsed files
  are stored in batches, each batch one transaction, for speed; when a batch fails,
  it is rolled back and its files are stored again one transaction each, so only the
  file at fault is lost;
* errors are one line naming the file and the problem, never a traceback.

Which files to read and the per-file and per-run results (``Source``, ``discover``,
``FileResult``, ``ImportSummary``) are in ``services.import_files``, re-exported here.
"""

from __future__ import annotations

import gc
import getpass
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalogue.importers.parallel import (
    ParallelParser,
    ParseOutcome,
    default_workers,
    parse_file,
)
from catalogue.models import Document, ImportedFile, ImportRun

from .cataloguing import UNCHANGED, CatalogueContext, catalogue_documents
from .cataloguing.rows import insert_rows
from .checkpoints import BackgroundCheckpointer
from .import_files import FAILED, PARSED, FileResult, ImportSummary, Source
from .import_files import discover as discover

DEFAULT_BATCH_SIZE = 500
# The first batch is smaller: storing starts as soon as it is parsed, and the workers
# parse the next batch meanwhile (1,000 texts at 100,000 documents: storing began at
# ~0.3 s with a first batch of 500, at ~0.1 s with 200; docs/performance.md, session 7).
FIRST_BATCH_SIZE = 200
FILE_COLUMNS = ("run_id", "path", "checksum", "encoding", "outcome", "error", "line", "document_id")


def parse_source(source: Source, *, max_bytes: int, collection: str | None = None):
    """(ParsedDocument | None, FileResult): parsing never raises."""
    return _result(
        source.path, parse_file(source.job(), max_bytes=max_bytes, collection=collection)
    )


def _result(path: str, outcome: ParseOutcome):
    """The (parsed, FileResult) pair of a file, wherever it was parsed."""
    result = FileResult(path=path, outcome=PARSED, checksum=outcome.checksum)
    if outcome.parsed is None:
        result.outcome, result.error, result.line = FAILED, outcome.error, outcome.line
        return None, result
    result.encoding, result.parsed = outcome.encoding, outcome.parsed
    return outcome.parsed, result


# Fewer files than this are parsed in the main process unless workers are asked for:
# spawned workers (a threaded server's upload) take ~0.2 s each to start, more than
# they would save; forked ones (the command) would gain little on so few files.
MIN_FILES_FOR_WORKERS = 200


@contextmanager
def _parsing(
    sources,
    *,
    max_bytes: int,
    collection: str | None,
    workers: int | None,
    ahead: int = 0,
    fork: bool = False,
):
    """An iterator of (parsed, FileResult) in the order of ``sources``: parsed here, or
    by ``workers`` worker processes (None: one per core but one, for imports of at least
    ``MIN_FILES_FOR_WORKERS`` files), forked where safe if ``fork``."""
    if workers is None:
        sources = list(sources)
        workers = default_workers() if len(sources) >= MIN_FILES_FOR_WORKERS else 0
    if workers <= 0:
        yield (parse_source(s, max_bytes=max_bytes, collection=collection) for s in sources)
        return
    with ParallelParser(
        workers, max_bytes=max_bytes, collection=collection, ahead=ahead, fork=fork
    ) as pool:
        sources = list(sources)
        outcomes = pool.parse(source.job() for source in sources)
        yield (_result(s.path, o) for s, o in zip(sources, outcomes, strict=True))


def preview_outcomes(results: list[FileResult]):
    """Say, without writing, what storing each parsed file would do (one query)."""
    keys = {r.parsed.identity_key for r in results if r.parsed and r.parsed.identity_key}
    known = dict(
        # exclude(""): the partial unique index on identity_key serves only that case.
        Document.objects.exclude(identity_key="")
        .filter(identity_key__in=keys)
        .values_list("identity_key", "source_checksum")
    )
    for result in results:
        if result.parsed is None:
            continue
        checksum = known.get(result.parsed.identity_key)
        if checksum is None:
            result.would_be = "created"
        else:
            result.would_be = UNCHANGED if checksum == result.parsed.checksum else "updated"


def _parser_version() -> str:
    from catalogue.importers.avalon import PARSER_VERSION

    return PARSER_VERSION


_gc_lock = threading.Lock()
_gc_runs = 0  # imports running in this process (the admin may run two at once)
_gc_saved: tuple[int, ...] = ()


@contextmanager
def _fewer_gc_passes():
    """Parsing and storing allocate millions of short-lived, acyclic objects; the
    default threshold (a young-generation pass every 700 allocations) then spends
    ~5–10% of an import tracing them. A higher threshold while any import runs, and
    the process's own setting back when the last one ends."""
    global _gc_runs, _gc_saved
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], 20_000), *_gc_saved[1:])
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0:
                gc.set_threshold(*_gc_saved)


# KiB of SQLite page cache while importing (SQLite's default is 2,000 KiB).
IMPORT_SQLITE_CACHE_KIB = 65536
# Pages of write-ahead log after which a commit checkpoints while importing (SQLite's
# default is 1,000 pages; this is ~100 MB).
IMPORT_SQLITE_WAL_PAGES = 25000


@contextmanager
def _import_sqlite_pragmas():
    """Connection settings for the import's duration, then the connection's own back.

    A larger page cache: an import into a large catalogue walks the same index pages
    (identity keys, units, citations, the search index) batch after batch; with SQLite's
    default 2 MB cache each walk re-reads them from the OS (system time); 64 MB measured
    ~12% less CPU at 100,000 documents.

    No checkpoint inside a commit: with SQLite's default every batch's commit copied the
    ~35 MB of pages it had written to the WAL back into the database file and synced
    both, while the import waited. With a ~100 MB threshold no batch's commit does;
    ``services.checkpoints`` copies each batch in a thread while the next is stored, and
    what is left (the last pass, if it failed) is copied at the run's last commit, once
    the setting is back (docs/performance.md, sessions 4 and 11)."""
    if connection.vendor != "sqlite":
        yield
        return
    wanted = {
        "cache_size": -int(IMPORT_SQLITE_CACHE_KIB),
        "wal_autocheckpoint": int(IMPORT_SQLITE_WAL_PAGES),
    }
    saved = {}
    with connection.cursor() as cursor:
        for pragma, value in wanted.items():
            cursor.execute(f"PRAGMA {pragma}")
            saved[pragma] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {pragma} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma, value in saved.items():
                cursor.execute(f"PRAGMA {pragma} = {int(value)}")


def default_username() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""


def run_import(
    sources: Iterable[Source],
    *,
    channel: str = ImportRun.Channel.COMMAND,
    user=None,
    username: str = "",
    publish: bool = False,
    collection: str | None = None,
    max_bytes: int | None = None,
    fail_fast: bool = False,
    dry_run: bool = False,
    options: dict | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_result: Callable[[FileResult], None] | None = None,
    keep_parsed: bool = False,
    workers: int | None = None,
    fork_workers: bool = False,
) -> ImportSummary:
    """Import ``sources``; ``on_result`` is called once per file, in order, as each is
    settled (for progress bars and ``--json``). ``workers``: processes that parse
    while this one stores (0: parse here; None: one per core but one for large imports);
    storing, its order and its transactions are the same either way. ``fork_workers``:
    the caller is a process doing nothing else (the command), so workers may be forked
    (ready in milliseconds) rather than spawned (see ``importers.parallel``)."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    summary = ImportSummary(run=None, dry_run=dry_run)

    def settle(result: FileResult):
        if on_result:
            on_result(result)
        if not keep_parsed:
            result.parsed = None
        summary.files.append(result)

    parsing = _parsing(
        sources,
        max_bytes=max_bytes,
        collection=collection,
        workers=workers,
        ahead=batch_size,
        fork=fork_workers,
    )
    if dry_run:
        with parsing as parsed_files:
            for _parsed, result in parsed_files:
                settle(result)
                if fail_fast and result.failed:
                    break
        return summary

    run = ImportRun.objects.create(
        channel=channel,
        user=user,
        username=username or (user.get_username() if user else default_username()),
        parser_version=_parser_version(),
        options=options or {},
        status=ImportRun.Status.RUNNING,
    )
    summary.run = run
    try:
        with (
            _fewer_gc_passes(),
            _import_sqlite_pragmas(),
            BackgroundCheckpointer.for_connection() as checkpointer,
            parsing as parsed_files,
        ):
            importer = _Importer(
                run,
                summary,
                settle,
                publish=publish,
                fail_fast=fail_fast,
                committed=checkpointer.committed,
            )
            for parsed, result in parsed_files:
                if importer.add(parsed, result, batch_size=batch_size):
                    break
            else:
                importer.flush()
    except BaseException:
        # Interrupted (or a bug): what was committed stays, and the run says it failed.
        _finish(run, summary, status=ImportRun.Status.FAILED)
        raise
    _finish(run, summary)
    return summary


class _Importer:
    """Batches parsed files and stores them; ``add``/``flush`` return True to stop."""

    def __init__(self, run, summary, settle, *, publish, fail_fast, committed):
        self.run, self.summary, self.settle = run, summary, settle
        self.publish, self.fail_fast = publish, fail_fast
        self.committed = committed  # called after each batch's commit
        self.context = CatalogueContext(import_run=run)
        self.batch: list[FileResult] = []
        self.stored_once = False

    def add(self, parsed, result: FileResult, *, batch_size: int) -> bool:
        if parsed is None:
            if self.flush():
                return True
            ImportedFile.objects.create(**_file_row(result, self.run))
            self.settle(result)
            return self.fail_fast
        self.batch.append(result)
        if not self.stored_once:
            batch_size = min(batch_size, FIRST_BATCH_SIZE)
        return len(self.batch) >= batch_size and self.flush()

    def flush(self) -> bool:
        if not self.batch:
            return False
        batch, self.batch = self.batch, []
        self.stored_once = True
        return _store(
            batch,
            self.run,
            self.context,
            self.publish,
            self.fail_fast,
            self.settle,
            self.committed,
        )


def _file_row(result: FileResult, run: ImportRun) -> dict:
    return {
        "run": run,
        "path": result.path[:500],
        "checksum": result.checksum,
        "encoding": result.encoding[:20],
        "outcome": result.outcome,
        "error": result.error,
        "line": result.line,
        "document_id": result.document_id,
    }


def _store(batch, run, context, publish, fail_fast, settle, committed) -> bool:
    """Store a batch in one transaction, or file by file if that fails; True to stop."""
    try:
        with transaction.atomic():
            transaction.on_commit(committed, robust=True)
            stored = catalogue_documents(
                [r.parsed for r in batch], import_run=run, publish=publish, context=context
            )
            for result, (document, outcome) in zip(batch, stored, strict=True):
                result.outcome, result.document_id = outcome, document.pk
            insert_rows(
                ImportedFile,
                FILE_COLUMNS,
                [
                    (
                        run.pk,
                        r.path[:500],
                        r.checksum,
                        r.encoding[:20],
                        r.outcome,
                        r.error,
                        r.line,
                        r.document_id,
                    )
                    for r in batch
                ],
            )
    except Exception:
        context.reset()
        return _store_one_by_one(batch, run, context, publish, fail_fast, settle, committed)
    for result in batch:
        settle(result)
    return False


def _store_one_by_one(batch, run, context, publish, fail_fast, settle, committed) -> bool:
    for result in batch:
        try:
            with transaction.atomic():
                transaction.on_commit(committed, robust=True)
                ((document, outcome),) = catalogue_documents(
                    [result.parsed], import_run=run, publish=publish, context=context
                )
                result.outcome, result.document_id = outcome, document.pk
                ImportedFile.objects.create(**_file_row(result, run))
        except Exception as exc:
            context.reset()  # rows it cached may have been rolled back
            result.outcome, result.document_id = FAILED, None
            result.error = " ".join(f"could not be stored: {type(exc).__name__}: {exc}".split())
            ImportedFile.objects.create(**_file_row(result, run))
            settle(result)
            if fail_fast:
                return True
            continue
        settle(result)
    return False


def _finish(run: ImportRun, summary: ImportSummary, status: str | None = None):
    run.files_read = len(summary.files)
    run.created_count = summary.count("created")
    run.updated_count = summary.count("updated")
    run.unchanged_count = summary.count(UNCHANGED)
    run.failed_count = summary.count(FAILED)
    if status:
        run.status = status
    elif not run.failed_count:
        run.status = ImportRun.Status.SUCCEEDED
    elif run.failed_count == run.files_read:
        run.status = ImportRun.Status.FAILED
    else:
        run.status = ImportRun.Status.PARTIAL
    run.finished_at = timezone.now()
    run.save()
