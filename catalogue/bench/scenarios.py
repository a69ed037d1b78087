"""The measurements, run inside one worker process against a filled database.

Each scenario returns a dict of figures or raises ``NotAvailable``; the worker records
either. Targets (which document, which agent, which unit) are chosen by rule from the
data, not hard-coded, so every tier measures the same kind of page.
"""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count
from django.test import Client
from django.urls import NoReverseMatch, reverse

from catalogue.models import Agent, ArchivalUnit, Document, DocumentAgent

from .stats import NotAvailable, children_cpu, time_requests

# The fixed mixed query set: common words, rare words, phrases, names, date ranges.
SEARCH_QUERIES = [
    {"q": "missiles"},
    {"q": "Soviet"},
    {"q": "quarantine"},
    {"q": "Marucla"},
    {"q": "Kimovsk"},
    {"q": "Scabbards"},
    {"q": '"aerial reconnaissance"'},
    {"q": '"offensive weapons"'},
    {"q": "Kuznetsov"},
    {"q": "McCloy"},
    {"q": "Rusk"},
    {"q": "", "date_from": "1962-10-22", "date_to": "1962-10-28"},
    {"q": "dismantling", "date_from": "1962-10-27", "date_to": "1962-11-02"},
]
SAMPLE = 25  # distinct documents per document-page measurement
EXPORT_TIMEOUT_S = 1200


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch as exc:
        raise NotAvailable(f"no URL named {name!r}") from exc


def _sample_documents(n: int = SAMPLE) -> list[Document]:
    """Published documents spread evenly over the id range (not just the first ones)."""
    ids = list(Document.objects.published().order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise NotAvailable("no published documents")
    step = max(1, len(ids) // n)
    chosen = ids[::step][:n]
    return list(Document.objects.filter(pk__in=chosen).order_by("pk"))


def clear_caches() -> None:
    """Cold measurements: no cached facet counts, result pages or rendered pages."""
    for cache in caches.all():
        cache.clear()


def search(client: Client, rounds: int, *, cold: bool = False) -> dict:
    """The search page with 3 facets applied (type, classification, and repository or a
    date range); the page itself counts 6 facets. Warm: counts and page ids come from
    the cache after the warm-up; cold: every cache emptied before each request."""
    base = _url("catalogue:search")
    top_type = (
        Document.objects.published()
        .values("doc_type__key")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if not top_type:
        raise NotAvailable("no published documents")
    repo = (
        Document.objects.published()
        .exclude(unit=None)
        .values("unit__repository__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    urls = []
    for query in SEARCH_QUERIES:
        params = {"q": query["q"], "type": top_type["doc_type__key"], "classification": "secret"}
        if "date_from" in query:
            params["date_from"] = query["date_from"]
            params["date_to"] = query["date_to"]
        elif repo:
            params["repository"] = repo["unit__repository__slug"]
        urls.append(f"{base}?{urlencode(params)}")
    timing = time_requests(client, urls, rounds=rounds, before_each=clear_caches if cold else None)
    return {**timing.summary(), "queries_in_set": len(urls), "example": urls[0]}


def document_page(client: Client, rounds: int, *, cold: bool = False) -> dict:
    """Warm: anonymous pages served from the page cache after the warm-up; cold: every
    cache emptied before each request (a new, edited or expired page)."""
    docs = _sample_documents()
    urls = [d.get_absolute_url() for d in docs]
    before = clear_caches if cold else None
    return time_requests(client, urls, rounds=rounds, before_each=before).summary()


def agent_page(client: Client, rounds: int) -> dict:
    """The agent whose published-document count is closest to 300."""
    counts = (
        DocumentAgent.objects.filter(document__status="published")
        .values("agent")
        .annotate(n=Count("document", distinct=True))
        .order_by()
    )
    if not counts:
        raise NotAvailable("no agents with published documents")
    best = min(counts, key=lambda row: (abs(row["n"] - 300), row["agent"]))
    agent = Agent.objects.get(pk=best["agent"])
    try:
        url = agent.get_absolute_url()
    except NoReverseMatch as exc:
        raise NotAvailable("no agent page") from exc
    summary = time_requests(client, [url], rounds=rounds * 4).summary()
    return {**summary, "agent": agent.authorised_name, "agent_documents": best["n"]}


def unit_page(client: Client, rounds: int) -> dict:
    """The unit tree page of the unit with the most child units (a collection or series
    with many files)."""
    unit = ArchivalUnit.objects.annotate(n=Count("children")).order_by("-n", "pk").first()
    if unit is None:
        raise NotAvailable("no archival units")
    try:
        url = unit.get_absolute_url()
    except NoReverseMatch as exc:
        raise NotAvailable("no unit page") from exc
    summary = time_requests(client, [url], rounds=rounds * 4).summary()
    return {**summary, "unit": str(unit), "children": unit.n}


def browse_pages(client: Client, rounds: int) -> dict:
    """The browsing pages a visitor walks, every cache emptied before each request:
    the agent index, the chronology (its first page, and a page deep into the busiest
    month), and the unit holding the most published documents itself. None of them
    may grow with the catalogue: at 100,000 documents they once took 2.5 s (agents),
    16 s and 14 MB (chronology, a whole month) and 0.5 s (a file's documents)."""
    from catalogue.views.chronology import END, PAGE_SIZE, START

    published = Document.objects.published()
    fullest = (
        published.exclude(unit=None)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .first()
    )
    if fullest is None:
        raise NotAvailable("no published documents in units")
    unit = ArchivalUnit.objects.get(pk=fullest["unit"])
    days = (
        published.filter(date_precision="day", date__gte=START, date__lte=END)
        .order_by()
        .values_list("date")
        .annotate(n=Count("pk"))
    )
    per_month: dict = {}
    for day, n in days:
        per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + n
    chronology = _url("catalogue:chronology")
    urls = [_url("catalogue:agent-list"), chronology, unit.get_absolute_url()]
    if per_month:
        month, n = max(per_month.items(), key=lambda item: (item[1], item[0]))
        pages = (n - 1) // PAGE_SIZE + 1
        urls.append(f"{chronology}?month={month:%Y-%m}&page={pages // 2 + 1}")
    summary = time_requests(client, urls, rounds=rounds, before_each=clear_caches).summary()
    return {**summary, "unit": str(unit), "unit_documents": fullest["n"], "urls": urls}


def api_list(client: Client, rounds: int) -> dict:
    url = _url("api:document-list") + "?page_size=100"
    summary = time_requests(client, [url], rounds=rounds * 4).summary()
    response = client.get(url)
    body = response.json() if response.status_code == 200 else {}
    results = body.get("results", body if isinstance(body, list) else [])
    if len(results) != 100:
        summary["note"] = f"page held {len(results)} records, not 100"
    return summary


def api_detail(client: Client, rounds: int) -> dict:
    docs = _sample_documents()
    urls = [_url("api:document-detail", pk=d.pk) for d in docs]
    return time_requests(client, urls, rounds=rounds).summary()


# Runs manage.py and, at exit, writes the process's VmHWM (peak RSS, kB) to a file.
_PEAK_WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as fh:
        kb = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def export(manage_py: Path) -> dict:
    """``export_catalogue`` in a child process: wall time and the child's peak RSS."""
    from django.core.management import get_commands

    if "export_catalogue" not in get_commands():
        raise NotAvailable("no export_catalogue command")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_file = Path(out) / "peak-rss"
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _PEAK_WRAPPER, str(manage_py), "export_catalogue", out],
                env={**os.environ, "BENCH_PEAK_FILE": str(peak_file)},
                capture_output=True,
                text=True,
                timeout=EXPORT_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            raise NotAvailable(f"export_catalogue took over {EXPORT_TIMEOUT_S} s") from exc
        seconds = time.perf_counter() - started
        # The child's own high-water mark: RUSAGE_CHILDREN would report at least this
        # worker's size, which a forked child inherits in ru_maxrss across exec.
        peak_kb = int(peak_file.read_text()) if peak_file.exists() else None
        peak_file.unlink(missing_ok=True)
        # The export's worker process (if it used one) reports its own peak in the
        # summary line; both processes are alive together, so their peaks add up.
        worker = re.search(r"\+ worker (\d+) MB =", proc.stdout or "")
        worker_mb = int(worker.group(1)) if worker else None
        if proc.returncode != 0:
            raise NotAvailable(
                f"export_catalogue failed: {(proc.stderr or proc.stdout).strip()[-300:]}"
            )
        files = {p.name: p.stat().st_size for p in Path(out).iterdir() if p.is_file()}
        lines = 0
        docs_file = Path(out) / "documents.ndjson"
        if docs_file.exists():
            with docs_file.open("rb") as fh:
                lines = sum(1 for _ in fh)
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": (
            round(peak_kb / 1024 + (worker_mb or 0), 1) if peak_kb is not None else None
        ),
        "worker_peak_rss_mb": worker_mb,
        "earlier_children_peak_mb": round(before / 1024, 1),
        "documents_exported": lines,
        "bytes": sum(files.values()),
    }


def import_texts(text_dir: Path, count: int) -> dict:
    """``import_documents`` over Avalon-format texts, in this process."""
    from django.core.management import call_command, get_commands

    if "import_documents" not in get_commands():
        raise NotAvailable("no import_documents command")
    before = Document.objects.count()
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    cpu = time.process_time()
    children = children_cpu(wait_s=0)
    failed = None
    try:
        call_command("import_documents", str(text_dir), "--publish", stdout=out, stderr=err)
    except SystemExit as exc:  # non-zero exit: some files failed
        failed = f"exit status {exc.code}"
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        raise NotAvailable(f"import_documents failed: {exc}") from exc
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    workers_cpu = children_cpu() - children  # the parsing workers, if it used any
    created = Document.objects.count() - before
    summary = out.getvalue().strip().splitlines()
    result = {
        "files": count,
        "created": created,
        "seconds": round(seconds, 2),
        "documents_per_s": round(count / seconds, 1) if seconds else None,
        "documents_per_cpu_s": round(count / (cpu + workers_cpu), 1) if cpu else None,
        "workers_cpu_s": round(workers_cpu, 2),
        "summary": summary[-1] if summary else "",
    }
    if failed:
        result["failed"] = failed
    return result


def manage_py() -> Path:
    return Path(settings.BASE_DIR) / "manage.py"
