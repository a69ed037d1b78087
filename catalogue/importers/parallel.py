"""Parse files in worker processes, handing results back in the order given.

Parsing is a third or more of an import's CPU and needs nothing but the bytes of one
file, while storing must stay in one process (one writing transaction, files applied
in order). On a machine with several cores the parsing of the next files can then run
while the main process stores the previous batch. Workers receive paths (or the bytes
of an upload), read and parse the file, and send back plain picklable values: a
``ParsedDocument`` or the error and line. ``parse_file`` is also what the main process
runs when there are no workers, so a file's outcome does not depend on where it was
parsed.

Workers are forked when the caller allows it (``fork=True``: the management command,
a process doing nothing else) and that is safe (Linux, and no other thread in the
process: a thread holding a lock at the fork would leave it held in the child for
ever), else spawned (the admin's upload: a web server's worker process also holds its
clients' sockets, which a forked child would keep open). A forked worker is ready in
milliseconds with the parser already imported; a spawned one starts an interpreter and
imports the parser (~0.2 s of CPU each), which is why small imports run without
workers. A forked child inherits the caller's open database connection: it never uses
it, and leaves with ``os._exit`` (``multiprocessing``'s way for forked children), so it
never closes it either (psycopg closes a connection only in the process that opened
it). It holds none of the parent's SQLite locks (POSIX locks belong to a process).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from catalogue.importers.avalon import ParseError, parse_document
from catalogue.importers.records import ParsedDocument

CHUNK_SIZE = 16  # files per task: amortises the pickling round trip
CHUNKS_AHEAD = 2  # per worker, beyond ``ahead`` files: keeps every worker busy
MAX_DEFAULT_WORKERS = 4
PARENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class ParseJob:
    """What a worker needs to parse one file: its path, or its bytes if given."""

    path: str
    fs_path: str | None = None
    data: bytes | None = None
    error: str = ""  # a problem found before reading (e.g. no such file)


@dataclass
class ParseOutcome:
    parsed: ParsedDocument | None
    error: str = ""
    line: int | None = None
    checksum: str = ""
    encoding: str = ""


def read_file(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # Refuse before reading: a huge file never reaches memory.
            raise ParseError(f"file too large: {size} bytes (limit {max_bytes})")
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}") from None


def parse_file(job: ParseJob, *, max_bytes: int, collection: str | None = None) -> ParseOutcome:
    """Read and parse one file; never raises (a parser bug becomes the file's error)."""
    if job.error:
        return ParseOutcome(None, job.error)
    data = b""
    try:
        data = (
            job.data
            if job.data is not None
            else read_file(Path(job.fs_path or job.path), max_bytes)
        )
        parsed = parse_document(
            data, filename=job.path, max_bytes=max_bytes, collection=collection or None
        )
    except ParseError as exc:
        checksum = hashlib.sha256(data).hexdigest() if data else ""
        return ParseOutcome(None, exc.message, exc.line, checksum)
    except Exception as exc:  # a parser bug must not abort the run
        checksum = hashlib.sha256(data).hexdigest() if data else ""
        error = " ".join(f"parser error: {type(exc).__name__}: {exc}".split())
        return ParseOutcome(None, error, None, checksum)
    parsed.source_file = job.path
    return ParseOutcome(parsed, checksum=parsed.checksum, encoding=parsed.encoding)


def _parse_chunk(jobs: list[ParseJob], max_bytes: int, collection: str | None):
    return [parse_file(job, max_bytes=max_bytes, collection=collection) for job in jobs]


def _start_worker(parent: int):
    # As in the main process (services.importing): parsing allocates many small,
    # acyclic objects, and the default threshold spends ~5–10 % tracing them.
    gc.set_threshold(20_000, *gc.get_threshold()[1:])
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    # Ctrl-C reaches the whole process group: the main process records the run as
    # interrupted and stops the workers; they need not print a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _exit_with(parent: int):
    """Leave when the importing process is gone. A killed import (SIGKILL, OOM) never
    tells its workers to stop, and each holds the write end of the task queue, so none
    ever reads end-of-file: they would wait for tasks for ever."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def default_workers() -> int:
    """One worker per core the process may use but one, which the storing process needs
    to itself (at most four); none on one core. Storing is the slower side: on two cores,
    two workers took CPU from it while they parsed, and one parsed 1,000 texts as fast
    as they were stored (1.44 → 1.39 s at 100,000 documents, docs/performance.md,
    session 11)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores - 1, MAX_DEFAULT_WORKERS) if cores > 1 else 0


def start_method(*, fork: bool) -> str:
    """``fork`` if allowed, on Linux, when this process runs no other thread; ``spawn``
    otherwise (macOS, Windows, a threaded caller)."""
    if (
        fork
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return "fork"
    return "spawn"


class ParallelParser:
    """Yields ``ParseOutcome``s of ``jobs`` in their order, parsed by ``workers``
    processes, at most ``ahead`` files (plus ``CHUNKS_AHEAD`` chunks per worker) ahead
    of the consumer: enough for a whole batch to be parsed while the previous one is
    stored, and a bound on memory when storing is slower than parsing.

    Use as a context manager: leaving it early (fail-fast, an error, Ctrl-C) cancels
    what is not started and stops the workers. ``fork``: fork the workers where safe
    (``start_method``)."""

    def __init__(
        self,
        workers: int,
        *,
        max_bytes: int,
        collection: str | None = None,
        ahead: int = 0,
        fork: bool = False,
    ):
        self.workers, self.ahead, self.fork = workers, ahead, fork
        self.max_bytes, self.collection = max_bytes, collection
        self._executor: ProcessPoolExecutor | None = None
        self._method = "spawn"
        self._finished = True

    def __enter__(self) -> ParallelParser:
        # Checked here, forked at the first submit: nothing in between starts a thread.
        self._method = start_method(fork=self.fork)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(self._method),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        return self

    def __exit__(self, exc_type, exc, traceback):
        if self._executor is not None:
            # After a complete run spawned workers are idle: let them exit on their own
            # rather than wait for them (~0.1–0.2 s each to tear down an interpreter).
            # Forked ones leave in ~5 ms: wait, so that the executor's threads are gone
            # too and the next import in this process can fork again. After an error or
            # leaving early (fail-fast), always wait: no worker outlives the import.
            wait = exc_type is not None or not self._finished or self._method == "fork"
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None

    def parse(self, jobs: Iterable[ParseJob]) -> Iterator[ParseOutcome]:
        """Outcomes in order. While the next chunk is not ready (workers starting, or
        busy), this process parses a chunk no worker has started yet instead of waiting."""
        assert self._executor is not None, "use ParallelParser as a context manager"
        self._finished = False
        pending: deque[list] = deque()  # [future, chunk] or [None, outcomes]
        ahead = -(-self.ahead // CHUNK_SIZE) + self.workers * CHUNKS_AHEAD
        for chunk in _chunks(jobs, CHUNK_SIZE):
            future = self._executor.submit(_parse_chunk, chunk, self.max_bytes, self.collection)
            pending.append([future, chunk])
            if len(pending) >= ahead:
                yield from self._next(pending)
        while pending:
            yield from self._next(pending)
        self._finished = True

    def _next(self, pending: deque[list]) -> list[ParseOutcome]:
        while pending[0][0] is not None and not pending[0][0].done():
            for entry in pending:
                future, chunk = entry
                if future is not None and future.cancel():
                    entry[:] = [None, _parse_chunk(chunk, self.max_bytes, self.collection)]
                    break
            else:
                break  # every chunk left is with a worker: wait for the first
        future, value = pending.popleft()
        return value if future is None else future.result()


def _chunks(jobs: Iterable[ParseJob], size: int) -> Iterator[list[ParseJob]]:
    chunk: list[ParseJob] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
