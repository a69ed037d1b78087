"""Restore an ``export_catalogue`` directory into an empty database.

Checksums and counts are verified first; the restore is one transaction, so a bad
export or a non-empty database leaves everything as it was.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.services.restore import RestoreError, restore_catalogue, verify_export


class DryRunRollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Restore an NDJSON export (from export_catalogue) into an empty database, after "
        "verifying its manifest checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Directory written by export_catalogue.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Verify and load everything, then roll back: nothing is kept.",
        )

    def handle(self, *args, directory, dry_run=False, **options):
        source = Path(directory)
        if not source.is_dir():
            raise CommandError(f"{source} is not a directory.")
        started = time.monotonic()
        bar = None
        try:
            entries = verify_export(source)
            progress = None
            if sys.stdout.isatty() and self.stdout.isatty():
                from tqdm import tqdm

                bar = tqdm(total=sum(e.records for e in entries), unit=" records", file=sys.stderr)

                def progress(kind, n):
                    bar.set_description(kind, refresh=False)
                    bar.update(n)

            with transaction.atomic():
                counts = restore_catalogue(directory=source, progress=progress)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            self.stdout.write(
                f"Dry run: {source} verified and loads cleanly "
                f"({sum(counts.values())} records); nothing kept."
            )
            return
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        if not options["verbosity"]:
            return
        self.stdout.write(
            f"Restored {sum(counts.values())} records "
            f"({', '.join(f'{n} {kind}' for kind, n in counts.items())}) from {source} "
            f"in {time.monotonic() - started:.1f}s."
        )
