"""The documents' NDJSON file written by two processes: this one reads the rows, a
worker builds, serialises, hashes and writes them.

Why: the export of a large catalogue is CPU-bound in two halves of about equal cost,
reading rows from the database and turning them into JSON. The budget is wall time
on a two-core machine, so the halves run at the same time, one batch apart. The
reading stays in the caller's one connection and transaction, so the file is still
a point-in-time copy (two SQLite connections cannot share a snapshot), and the
worker never touches the database.

The worker is a fresh interpreter running ``ndjson_worker``, not a fork: it imports
only the builder (``ndjson_build``) and orjson, so it adds tens of megabytes, where a
fork would count the whole Django process again.
Batches travel on its stdin as length-prefixed JSON (orjson: the cheapest encoding
for this process to write, which is the busier of the two; pickle cost five times
as much): the rows of each relation as one flat list, grouped again by the worker.
Dates, times and datetimes arrive as ISO text, which the builder reads as it reads
SQLite's raw text. The worker answers with one JSON line on stdout, or an error on
stderr and a non-zero exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from . import ndjson_build
from .ndjson_worker import HEADER

PIPE_BYTES = 1024 * 1024
HERE = Path(__file__).resolve().parent
# The worker runs this directory's ndjson_worker as a top-level module (appended to
# sys.path, so the standard library's names still come first).
LAUNCH = (
    "import sys; sys.path.append(sys.argv.pop(1)); import ndjson_worker; "
    "sys.exit(ndjson_worker.main(sys.argv[1:]))"
)


class WorkerError(Exception):
    """The worker process failed; the message is its own account of why."""


def _send(stream, obj) -> None:
    data = orjson.dumps(obj)
    stream.write(HEADER.pack(len(data)))
    stream.write(data)


def _flat(rel: dict[str, dict]) -> dict[str, list]:
    return {name: [row for rows in groups.values() for row in rows] for name, groups in rel.items()}


def write_documents(
    path: Path,
    batches: Iterable[tuple[list, dict]],
    *,
    units: dict[int, tuple[str, str]],
    urls: ndjson_build.Urls,
    block_bytes: int,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write the records of ``batches`` to ``path`` through a worker process; return
    the worker's report (``ndjson_worker``).

    Raises ``WorkerError`` if the worker fails; ``path`` is then removed. Any error
    here (a failed read) stops the worker the same way."""
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", LAUNCH, str(HERE), str(Path(path).resolve())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _widen(worker.stdin)
        try:
            unit_rows = [(pk, *labels) for pk, labels in units.items()]
            _send(worker.stdin, (unit_rows, (urls.base, urls.middle, urls.suffix), block_bytes))
            for batch in batches:
                _send(worker.stdin, (batch[0], _flat(batch[1])))
                if progress is not None:
                    progress(len(batch[0]))
                del batch  # before the next batch is read
            _send(worker.stdin, None)
        except BrokenPipeError:
            pass  # the worker died; its stderr says why
        out, err = worker.communicate()
    except BaseException:
        worker.kill()
        worker.communicate()
        Path(path).unlink(missing_ok=True)
        raise
    if worker.returncode != 0:
        Path(path).unlink(missing_ok=True)
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise WorkerError(
            message[-1] if message else f"the export worker exited with {worker.returncode}"
        )
    return json.loads(out)


def _widen(pipe) -> None:
    """A 1 MB pipe instead of 64 kB: fewer switches between the two processes."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (OSError, ImportError):
        pass
