"""Planning and inserting on two cores: a forked worker plans documents and builds their
rows while this process appends the previous batch to the database.

Planning (the seeded draws, rendering the text, hashing it, building tuples) and the
database's inserts each take about half of a load; in one process they add up. The
worker is forked after the authorities are written and every document id is reserved,
so it needs nothing from the database: it never touches the inherited connection and
leaves with ``os._exit`` (multiprocessing's fork start), so the connection is not
closed under the parent. Batches arrive in plan order over one pipe, so the corpus is
the same whatever the timing. The pipe holds one message: the worker builds batch k+1
while batch k is inserted, and waits there, which bounds memory to about two batches.

On SQLite outside a caller's transaction the worker instead writes each batch into a
scratch file (``staging``) and sends a note; some child tables still travel pickled,
a staged batch's worth at a time, depending on which side is the slower one there
(``CorpusWriter.sent_pickled``).
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from . import staging
from .plan import PlannedDocument
from .staging import ScratchFile, StagedBatch
from .text import file_name, render_text

if TYPE_CHECKING:  # the writer needs Django's models; planning alone does not
    from .writer import BatchRows, CorpusWriter

# Below this many documents a worker's start-up costs more than the overlap saves.
MIN_PARALLEL_DOCUMENTS = 4000

# The worker's first batch: the inserting process waits for it with nothing to do.
FIRST_BATCH = 250


class WorkerError(RuntimeError):
    """The planning worker failed; its traceback is in the message."""


def build_batches(
    stream: Iterable[PlannedDocument],
    writer: CorpusWriter,
    *,
    batch_size: int,
    text_dir: Path | None,
    first_batch: int | None = None,
    total: int | None = None,
) -> Iterator[BatchRows]:
    """The planned documents as row batches, writing their text files on the way.

    ``first_batch`` (and ``total``, the stream's length): begin with batches this small,
    doubling up to ``batch_size``, and taper to it again before the end. With a worker
    the inserting process idles until the first batch arrives and the worker idles
    while the last is inserted; small batches there shorten both waits."""
    sizes = _batch_sizes(batch_size, first_batch, total)
    size = next(sizes)
    batch: list[PlannedDocument] = []
    files = 0
    for doc in stream:
        batch.append(doc)
        if text_dir is not None:
            (text_dir / file_name(doc)).write_text(render_text(doc), encoding="utf-8")
            files += 1
        if len(batch) >= size:
            yield writer.build(batch, files)
            batch, files = [], 0
            size = next(sizes)
    if batch:
        yield writer.build(batch, files)


def _batch_sizes(batch_size: int, first: int | None, total: int | None) -> Iterator[int]:
    if not first or first >= batch_size:
        while True:
            yield batch_size
    size, done = first, 0
    while True:
        if total is not None:
            remaining = total - done
            size = min(size, max(first, remaining - remaining // 2))
        yield size
        done += size
        size = min(size * 2, batch_size)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def batches_from_worker(
    stream: Iterable[PlannedDocument],
    writer: CorpusWriter,
    *,
    batch_size: int,
    text_dir: Path | None,
    total: int | None = None,
    scratch: list[ScratchFile] | None = None,
):
    """Yield an iterator of the batches ``build_batches`` would give, built in a forked
    worker. On any exception here the worker is stopped and reaped.

    ``scratch`` (SQLite, attached by ``staging.scratch_databases``): the worker writes
    the rows into these files, one batch per file, and sends ``StagedBatch`` notes
    instead of the rows; ``total`` is then required."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(sender, stream, writer, batch_size, text_dir, total, scratch),
        name="corpus-planner",
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        yield WorkerBatches(receiver, worker)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


class WorkerBatches:
    """The worker's batches, in order; ``ready()`` says whether the next one (or the
    worker's end) has arrived, so the inserting process can fill a wait with other work."""

    def __init__(self, receiver, worker):
        self._receiver = receiver
        self._batches = _receive(receiver, worker)

    def __iter__(self):
        return self

    def __next__(self) -> BatchRows | StagedBatch:
        return next(self._batches)

    def ready(self) -> bool:
        try:
            return self._receiver.poll()
        except OSError:
            return True  # closed


def _receive(receiver, worker) -> Iterator[BatchRows]:
    while True:
        try:
            message = receiver.recv_bytes()
        except EOFError:
            worker.join()
            raise WorkerError(
                f"The corpus planning worker stopped early (exit code {worker.exitcode})."
            ) from None
        kind, payload = pickle.loads(message)
        if kind == "done":
            return
        if kind == "error":
            raise WorkerError(f"The corpus planning worker failed:\n{payload}")
        yield payload


def _work(sender, stream, writer, batch_size, text_dir, total, scratch) -> None:
    # Rows hold no reference cycles; the collector's passes over the inherited heap
    # cost CPU and copy the parent's pages (copy-on-write) for nothing.
    gc.disable()
    try:
        if scratch:
            batches = _staged_batches(stream, writer, batch_size, text_dir, total, scratch)
        else:
            batches = build_batches(
                stream,
                writer,
                batch_size=batch_size,
                text_dir=text_dir,
                first_batch=FIRST_BATCH,
                total=total,
            )
        for rows in batches:
            sender.send_bytes(pickle.dumps(("rows", rows), protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(pickle.dumps(("done", None)))
    except BrokenPipeError:
        pass  # the parent stopped reading: it is unwinding its own error
    except BaseException:
        with suppress(OSError):
            sender.send_bytes(pickle.dumps(("error", traceback.format_exc())))
    finally:
        sender.close()


def _staged_batches(stream, writer, batch_size, text_dir, total, scratch) -> Iterator[StagedBatch]:
    """Each scratch file receives one batch (sized by ``staging.batch_sizes``), built
    ``batch_size`` documents at a time so the worker's memory stays bounded."""
    stream = iter(stream)
    done = 0
    for file, size in zip(scratch, staging.batch_sizes(total, len(scratch)), strict=False):
        staged = StagedBatch(file, 0)
        sent = writer.sent_pickled(done / total)
        with staging.staging_into(file) as db:
            part = islice(stream, size)
            for rows in build_batches(part, writer, batch_size=batch_size, text_dir=text_dir):
                writer.stage(db, rows, staged, sent=sent)
        done += size
        yield staged


@contextmanager
def collector_paused():
    """No cyclic garbage collection while rows stream through: hundreds of thousands of
    short-lived tuples trigger collections that scan the whole heap and find nothing
    (their memory goes by reference counting)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
