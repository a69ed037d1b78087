"""Time every query of the benchmark's search set against an existing database.

    DATABASE_URL=sqlite:////path/to/copy.sqlite3 \\
        .venv/bin/python scripts/bench_search.py [--rounds 5] [--profile N] [--json out.json]

Builds the same URLs as the ``search`` scenario (``catalogue/bench/scenarios.py``: three
facets applied, the page counting every facet), then for each URL reports the median of
``--rounds`` COLD requests (Django's cache cleared before each, so facet counts are
computed afresh; the database's own page cache stays warm) and ``--rounds`` WARM
requests (cache kept), in wall and CPU milliseconds, with the query count. On PostgreSQL with the server on
this machine (its ``postmaster.pid`` readable), the server's CPU time is reported too
(``srv``: the backends' user + system time from ``/proc``, 10 ms ticks). ``--profile
N`` prints a pyinstrument profile of a cold request for query N (0-based) instead.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.dev")
os.environ.setdefault("DEBUG", "0")


def search_urls() -> list[str]:
    from django.db.models import Count
    from django.urls import reverse

    from catalogue.bench.scenarios import SEARCH_QUERIES
    from catalogue.models import Document

    published = Document.objects.published()
    top_type = (published.values("doc_type__key").annotate(n=Count("pk")).order_by("-n").first())[
        "doc_type__key"
    ]
    repo = (
        published.exclude(unit=None)
        .values("unit__repository__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )["unit__repository__slug"]
    urls = []
    for query in SEARCH_QUERIES:
        params = {"q": query["q"], "type": top_type, "classification": "secret"}
        if "date_from" in query:
            params.update(date_from=query["date_from"], date_to=query["date_to"])
        else:
            params["repository"] = repo
        urls.append(f"{reverse('catalogue:search')}?{urlencode(params)}")
    return urls


_POSTMASTER = []


def postmaster_pid():
    """The local PostgreSQL server's pid, or None (SQLite, a remote server)."""
    from django.db import connection

    if not _POSTMASTER:
        pid = None
        if connection.vendor == "postgresql":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SHOW data_directory")
                    (directory,) = cursor.fetchone()
                pid = int(Path(directory, "postmaster.pid").read_text().split()[0])
            except Exception:  # noqa: BLE001 - report without it
                pid = None
        _POSTMASTER.append(pid)
    return _POSTMASTER[0]


def server_cpu_ms():
    """CPU ms used so far by the server: its children alive now, plus those that have
    exited (accumulated in the postmaster's cutime/cstime)."""
    pid = postmaster_pid()
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p):
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    total = sum(int(v) for v in fields(pid)[11:15])  # utime stime cutime cstime
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):  # exited meanwhile
            total += sum(int(v) for v in fields(child)[11:13])
    return total * 1000 / tick


def timed(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        server = server_cpu_ms()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.content  # noqa: B018 - render it all
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server = server_cpu_ms() - server
    assert response.status_code == 200, (url, response.status_code)
    return wall * 1000, cpu * 1000, len(ctx.captured_queries), server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=int, default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    urls = search_urls()
    if args.profile is not None:
        from pyinstrument import Profiler

        url = urls[args.profile]
        cache.clear()
        client.get(url)  # warm the page cache of the database
        cache.clear()
        with Profiler() as profiler:
            client.get(url)
        print(url)
        print(profiler.output_text(unicode=True, color=False))
        return

    rows = []
    cold_all, warm_all, cold_cpu_all, warm_cpu_all = [], [], [], []
    print(
        f"{'query':45} {'cold ms':>9} {'cold cpu':>9} {'cold srv':>9} "
        f"{'warm ms':>9} {'warm cpu':>9} {'warm srv':>9} {'q':>3}"
    )
    cold_srv_all, warm_srv_all = [], []
    for url in urls:
        cache.clear()
        timed(client, url)  # first touch: the database's pages come into memory
        cold, warm = [], []
        for _ in range(args.rounds):
            cache.clear()
            cold.append(timed(client, url))
        for _ in range(args.rounds):
            warm.append(timed(client, url))
        row = {
            "url": url,
            "cold_ms": statistics.median(w for w, *_ in cold),
            "cold_cpu_ms": statistics.median(c for _, c, *_ in cold),
            "warm_ms": statistics.median(w for w, *_ in warm),
            "warm_cpu_ms": statistics.median(c for _, c, *_ in warm),
            "cold_server_cpu_ms": statistics.median(r[3] for r in cold),
            "warm_server_cpu_ms": statistics.median(r[3] for r in warm),
            "queries_cold": cold[-1][2],
            "queries_warm": warm[-1][2],
        }
        cold_all += [w for w, *_ in cold]
        cold_cpu_all += [c for _, c, *_ in cold]
        warm_all += [w for w, *_ in warm]
        warm_cpu_all += [c for _, c, *_ in warm]
        cold_srv_all += [r[3] for r in cold]
        warm_srv_all += [r[3] for r in warm]
        rows.append(row)
        label = url.split("?", 1)[1][:45]
        print(
            f"{label:45} {row['cold_ms']:9.1f} {row['cold_cpu_ms']:9.1f} "
            f"{row['cold_server_cpu_ms']:9.1f} {row['warm_ms']:9.1f} "
            f"{row['warm_cpu_ms']:9.1f} {row['warm_server_cpu_ms']:9.1f} {row['queries_cold']:>3}",
            flush=True,
        )

    def pct(values, q):
        ordered = sorted(values)
        return ordered[max(1, -(-q * len(ordered) // 100)) - 1]

    summary = {
        "cold": {"p50_ms": pct(cold_all, 50), "p95_ms": pct(cold_all, 95)},
        "cold_cpu": {"p50_ms": pct(cold_cpu_all, 50), "p95_ms": pct(cold_cpu_all, 95)},
        "warm": {"p50_ms": pct(warm_all, 50), "p95_ms": pct(warm_all, 95)},
        "warm_cpu": {"p50_ms": pct(warm_cpu_all, 50), "p95_ms": pct(warm_cpu_all, 95)},
    }
    if postmaster_pid() is not None:
        summary["cold_server_cpu"] = {
            "p50_ms": pct(cold_srv_all, 50),
            "p95_ms": pct(cold_srv_all, 95),
        }
        summary["warm_server_cpu"] = {
            "p50_ms": pct(warm_srv_all, 50),
            "p95_ms": pct(warm_srv_all, 95),
        }
    for name, figures in summary.items():
        print(f"{name:9} p50 {figures['p50_ms']:8.1f} ms   p95 {figures['p95_ms']:8.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
