"""Time every query of the benchmark's search set against an existing database.

    DATABASE_URL=sqlite:////path/to/copy.sqlite3 \\
        .venv/bin/python scripts/bench_search.py [--rounds 5] [--profile N] [--json out.json]

Builds the same URLs as the ``search`` scenario (``catalogue/bench/scenarios.py``: three
facets applied, the page counting every facet), then for each URL reports the median of
``--rounds`` COLD requests (Django's cache cleared before each, so facet counts are
computed afresh; the database's own page cache stays warm) and ``--rounds`` WARM
requests (cache kept), in wall and CPU milliseconds, with the query count. ``--profile
N`` prints a pyinstrument profile of a cold request for query N (0-based) instead.
"""

import argparse
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


def timed(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.content  # noqa: B018 - render it all
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return wall * 1000, cpu * 1000, len(ctx.captured_queries)


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
    print(f"{'query':45} {'cold ms':>9} {'cold cpu':>9} {'warm ms':>9} {'warm cpu':>9} {'q':>3}")
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
            "cold_ms": statistics.median(w for w, _, _ in cold),
            "cold_cpu_ms": statistics.median(c for _, c, _ in cold),
            "warm_ms": statistics.median(w for w, _, _ in warm),
            "warm_cpu_ms": statistics.median(c for _, c, _ in warm),
            "queries_cold": cold[-1][2],
            "queries_warm": warm[-1][2],
        }
        cold_all += [w for w, _, _ in cold]
        cold_cpu_all += [c for _, c, _ in cold]
        warm_all += [w for w, _, _ in warm]
        warm_cpu_all += [c for _, c, _ in warm]
        rows.append(row)
        label = url.split("?", 1)[1][:45]
        print(
            f"{label:45} {row['cold_ms']:9.1f} {row['cold_cpu_ms']:9.1f} "
            f"{row['warm_ms']:9.1f} {row['warm_cpu_ms']:9.1f} {row['queries_cold']:>3}",
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
    for name, figures in summary.items():
        print(f"{name:9} p50 {figures['p50_ms']:8.1f} ms   p95 {figures['p95_ms']:8.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
