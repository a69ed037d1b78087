"""The export's worker process (see ``ndjson_pipeline``): it reads batches of rows on
stdin, builds, serialises, hashes and writes the documents' NDJSON file, and reports
``{"records", "sha256", "bytes", "worker_peak_rss_kb", "worker_cpu_seconds"}`` as one
JSON line on stdout, or its error on stderr with a non-zero exit.

It runs as a top-level module from this directory, not as part of the package:
importing ``catalogue.formats`` would import Django (its ``__init__``), and a worker
that needs only the builder and orjson then costs ~20 MB less.
"""

import hashlib
import json
import struct
import sys
import time

import orjson

if __package__:
    from . import ndjson_build
else:  # the lean worker (``python -c``, this directory on sys.path)
    import ndjson_build

HEADER = struct.Struct("<Q")


class WorkerError(Exception):
    """Why the worker stopped, as it reports it."""


def peak_rss_kb() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def receive(stream):
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise WorkerError("the exporting process went away before the end of the data")
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise WorkerError("the exporting process went away in the middle of a batch")
    return orjson.loads(data)


def grouped(rel: dict[str, list]) -> dict[str, dict]:
    """Each relation's flat rows grouped by their first column (the document's id,
    the event's for event agents), as ``build_records`` looks them up."""
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


def serve(path: str, stream_in, stream_out) -> None:
    """The worker: build, serialise, hash and write every batch until ``None``."""
    unit_rows, url_parts, block_bytes = receive(stream_in)
    labels = ndjson_build.Paths({pk: (title, ident) for pk, title, ident in unit_rows}).labels
    urls = ndjson_build.Urls(*url_parts)
    digest, records, written = hashlib.sha256(), 0, 0
    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    buffer: list[bytes] = []
    size = 0
    with open(path, "wb") as handle:
        while (batch := receive(stream_in)) is not None:
            docs, rel = batch[0], grouped(batch[1])
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
            del batch, docs, rel  # before the next batch arrives
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
                "worker_peak_rss_kb": peak_rss_kb(),
                "worker_cpu_seconds": round(time.process_time(), 2),
            }
        ).encode()
        + b"\n"
    )
    stream_out.flush()


def main(argv: list[str]) -> int:
    import gc
    from pathlib import Path

    # Records are acyclic and freed by reference counting (``ndjson.fewer_collections``).
    gc.set_threshold(1_000_000, 10, 100)
    try:
        serve(argv[0], sys.stdin.buffer, sys.stdout.buffer)
    except Exception as exc:
        Path(argv[0]).unlink(missing_ok=True)
        detail = str(exc) if isinstance(exc, WorkerError) else repr(exc)
        sys.stderr.write(f"export worker failed: {detail}\n")
        return 1
    return 0
