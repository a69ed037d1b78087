"""Write the whole catalogue as NDJSON files plus a manifest (counts and SHA-256).

This is the logical backup: every record of every status, and the vocabularies a
restore needs, in the API's record shapes. ``import_catalogue`` restores it into an
empty database; exporting again gives the same bytes.

Files are written into a staging directory inside DIR and moved into place only when
every one of them is complete, the manifest last: a failed export leaves DIR as it
was. With two or more cores the documents' file is built by a worker process while
this one reads the next batch (``ndjson_pipeline``): same bytes, about half the wall
time.
"""

import datetime
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalogue.formats import ndjson, ndjson_pipeline, ndjson_rows, ndjson_worker
from catalogue.management.termination import EXIT_CODE, Terminated, terminate_cleanly
from catalogue.services.restore import FORMAT, FORMAT_VERSION

BLOCK_BYTES = 1024 * 1024
# Documents per batch through the worker: each process holds about one batch, and the
# two processes' peaks together must stay well under 200 MB at 100,000 documents
# (500: 117 + 55 MB; 1,000: 133 + 75 MB), while the queries are compiled only once.
WORKER_CHUNK = 500


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _peak_rss_mb() -> float | None:
    kb = ndjson_worker.peak_rss_kb()
    return kb / 1024 if kb is not None else None


@contextmanager
def read_snapshot(connection):
    """One point-in-time view of the database for every file, without blocking writers.

    On SQLite ``transaction.atomic()`` would run ``BEGIN IMMEDIATE`` (the settings'
    ``transaction_mode``), taking the write lock for the whole export: every save
    made meanwhile waited out the busy timeout and failed. A deferred transaction
    and a first read fix a WAL snapshot instead. On PostgreSQL, REPEATABLE READ READ
    ONLY (it must be the transaction's first statement). Inside a caller's
    transaction, that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM sqlite_master")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


class Command(BaseCommand):
    help = (
        "Export the whole catalogue (all statuses, with vocabularies) to DIR as NDJSON "
        "files plus manifest.json with record counts and SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Directory to write (created if missing).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the records, write nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite an existing export in DIR."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--in-process",
            action="store_true",
            help="Build the documents' file in this process, without a worker process "
            "(the default on a single core).",
        )
        mode.add_argument(
            "--worker",
            action="store_true",
            help="Build the documents' file in a worker process even on a single core "
            "(the default on two or more).",
        )

    def handle(self, *args, directory, dry_run=False, force=False, **options):
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} exists and is not a directory.")
        if (target / "manifest.json").exists() and not force and not dry_run:
            raise CommandError(f"{target} already holds an export; pass --force to replace it.")
        self.worker = options.get("worker") or (not options.get("in_process") and _cores() > 1)
        self.worker_peak_kb = None
        progress = self._progress()
        started = datetime.datetime.now(datetime.UTC)
        with read_snapshot(connection):
            if dry_run:
                counts = {kind: spec.queryset(None).count() for kind, spec in ndjson.KINDS.items()}
                self.stdout.write(
                    "Dry run: would export "
                    + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                    + "."
                )
                return
            created = not target.exists()
            target.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target))
            try:
                with terminate_cleanly(), ndjson.fewer_collections():
                    entries = [self._write(staging, kind, progress) for kind in ndjson.KINDS]
            except BaseException as exc:
                shutil.rmtree(staging, ignore_errors=True)
                if created:
                    shutil.rmtree(target, ignore_errors=True)
                if isinstance(exc, ndjson_pipeline.WorkerError):
                    raise CommandError(f"Export failed, nothing written: {exc}") from exc
                if isinstance(exc, Terminated):
                    raise CommandError(
                        f"Export {exc}; nothing written.", returncode=EXIT_CODE
                    ) from exc
                raise
            finally:
                if progress is not None:
                    progress.close()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": started.isoformat().replace("+00:00", "Z"),
            "files": entries,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        # A complete export is one with a manifest: take the old one away before the
        # files it describes are replaced, and put the new one in place last.
        (target / "manifest.json").unlink(missing_ok=True)
        for entry in entries:
            os.replace(staging / entry["file"], target / entry["file"])
        os.replace(staging / "manifest.json", target / "manifest.json")
        staging.rmdir()
        seconds = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
        if not options["verbosity"]:
            return
        detail = ", ".join(f"{e['records']} {e['kind']}" for e in entries)
        peak = _peak_rss_mb()
        memory = f"; peak RSS {peak:.0f} MB" if peak is not None else ""
        if peak is not None and self.worker_peak_kb is not None:
            worker = self.worker_peak_kb / 1024
            memory += (
                f" + worker {worker:.0f} MB = {peak + worker:.0f} MB"
                f"; CPU {time.process_time():.1f}s + worker {self.worker_cpu:.1f}s"
            )
        self.stdout.write(
            f"Exported {sum(e['records'] for e in entries)} records ({detail}) "
            f"to {target} in {seconds:.1f}s{memory}."
        )

    def _progress(self):
        if not sys.stdout.isatty() or not self.stdout.isatty():
            return None
        from tqdm import tqdm

        return tqdm(unit=" records", file=sys.stderr)

    def _write(self, target: Path, kind: str, progress) -> dict:
        name = f"{kind}.ndjson"
        digest = hashlib.sha256()
        records = 0
        if progress is not None:
            progress.set_description(kind)
        if kind == "documents" and self.worker:
            return self._write_documents(target, name, progress)
        with (target / name).open("wb") as handle:
            for block, n in ndjson.encoded_blocks(kind, block_bytes=BLOCK_BYTES):
                digest.update(block)
                handle.write(block)
                records += n
                if progress is not None:
                    progress.update(n)
        return {"kind": kind, "file": name, "records": records, "sha256": digest.hexdigest()}

    def _write_documents(self, target: Path, name: str, progress) -> dict:
        queryset = ndjson.KINDS["documents"].queryset(None)
        result = ndjson_pipeline.write_documents(
            target / name,
            ndjson_rows.read_batches(queryset, chunk_size=WORKER_CHUNK),
            units=ndjson_rows.unit_labels(),
            urls=ndjson_rows.urls(),
            block_bytes=BLOCK_BYTES,
            progress=progress.update if progress is not None else None,
        )
        self.worker_peak_kb = result["worker_peak_rss_kb"]
        self.worker_cpu = result["worker_cpu_seconds"]
        return {
            "kind": "documents",
            "file": name,
            "records": result["records"],
            "sha256": result["sha256"],
        }
