"""Orchestrate the tiers: one fresh database and one worker process per (engine, tier).

A fresh process per tier keeps caches, connection state and memory of one tier from
flattering the next; a fresh database per tier keeps the figures about N documents.
The worker (``run_benchmarks --worker``) migrates, generates, measures, and writes its
figures as JSON; the orchestrator collects them into one table and one JSON file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import report

DEFAULT_TIERS = [10_000, 100_000]
SETTINGS = "archive_site.settings.test"


@dataclass
class BenchConfig:
    tiers: list[int] = field(default_factory=lambda: list(DEFAULT_TIERS))
    databases: list[str] = field(default_factory=lambda: ["sqlite"])
    seed: int = 1962
    rounds: int = 8
    import_files: int = 1000
    out_dir: Path = Path("bench-results")
    keep: bool = False
    postgres_url: str = ""


def machine_info() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    memory = None
    try:
        with open("/proc/meminfo") as fh:
            memory = int(fh.readline().split()[1]) // 1024
    except OSError:
        pass
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu_model = next(
                (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")),
                "",
            )
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model,
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return connection.vendor


def calibration() -> dict:
    """CPU seconds this process takes for a fixed piece of work (Python objects, sorting,
    hashing, and SQLite inserts with an index and an FTS5 table, in memory), best of 3.

    Why: on a shared virtual machine the same code's figures vary by ±20 % from run to
    run, in CPU time too (docs/performance.md). Measured at the start and end of each
    tier, it tells a reader whether a run was taken on a fast or slow moment, so runs of
    different days can be compared; lower is faster."""
    import hashlib
    import sqlite3

    def work():
        rows = [(i, f"word{i % 997} text {i * 7919 % 10007}") for i in range(60_000)]
        rows.sort(key=lambda row: row[1])
        digest = hashlib.sha256()
        for _i, words in rows[::10]:
            digest.update(words.encode())
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, words TEXT)")
        db.execute("CREATE INDEX t_words ON t (words)")
        db.execute("CREATE VIRTUAL TABLE f USING fts5(words)")
        db.executemany("INSERT INTO t VALUES (?, ?)", rows)
        db.execute("INSERT INTO f (rowid, words) SELECT id, words FROM t")
        db.close()

    times = []
    for _ in range(3):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return {"cpu_s": round(min(times), 3)}


# --- worker (runs inside the tier's process) --------------------------------------------


def run_worker(*, tier: int, seed: int, rounds: int, import_files: int, label: str) -> dict:
    from django.core.management import call_command
    from django.test import Client

    from catalogue.corpus import generate_corpus

    from . import scenarios
    from .stats import NotAvailable

    result: dict = {"database": label, "tier": tier, "measurements": {}}
    result["calibration_at_start"] = calibration()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result["migrate_s"] = round(time.perf_counter() - started, 2)
    result["database_version"] = database_version()

    corpus = generate_corpus(documents=tier, seed=seed)
    result["measurements"]["generate"] = {
        "documents": corpus.documents,
        "seconds": round(corpus.seconds, 2),
        "documents_per_s": round(corpus.documents_per_second, 1),
        # This process's CPU only: on PostgreSQL the server's share is not in it.
        "documents_per_cpu_s": round(corpus.documents / corpus.cpu_seconds, 1)
        if corpus.cpu_seconds
        else None,
        "index_seconds": round(corpus.index_seconds, 2),
        "rows": corpus.rows,
    }

    client = Client()
    measured = [
        ("search_cold", lambda: scenarios.search(client, rounds, cold=True)),
        ("search", lambda: scenarios.search(client, rounds)),
        ("document_page_cold", lambda: scenarios.document_page(client, rounds, cold=True)),
        ("document_page", lambda: scenarios.document_page(client, rounds)),
        ("agent_page", lambda: scenarios.agent_page(client, rounds)),
        ("unit_page", lambda: scenarios.unit_page(client, rounds)),
        ("browse_pages", lambda: scenarios.browse_pages(client, rounds)),
        ("api_list", lambda: scenarios.api_list(client, rounds)),
        ("api_detail", lambda: scenarios.api_detail(client, rounds)),
        ("export", lambda: scenarios.export(scenarios.manage_py())),
    ]
    for name, measure in measured:
        result["measurements"][name] = _attempt(measure, NotAvailable)

    with tempfile.TemporaryDirectory(prefix="bench-texts-") as text_dir:
        count = min(import_files, tier)
        generate_corpus(
            documents=count, seed=seed + 1000, text_dir=Path(text_dir), to_database=False
        )
        # The export's file and these texts are written back to disk now, not during
        # the import, whose own checkpoints' syncs would wait for them (~0.1 s of 1.5).
        _write_back()
        result["measurements"]["import"] = _attempt(
            lambda: scenarios.import_texts(Path(text_dir), count), NotAvailable
        )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    result["load_average_at_end"] = [round(x, 2) for x in load] if load else None
    result["calibration_at_end"] = calibration()
    result["total_s"] = round(time.perf_counter() - started, 1)
    return result


def _write_back():
    if hasattr(os, "sync"):
        os.sync()


def _attempt(measure, not_available) -> dict:
    try:
        return measure()
    except not_available as exc:
        return {"not_available": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a broken feature is reported, not fatal
        return {
            "not_available": f"error: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=5),
        }


# --- orchestrator --------------------------------------------------------------------------


class BenchError(Exception):
    pass


def run_suite(config: BenchConfig, *, log=print) -> tuple[dict, Path]:
    from django.conf import settings

    manage_py = Path(settings.BASE_DIR) / "manage.py"
    config.out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    data = {
        "started": stamp,
        "machine": machine_info(),
        "config": {
            "tiers": config.tiers,
            "databases": config.databases,
            "seed": config.seed,
            "rounds": config.rounds,
            "import_files": config.import_files,
        },
        "runs": [],
    }
    for database in config.databases:
        for tier in config.tiers:
            log(f"== {database}, {tier:,} documents ==")
            with _fresh_database(database, tier, config) as url:
                data["runs"].append(_spawn_worker(manage_py, database, tier, url, config))
            # Write as we go: a long run's early tiers survive an interrupted later one.
            _write(config.out_dir, "partial", data)
    data["finished"] = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = config.out_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    _write(config.out_dir, "latest", data)
    (config.out_dir / "partial.json").unlink(missing_ok=True)
    (config.out_dir / "partial.md").unlink(missing_ok=True)
    return data, path


def _write(out_dir: Path, name: str, data: dict) -> None:
    (out_dir / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))
    (out_dir / f"{name}.md").write_text(report.markdown(data))


def _spawn_worker(manage_py: Path, database: str, tier: int, url: str, config: BenchConfig):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    env = os.environ.copy()
    env["DATABASE_URL"] = url
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", SETTINGS)
    env.pop("DATABASE_REPLICA_URLS", None)
    cmd = [
        sys.executable,
        str(manage_py),
        "run_benchmarks",
        "--worker",
        f"--tier={tier}",
        f"--seed={config.seed}",
        f"--rounds={config.rounds}",
        f"--import-files={config.import_files}",
        f"--label={database}",
        f"--worker-json={out}",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    try:
        if proc.returncode != 0 or not out.stat().st_size:
            return {
                "database": database,
                "tier": tier,
                "measurements": {},
                "error": (proc.stderr or proc.stdout)[-2000:],
            }
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


class _fresh_database:
    """A new empty database for one tier, removed afterwards unless ``keep``."""

    def __init__(self, database: str, tier: int, config: BenchConfig):
        self.database, self.tier, self.config = database, tier, config
        self.cleanup = None

    def __enter__(self) -> str:
        if self.database == "sqlite":
            work = self.config.out_dir / "databases"
            work.mkdir(parents=True, exist_ok=True)
            path = (work / f"bench-{self.tier}.sqlite3").resolve()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

            def cleanup():
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)

            self.cleanup = cleanup
            return f"sqlite:///{path}"
        if self.database == "postgres":
            return self._postgres()
        raise BenchError(f"Unknown database {self.database!r}: use sqlite or postgres.")

    def _postgres(self) -> str:
        import psycopg

        base = self.config.postgres_url or os.environ.get("DATABASE_URL", "")
        if not base.startswith(("postgres://", "postgresql://")):
            raise BenchError(
                "--databases postgres needs a PostgreSQL server: run under "
                "scripts/with-postgres.sh or set DATABASE_URL/--postgres-url."
            )
        name = f"bench_{self.tier}"
        head, _sep, query = base.partition("?")
        scheme_host = head.rsplit("/", 1)[0]
        suffix = f"?{query}" if query else ""

        def admin(sql: str):
            # The server's maintenance database, reached the way DATABASE_URL says.
            with psycopg.connect(f"{scheme_host}/postgres{suffix}", autocommit=True) as conn:
                conn.execute(sql)

        admin(f'DROP DATABASE IF EXISTS "{name}"')
        admin(f'CREATE DATABASE "{name}"')
        self.cleanup = lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return f"{scheme_host}/{name}{suffix}"

    def __exit__(self, *exc):
        if self.cleanup and not self.config.keep:
            self.cleanup()
        return False
