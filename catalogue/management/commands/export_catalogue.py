"""Write the whole catalogue as NDJSON files plus a manifest (counts and SHA-256).

This is the logical backup: every record of every status, and the vocabularies a
restore needs, in the API's record shapes. ``import_catalogue`` restores it into an
empty database; exporting again gives the same bytes.
"""

import datetime
import hashlib
import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalogue.formats import ndjson
from catalogue.services.restore import FORMAT, FORMAT_VERSION

BLOCK_BYTES = 1024 * 1024


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

    def handle(self, *args, directory, dry_run=False, force=False, **options):
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} exists and is not a directory.")
        if (target / "manifest.json").exists() and not force and not dry_run:
            raise CommandError(f"{target} already holds an export; pass --force to replace it.")
        progress = self._progress()
        started = datetime.datetime.now(datetime.UTC)
        # One snapshot for every file; on PostgreSQL, REPEATABLE READ makes it one (it
        # must be the transaction's first statement, so not when nested in another).
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if dry_run:
                counts = {kind: spec.queryset(None).count() for kind, spec in ndjson.KINDS.items()}
                self.stdout.write(
                    "Dry run: would export "
                    + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                    + "."
                )
                return
            target.mkdir(parents=True, exist_ok=True)
            with ndjson.fewer_collections():
                entries = [self._write(target, kind, progress) for kind in ndjson.KINDS]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": started.isoformat().replace("+00:00", "Z"),
            "files": entries,
        }
        tmp = target / ".manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target / "manifest.json")
        seconds = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
        if not options["verbosity"]:
            return
        detail = ", ".join(f"{e['records']} {e['kind']}" for e in entries)
        self.stdout.write(
            f"Exported {sum(e['records'] for e in entries)} records ({detail}) "
            f"to {target} in {seconds:.1f}s."
        )

    def _progress(self):
        if not sys.stdout.isatty() or not self.stdout.isatty():
            return None
        from tqdm import tqdm

        return tqdm(unit=" records", file=sys.stderr)

    def _write(self, target: Path, kind: str, progress) -> dict:
        name = f"{kind}.ndjson"
        tmp = target / f".{name}.tmp"
        digest = hashlib.sha256()
        records = 0
        if progress is not None:
            progress.set_description(kind)
        with tmp.open("wb") as handle:
            for block, n in ndjson.encoded_blocks(kind, block_bytes=BLOCK_BYTES):
                digest.update(block)
                handle.write(block)
                records += n
                if progress is not None:
                    progress.update(n)
        os.replace(tmp, target / name)
        return {"kind": kind, "file": name, "records": records, "sha256": digest.hexdigest()}
