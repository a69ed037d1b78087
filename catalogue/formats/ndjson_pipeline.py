"""The documents' NDJSON file written by two processes: this one reads the rows, a
worker builds, serialises, hashes and writes them.

Why: the export of a large catalogue is CPU-bound in two halves of about equal cost,
reading rows from the database and turning them into JSON. The budget is wall time
on a two-core machine, so the halves run at the same time, one batch apart. The
reading stays in the caller's one connection and transaction, so the file is still
a point-in-time copy (two SQLite connections cannot share a snapshot), and the
worker never touches the database.

The worker is a fresh interpreter (``python -m catalogue.formats.ndjson_pipeline``),
not a fork: it imports only the builder (``ndjson_build``) and orjson, so it adds
tens of megabytes, where a fork would count the whole Django process again.
Batches travel on its stdin as length-prefixed JSON (orjson: the cheapest encoding
for this process to write, which is the busier of the two; pickle cost five times
as much): the rows of each relation as one flat list, grouped again by the worker.
Dates, times and datetimes arrive as ISO text, which the builder reads as it reads
SQLite's raw text. The worker answers with one JSON line on stdout, or an error on
stderr and a non-zero exit.
"""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from . import ndjson_build

HEADER = struct.Struct("<Q")
PIPE_BYTES = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


class WorkerError(Exception):
    """The worker process failed; the message is its own account of why."""


def _peak_rss_kb() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _send(stream, obj) -> None:
    data = orjson.dumps(obj)
    stream.write(HEADER.pack(len(data)))
    stream.write(data)


def _flat(rel: dict[str, dict]) -> dict[str, list]:
    return {name: [row for rows in groups.values() for row in rows] for name, groups in rel.items()}


def _grouped(rel: dict[str, list]) -> dict[str, dict]:
    out = {}
    for name, rows in rel.items():
        groups: dict = {}
        for row in rows:
            group = groups.get(row[0])
            if group is None:
                groups[row[0]] = [row]
            else:
                group.append(row)
        out[name] = groups
    return out


def _receive(stream):
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError("the exporting process went away before the end of the data")
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the exporting process went away in the middle of a batch")
    return orjson.loads(data)


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
    ``{"records", "sha256", "bytes", "worker_peak_rss_kb"}``.

    Raises ``WorkerError`` if the worker fails; ``path`` is then removed. Any error
    here (a failed read) stops the worker the same way."""
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", __name__, str(Path(path).resolve())],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _widen(worker.stdin)
        try:
            unit_rows = [(pk, *labels) for pk, labels in units.items()]
            _send(worker.stdin, (unit_rows, (urls.base, urls.middle, urls.suffix), block_bytes))
            for docs, rel in batches:
                _send(worker.stdin, (docs, _flat(rel)))
                if progress is not None:
                    progress(len(docs))
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


def serve(path: str, stream_in, stream_out) -> None:
    """The worker: build, serialise, hash and write every batch until ``None``."""
    unit_rows, url_parts, block_bytes = _receive(stream_in)
    labels = ndjson_build.Paths({pk: (title, ident) for pk, title, ident in unit_rows}).labels
    urls = ndjson_build.Urls(*url_parts)
    digest, records, written = hashlib.sha256(), 0, 0
    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    buffer: list[bytes] = []
    size = 0
    with open(path, "wb") as handle:
        while (batch := _receive(stream_in)) is not None:
            docs, rel = batch[0], _grouped(batch[1])
            try:
                for _, record in ndjson_build.build_records(docs, rel, labels, urls):
                    line = dumps(record, option=option)
                    buffer.append(line)
                    size += len(line)
                    if size >= block_bytes:
                        block = b"".join(buffer)
                        digest.update(block)
                        handle.write(block)
                        written += len(block)
                        buffer, size = [], 0
            except Exception as exc:
                raise WorkerError(
                    f"documents {docs[0][0]}–{docs[-1][0]}: {type(exc).__name__}: {exc}"
                ) from exc
            records += len(docs)
        if buffer:
            block = b"".join(buffer)
            digest.update(block)
            handle.write(block)
            written += len(block)
    stream_out.write(
        json.dumps(
            {
                "records": records,
                "sha256": digest.hexdigest(),
                "bytes": written,
                "worker_peak_rss_kb": _peak_rss_kb(),
            }
        ).encode()
        + b"\n"
    )
    stream_out.flush()


def main(argv: list[str]) -> int:
    import gc

    # Records are acyclic and freed by reference counting (``ndjson.fewer_collections``).
    gc.set_threshold(1_000_000, 10, 100)
    try:
        serve(argv[0], sys.stdin.buffer, sys.stdout.buffer)
    except Exception as exc:
        Path(argv[0]).unlink(missing_ok=True)
        detail = str(exc) if isinstance(exc, WorkerError | EOFError) else repr(exc)
        sys.stderr.write(f"export worker failed: {detail}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
