#!/usr/bin/env python3
"""Load test: concurrent users against gunicorn on loopback while an import runs.

Not part of `make test` (it takes minutes and measures this machine, not the code).
It builds a throwaway catalogue (generate_corpus), starts gunicorn on 127.0.0.1 only,
starts `import_documents` on freshly generated text files, and drives USERS threads
with a mixed workload — search, document pages, API lists and details, exports — for
DURATION seconds. Bounded in time and request count; stops by itself; cleans up.

    .venv/bin/python scripts/loadtest.py                          # SQLite, 50 users, 60 s
    ./scripts/with-postgres.sh .venv/bin/python scripts/loadtest.py --restart-postgres-at 30

With --restart-postgres-at (PostgreSQL from scripts/with-postgres.sh only) the database
server is restarted (pg_ctl restart -m fast) mid-load, and the report counts the
requests that failed around the restart: with CONN_MAX_AGE and connection health
checks on, only the requests in flight should be lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SEARCH_WORDS = [
    "missile",
    "quarantine",
    "Khrushchev",
    "Castro",
    "Havana",
    "embassy",
    '"naval blockade"',
    "Soviet*",
    "Turkey OR Jupiter",
    "U-2",
    "Stevenson",
    "Moscow",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args, quiet=True):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "", flush=True)
    return result


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Workload:
    """Weighted mix of requests; each returns (category, path)."""

    def __init__(self, base, documents, agents, units):
        self.base = base
        self.documents = documents
        self.agents = agents
        self.units = units
        self.choices = [
            ("search", 25, self.search),
            ("document page", 25, self.document_page),
            ("api list", 20, self.api_list),
            ("api detail", 10, self.api_detail),
            ("browse", 10, self.browse),
            ("export", 10, self.export),
        ]
        self.weights = [w for _, w, _ in self.choices]

    def next(self, rng: random.Random):
        category, _, build = rng.choices(self.choices, weights=self.weights)[0]
        return category, build(rng)

    def search(self, rng):
        q = rng.choice(SEARCH_WORDS)
        if rng.random() < 0.5:
            return f"/search/?q={requests.utils.quote(q)}"
        return f"/api/v1/documents/?q={requests.utils.quote(q)}"

    def document_page(self, rng):
        pk, slug = rng.choice(self.documents)
        return f"/documents/{pk}/{slug}/"

    def api_list(self, rng):
        return rng.choice(
            [
                "/api/v1/documents/",
                "/api/v1/documents/?sort=date",
                "/api/v1/agents/",
                "/api/v1/units/",
                "/api/v1/events/",
                "/api/v1/repositories/",
            ]
        )

    def api_detail(self, rng):
        if rng.random() < 0.7:
            return f"/api/v1/documents/{rng.choice(self.documents)[0]}/"
        return f"/api/v1/agents/{rng.choice(self.agents)}/"

    def browse(self, rng):
        return rng.choice(
            ["/", "/chronology/", "/agents/", "/repositories/"]
            + [f"/units/{pk}/x/" for pk in self.units[:20]]
        )

    def export(self, rng):
        return rng.choice(
            [
                "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
                "/export/agents.csv",
                f"/documents/{rng.choice(self.documents)[0]}/prov.jsonld",
                f"/documents/{rng.choice(self.documents)[0]}/manifest.json",
                f"/units/{rng.choice(self.units)}/ead.xml",
                "/api/v1/export/agents.ndjson",
                "/sitemap.xml",
            ]
        )


def sample_records(base):
    """Ids to request, read through the public API itself."""
    session = requests.Session()
    documents, agents, units = [], [], []
    url = f"{base}/api/v1/documents/?page_size=500"
    while url and len(documents) < 3000:
        data = session.get(url, timeout=60).json()
        for record in data["results"]:
            documents.append((record["id"], record.get("slug") or "x"))
        url = data.get("next")
    data = session.get(f"{base}/api/v1/agents/?page_size=500", timeout=60).json()
    agents = [r["id"] for r in data["results"]]
    data = session.get(f"{base}/api/v1/units/?page_size=500", timeout=60).json()
    units = [r["id"] for r in data["results"]]
    return documents, agents, units


def ensure_postgres_database(url: str) -> None:
    """scripts/with-postgres.sh starts an empty server: create the database named in
    DATABASE_URL if it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def restart_postgres(log):
    socket_dir = os.environ.get("PGTEST_SOCKET_DIR")
    pgbin = os.environ.get("PGBIN")
    if not socket_dir or not pgbin:
        sys.exit("--restart-postgres-at needs scripts/with-postgres.sh (PGTEST_SOCKET_DIR, PGBIN)")
    command = [
        f"{pgbin}/pg_ctl",
        "-D",
        f"{socket_dir}/data",
        "-l",
        f"{socket_dir}/restart.log",
        "-m",
        "fast",
        "-w",
        "restart",
    ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    started = time.monotonic()
    # No pipes: the restarted server would inherit them and keep them open forever.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log["restart_seconds"] = round(time.monotonic() - started, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load.")
    parser.add_argument("--documents", type=int, default=3000, help="Catalogue size.")
    parser.add_argument("--import-documents", type=int, default=600, help="Imported during load.")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes.")
    parser.add_argument("--threads", type=int, default=8, help="Threads per worker.")
    parser.add_argument("--max-requests", type=int, default=500_000, help="Hard cap.")
    parser.add_argument("--timeout", type=float, default=30.0, help="Per-request timeout.")
    parser.add_argument(
        "--think", type=float, default=0.0, help="Seconds each user pauses between requests."
    )
    parser.add_argument("--restart-postgres-at", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--json", metavar="FILE", help="Also write the report as JSON.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="catalogue-load-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'catalogue.sqlite3'}"
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    if args.restart_postgres_at is not None and vendor != "postgresql":
        sys.exit("--restart-postgres-at needs a PostgreSQL DATABASE_URL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive_site.settings.base",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(work / "media"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "API_ANON_THROTTLE": "100000000/minute",
        "LOG_LEVEL": "ERROR",
    }
    server = importer = None
    report = {
        "vendor": vendor,
        "users": args.users,
        "duration_s": args.duration,
        "think_s": args.think,
        "documents": args.documents,
        "load_average_before": os.getloadavg(),
    }
    try:
        print(f"[setup] {vendor} catalogue of {args.documents} documents in {work}", flush=True)
        if vendor == "postgresql":
            ensure_postgres_database(database_url)
        run(env, "migrate", "--noinput")
        run(env, "generate_corpus", "--documents", str(args.documents), quiet=False)
        texts = work / "texts"
        run(
            env,
            "generate_corpus",
            "--documents",
            str(args.import_documents),
            "--seed",
            "7",
            "--text-dir",
            str(texts),
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "archive_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
                # longer than any think time: an idle keep-alive connection closed by the
                # server just as the client reuses it would show up as a spurious error
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(work / "gunicorn.out", "w"),  # noqa: SIM115 - lives as long as gunicorn
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(600):
            try:
                if requests.get(f"{base}/robots.txt", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            sys.exit("gunicorn did not start; see " + str(work / "gunicorn.out"))
        documents, agents, units = sample_records(base)
        print(
            f"[setup] gunicorn on {base}: {args.workers} workers x {args.threads} threads; "
            f"{len(documents)} published documents sampled",
            flush=True,
        )
        workload = Workload(base, documents, agents, units)

        importer = subprocess.Popen(
            [PYTHON, "manage.py", "import_documents", str(texts), "--batch-size", "50"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        results = []  # (start offset, category, seconds, outcome)
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + args.duration
        budget = [args.max_requests]

        def user(index):
            rng = random.Random(index)
            session = requests.Session()
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                category, path = workload.next(rng)
                t0 = time.monotonic()
                try:
                    response = session.get(base + path, timeout=args.timeout)
                    _ = response.content
                    outcome = str(response.status_code)
                except requests.RequestException as exc:
                    outcome = type(exc).__name__
                elapsed = time.monotonic() - t0
                with lock:
                    results.append((t0 - started, category, elapsed, outcome, path))
                if args.think:
                    time.sleep(rng.uniform(0.5, 1.5) * args.think)

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
        for thread in threads:
            thread.start()
        restart_log = {}
        if args.restart_postgres_at is not None:
            time.sleep(max(0.0, started + args.restart_postgres_at - time.monotonic()))
            restart_log["at_s"] = round(time.monotonic() - started, 2)
            print(f"[load] restarting PostgreSQL at {restart_log['at_s']} s", flush=True)
            restart_postgres(restart_log)
        for thread in threads:
            thread.join(timeout=args.duration + args.timeout + 30)
        wall = time.monotonic() - started

        import_output, import_status = "", None
        try:
            import_output, _ = importer.communicate(timeout=600)
            import_status = importer.returncode
        except subprocess.TimeoutExpired:
            importer.kill()
        import_summary = import_output.strip().splitlines()[-1] if import_output.strip() else ""

        latencies = [r[2] for r in results]
        outcomes = Counter(r[3] for r in results)
        errors = [r for r in results if not r[3].isdigit() or int(r[3]) >= 500]
        client_errors = [r for r in results if r[3].isdigit() and 400 <= int(r[3]) < 500]
        by_category = defaultdict(list)
        for r in results:
            by_category[r[1]].append(r[2])
        report.update(
            requests=len(results),
            wall_s=round(wall, 1),
            rps=round(len(results) / wall, 1),
            errors=len(errors),
            client_errors=len(client_errors),
            outcomes=dict(outcomes),
            p50_ms=round(statistics.median(latencies) * 1000, 1) if latencies else None,
            p95_ms=round(percentile(latencies, 95) * 1000, 1),
            p99_ms=round(percentile(latencies, 99) * 1000, 1),
            max_ms=round(max(latencies) * 1000, 1) if latencies else None,
            per_category={
                c: {
                    "requests": len(v),
                    "p50_ms": round(statistics.median(v) * 1000, 1),
                    "p99_ms": round(percentile(v, 99) * 1000, 1),
                }
                for c, v in sorted(by_category.items())
            },
            import_exit=import_status,
            import_summary=import_summary,
            error_samples=[f"{r[3]} {r[4]} at {r[0]:.1f}s" for r in errors[:10]],
            client_error_samples=[f"{r[3]} {r[4]}" for r in client_errors[:5]],
        )
        if restart_log:
            down, up = restart_log["at_s"], restart_log["at_s"] + restart_log["restart_seconds"]
            # In flight: sent before the server came back, not finished when it went down.
            in_flight = [r for r in results if r[0] <= up and r[0] + r[2] >= down]
            failed_in_flight = [r for r in errors if r in in_flight]
            failed_later = [r for r in errors if r[0] > up]
            report["postgres_restart"] = {
                **restart_log,
                "in_flight": len(in_flight),
                "failed_in_flight": len(failed_in_flight),
                "failed_after_restart": len(failed_later),
                "failed_before_restart": len(errors) - len(failed_in_flight) - len(failed_later),
                "failed_after_samples": [
                    f"{r[3]} {r[4]} at {r[0]:.1f}s" for r in failed_later[:10]
                ],
            }
        log_tail = (work / "gunicorn.out").read_text(errors="replace").strip().splitlines()
        report["server_log_tail"] = [line[:200] for line in log_tail if "Error" in line][-8:]
        print(json.dumps(report, indent=2), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2))
    finally:
        for process in (importer, server):
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM) if process is server else process.kill()
                    process.wait(timeout=30)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
