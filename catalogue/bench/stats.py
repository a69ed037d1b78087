"""Percentiles and the timing loop shared by every measurement."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q% of values below."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    """Milliseconds per request, with the query count of each request.

    ``cpu_ms`` is this process's CPU time per request: on a shared machine the wall
    clock also measures the neighbours, while CPU time (which includes SQLite's work,
    as it runs in-process, but not a PostgreSQL server's) does not.
    """

    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    truncated: str = ""

    def summary(self) -> dict:
        return {
            "requests": len(self.times_ms),
            "p50_ms": round(percentile(self.times_ms, 50), 2),
            "p95_ms": round(percentile(self.times_ms, 95), 2),
            "p99_ms": round(percentile(self.times_ms, 99), 2),
            "cpu_p50_ms": round(percentile(self.cpu_ms, 50), 2),
            "cpu_p95_ms": round(percentile(self.cpu_ms, 95), 2),
            "mean_ms": round(sum(self.times_ms) / len(self.times_ms), 2) if self.times_ms else None,
            "queries_max": max(self.queries) if self.queries else None,
            "queries_min": min(self.queries) if self.queries else None,
            "statuses": sorted(self.statuses),
            **({"note": self.truncated} if self.truncated else {}),
        }


def children_cpu(wait_s: float = 30) -> float:
    """CPU seconds of this process's finished children, once its ``multiprocessing``
    children (an import's parsing workers, which exit on their own) have ended:
    ``process_time`` does not count them."""
    import multiprocessing
    import resource

    deadline = time.monotonic() + wait_s
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.02)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class NotAvailable(Exception):
    """The feature a measurement needs is not (yet) in the catalogue."""


SLOW_REQUEST_S = 10.0  # a request slower than this is timed once, not repeated
MEASUREMENT_CAP_S = 150.0  # stop repeating a measurement after this long


def time_requests(
    client, urls: list[str], *, rounds: int, warmup: int = 2, before_each=None
) -> Timing:
    """GET every url ``warmup`` times untimed (the last of them counting queries, so
    the debug cursor does not weigh on the timed requests), then ``rounds`` times
    timed. A 404 or 5xx makes the feature unavailable. A pathologically slow page is
    measured on fewer requests (see ``SLOW_REQUEST_S``, ``MEASUREMENT_CAP_S``) and says
    so, rather than holding the whole suite hostage. ``before_each`` (untimed) runs
    before every request: the cold measurements empty the caches there."""
    timing = Timing()
    began = time.perf_counter()
    for round_number in range(max(1, warmup)):
        last = round_number == max(1, warmup) - 1
        for url in urls:
            if before_each:
                before_each()
            started, cpu = time.perf_counter(), time.process_time()
            if last:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url)
                    _drain(response)
                timing.queries.append(len(ctx.captured_queries))
            else:
                response = client.get(url)
                _drain(response)
            if response.status_code == 404:
                raise NotAvailable(f"{url} answered 404")
            if response.status_code >= 500:
                raise NotAvailable(f"{url} answered {response.status_code}")
            elapsed = time.perf_counter() - started
            if elapsed > SLOW_REQUEST_S:
                timing.times_ms.append(elapsed * 1000)
                timing.cpu_ms.append((time.process_time() - cpu) * 1000)
                timing.statuses.add(response.status_code)
                timing.truncated = f"one request took {elapsed:.0f} s: timed once, not repeated"
                if not last:
                    with CaptureQueriesContext(connection) as ctx:
                        client.get(url)
                    timing.queries.append(len(ctx.captured_queries))
                return timing
    for _ in range(rounds):
        for url in urls:
            if before_each:
                before_each()
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            _drain(response)
            timing.times_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.process_time() - cpu) * 1000)
            timing.statuses.add(response.status_code)
        if time.perf_counter() - began > MEASUREMENT_CAP_S:
            timing.truncated = (
                f"stopped after {len(timing.times_ms)} requests ({MEASUREMENT_CAP_S:.0f} s cap)"
            )
            break
    return timing


def _drain(response) -> None:
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
