"""Batches staged in scratch SQLite files: the planning worker writes each batch's rows
into a file of its own, and the inserting process copies them with one
``INSERT … SELECT`` per table.

With a planning worker the inserting process is the load's critical path, and most of
its time went into receiving rows: unpickling tuples, binding every value
(``sqlite3`` copies each string) and SQLite decoding them again, per row. Copying a
table from another SQLite file stays in SQLite's C code: a 20,000-document corpus's
rows cost the inserting process 0.8 s instead of 2.5 s (CPU, foreign keys checked
alike). The worker, which has spare time, does the binding into its scratch file.

SQLite refuses ``ATTACH`` inside a transaction, and the load is one transaction. So
``scratch_databases`` creates and attaches every file before it begins: that caps a
load at ``SQLITE_LIMIT_ATTACHED`` (10) staged batches, so their sizes scale with the
corpus. An attached file is locked only from the transaction's first read of it, so
the worker can still write file *k* until it says batch *k* is ready; the inserting
process holds the file's read lock from then to the commit and never looks at it
before. The files are temporary and removed after the load, whatever its end.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

SCHEMA_PREFIX = "corpus_scratch_"

# Ramp up and taper off, as the worker's pickled batches do: the inserting process
# waits for the first batch and the worker idles while the last is copied.
WEIGHTS_EDGE = (1, 2, 4)
WEIGHT_MIDDLE = 8
# Which side binds a batch's child rows follows which side is the slower one
# (``CorpusWriter.sent_pickled``; 100k documents, docs/performance.md, session 12). In a
# load's first part the worker's planning sets the pace and the inserting process waits:
# every child table travels pickled, bound by the inserting process. Then only events
# and citations do (``writer.rows.SENT_WHEN_STAGED``). As the catalogue grows (and the
# deferred indexes built in the waits are kept up) the inserting process slows and the
# worker waits for it: the last part stages every table. The documents, whose texts
# cost most to bind, are always staged.
SEND_ALL_BUT_DOCUMENTS_UNTIL = 0.3
STAGE_ALL_FROM_SHARE = 0.55


@dataclass
class ScratchFile:
    path: Path
    schema: str


@dataclass
class StagedBatch:
    """What the worker says about a batch it wrote into ``scratch``: the rows stay on
    disk, the message carries counts, the documents' ids and the rows of any table
    not staged (``tables``)."""

    scratch: ScratchFile
    documents: int
    counts: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[tuple]] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    files_written: int = 0


def available(parallel_worker: bool) -> int:
    """How many scratch files this load may attach; 0 when staging does not apply
    (another database, no worker, or a transaction already open, in which SQLite
    cannot attach: tests, or a caller's ``atomic()``)."""
    if not parallel_worker or connection.vendor != "sqlite" or connection.in_atomic_block:
        return 0
    connection.ensure_connection()
    raw = connection.connection
    listed = raw.execute("PRAGMA database_list").fetchall()
    attached = sum(row[1] not in ("main", "temp") for row in listed)
    free = raw.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) - attached
    return free if free >= 2 else 0


def batch_sizes(total: int, files: int) -> list[int]:
    """At most ``files`` batch sizes adding up to ``total``, small at both ends."""
    files = max(1, min(files, total))
    if files <= 2 * len(WEIGHTS_EDGE):
        weights = [1] * files
    else:
        middle = files - 2 * len(WEIGHTS_EDGE)
        weights = [*WEIGHTS_EDGE, *[WEIGHT_MIDDLE] * middle, *reversed(WEIGHTS_EDGE)]
    scale = total / sum(weights)
    sizes, done, ideal = [], 0, 0.0
    for weight in weights:
        ideal += weight * scale
        size = max(1, round(ideal) - done)
        sizes.append(size)
        done += size
    sizes[-1] += total - done
    return [s for s in sizes if s > 0]


@contextmanager
def scratch_databases(
    tables: list[tuple[str, list[str]]], count: int
) -> Iterator[list[ScratchFile]]:
    """Create ``count`` scratch files, each with an empty table per ``(table,
    columns)`` and attach them to Django's connection; call outside the load's
    transaction. Detached and deleted on the way out, on success, error or Ctrl-C.

    The scratch tables have no types, keys or constraints: the worker's inserts store
    values as bound, and the copy into the catalogue applies the catalogue's column
    types and checks, as a direct insert would."""
    if count < 1:
        yield []
        return
    raw = _raw()
    definitions = [
        f"CREATE TABLE {_quote(table)} ({', '.join(_quote(c) for c in columns)})"
        for table, columns in tables
    ]
    directory = Path(tempfile.mkdtemp(prefix="corpus-scratch-"))
    files: list[ScratchFile] = []
    try:
        for k in range(count):
            scratch = ScratchFile(directory / f"batch-{k}.sqlite3", f"{SCHEMA_PREFIX}{k}")
            with _open(scratch.path) as db:
                for definition in definitions:
                    db.execute(definition)
            raw.execute("ATTACH DATABASE ? AS " + _quote(scratch.schema), [str(scratch.path)])
            files.append(scratch)
        yield files
    finally:
        for scratch in files:
            with suppress(sqlite3.Error):
                raw.execute("DETACH DATABASE " + _quote(scratch.schema))
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def load_transaction(files: list[ScratchFile]):
    """``transaction.atomic()`` for the load. With scratch files attached it begins
    DEFERRED, not as the settings say (IMMEDIATE): ``BEGIN IMMEDIATE`` opens a write
    transaction on every attached file at once, holding the worker off them and
    freezing this connection's view of them while still empty. The catalogue's write
    lock is taken straight after with a write that changes nothing, so the load still
    holds it from the start."""
    if not files:
        with transaction.atomic():
            yield
        return
    saved = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            _raw().execute("DELETE FROM main.sqlite_sequence WHERE 0")
            yield
    finally:
        connection.transaction_mode = saved


class StagingError(RuntimeError):
    """A staged batch did not arrive whole in the catalogue; the load rolls back."""


def unread(files: list[ScratchFile]) -> bool:
    """Whether this process still holds no lock on any scratch file: call just before
    forking the worker. A statement that consults every attached database (e.g. a
    ``DROP TRIGGER IF EXISTS`` of a trigger the catalogue lacks) takes a read lock on
    each until the commit and freezes this connection's view of them while empty; the
    load then goes the pickled way. SQLite tracks a process's locks per file, so a
    second connection here sees them at once."""
    for scratch in files:
        probe = sqlite3.connect(scratch.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN EXCLUSIVE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    return True


@contextmanager
def _open(path: Path):
    """A throwaway connection to a scratch file: no journal, no fsync. (Its locks stay
    on: were the inserting process to read a file early, the worker would wait or fail
    rather than write under its reader.)"""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        yield db
    finally:
        db.close()


@contextmanager
def staging_into(scratch: ScratchFile):
    """The worker's side: one transaction on the scratch file for a whole batch."""
    with _open(scratch.path) as db:
        db.execute("BEGIN")
        yield db
        db.execute("COMMIT")


def copy_into_catalogue(
    staged: StagedBatch, tables: dict[str, tuple[str, list[str], list[str]]]
) -> None:
    """The inserting process's side: each table's rows in one statement (``tables``:
    key: table, its columns, what to select for them), in the order
    the worker wrote them (rowid order), so rows the catalogue numbers get the ids a
    direct insert would have given them. Foreign keys are checked as for any insert
    (the catalogue's tables carry them), and the deferred indexes stay deferred. Each
    table's count must be the worker's, or the load stops."""
    raw = _raw()
    schema = _quote(staged.scratch.schema)
    for key, (table, columns, selected) in tables.items():
        names = ", ".join(_quote(c) for c in columns)
        copied = raw.execute(
            f"INSERT INTO main.{_quote(table)} ({names}) "
            f"SELECT {', '.join(selected)} FROM {schema}.{_quote(table)} ORDER BY rowid"
        ).rowcount
        if copied != staged.counts.get(key, 0):
            raise StagingError(
                f"{staged.scratch.path.name}: {copied} rows of {table} copied, the worker "
                f"wrote {staged.counts.get(key, 0)}."
            )


def _raw():
    connection.ensure_connection()
    return connection.connection


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
