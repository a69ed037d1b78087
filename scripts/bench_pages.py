"""Time the public document, agent and unit pages on an existing catalogue database.

    DATABASE_URL=sqlite:////work/bench/pages/c100k.sqlite3 \
        .venv/bin/python scripts/bench_pages.py [--rounds 8] [--profile document]

Uses the benchmark's own targets (``catalogue.bench.scenarios``: 25 published documents
spread over the id range, the agent with ~300 documents, the unit with most children)
and the test settings the benchmark runs with. For each page it reports:

- ``first``: the first request of each URL in this process (templates compiled, nothing
  cached in the process);
- ``cold``: later requests with Django's cache cleared before each one, so any cached
  page fragment is rebuilt (the path an uncached or just-edited document takes);
- ``warm``: later requests with the cache left alone.

Wall and CPU milliseconds (p50/p95), and queries per request. CPU time matters on a
shared machine, where wall time also measures the neighbours. Never writes.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--pages", default="document,agent,unit")
    parser.add_argument("--profile", help="profile this page's warm requests with pyinstrument")
    parser.add_argument("--cold-profile", action="store_true", help="profile the cold path")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalogue.bench.scenarios import _sample_documents
    from catalogue.bench.stats import percentile
    from catalogue.models import Agent, ArchivalUnit, DocumentAgent

    def targets(page):
        if page == "document":
            return [d.get_absolute_url() for d in _sample_documents()]
        if page == "agent":
            counts = (
                DocumentAgent.objects.filter(document__status="published")
                .values("agent")
                .annotate(n=Count("document", distinct=True))
                .order_by()
            )
            best = min(counts, key=lambda row: (abs(row["n"] - 300), row["agent"]))
            return [Agent.objects.get(pk=best["agent"]).get_absolute_url()]
        if page == "unit":
            unit = ArchivalUnit.objects.annotate(n=Count("children")).order_by("-n", "pk").first()
            return [unit.get_absolute_url()]
        raise SystemExit(f"unknown page {page!r}")

    client = Client()

    def one(url, *, clear):
        if clear:
            cache.clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return wall, cpu

    def summary(rows):
        walls = [w for w, _ in rows]
        cpus = [c for _, c in rows]
        return {
            "n": len(rows),
            "wall_p50": round(percentile(walls, 50), 2),
            "wall_p95": round(percentile(walls, 95), 2),
            "cpu_p50": round(percentile(cpus, 50), 2),
            "cpu_p95": round(percentile(cpus, 95), 2),
        }

    loaders = settings.TEMPLATES[0].get("OPTIONS", {}).get("loaders")
    from django.template import engines

    engine = engines["django"].engine
    results = {
        "database": settings.DATABASES["default"]["NAME"],
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
        "debug": settings.DEBUG,
        "template_loaders": [type(loader).__module__ for loader in engine.template_loaders],
        "loaders_setting": loaders,
        "cache_backend": settings.CACHES["default"]["BACKEND"],
        "pages": {},
    }
    reps = max(1, args.rounds // 4)
    for page in args.pages.split(","):
        urls = targets(page)
        rounds = args.rounds if len(urls) > 1 else args.rounds * 4
        cache.clear()
        first = [one(url, clear=False) for url in urls]
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        queries = len(ctx.captured_queries)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        cold_queries = len(ctx.captured_queries)

        def run(clear, n, urls=urls):
            return [one(url, clear=clear) for _ in range(n) for url in urls]

        if args.profile == page:
            from pyinstrument import Profiler
            from pyinstrument.stack_sampler import get_stack_sampler

            # Sample on CPU time: on a shared machine wall time mostly measures waiting.
            get_stack_sampler().timer_func = time.process_time
            profiler = Profiler(interval=0.0005)
            profiler.start()
            run(args.cold_profile, rounds)
            profiler.stop()
            print(
                profiler.output_text(
                    unicode=True, color=False, show_all=bool(os.environ.get("SHOW_ALL"))
                )
            )
        cold = run(True, max(reps, rounds // 2))
        run(False, 1)  # fill the cache again: warm means every page was seen before
        warm = run(False, rounds)
        results["pages"][page] = {
            "urls": len(urls),
            "queries_warm": queries,
            "queries_cold": cold_queries,
            "first": summary(first),
            "cold": summary(cold),
            "warm": summary(warm),
        }
        print(page, json.dumps(results["pages"][page]), flush=True)
    print(json.dumps({k: v for k, v in results.items() if k != "pages"}))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
