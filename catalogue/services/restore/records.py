"""Reading an export's NDJSON files: records one line each, batches, and the values.

The ``Restorer`` turns records into rows; these are the pieces below it that know
nothing of models: decoding lines (a broken line names its file and number), cutting
the stream into ``BATCH``-sized batches, and parsing the ISO dates and times the export
writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import orjson

from .manifest import RestoreError

BATCH = 1000


def read_records(path: Path) -> Iterator[dict]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise RestoreError(f"{path.name} line {number}: not JSON ({exc}).") from exc


def batched(iterable, size=BATCH):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _time(value):
    return datetime.time.fromisoformat(value) if value else None


def _datetime(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
