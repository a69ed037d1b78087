"""Take a consistent online backup of the catalogue: the database and MEDIA_ROOT.

Why a command and not a cron'd ``cp``: copying a live SQLite file (or a PostgreSQL
data directory) can capture a half-written transaction; the SQLite backup API and
pg_dump take a consistent snapshot while the site keeps serving, and the manifest's
counts and checksums let ``restore`` prove the copy is whole.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalogue.services import backup as service


def tqdm_progress(label):
    if not sys.stdout.isatty():
        return None
    from tqdm import tqdm

    return lambda items: tqdm(list(items), desc=label, unit="file")


class Command(BaseCommand):
    help = (
        "Write a consistent backup (database snapshot, media files, manifest of record "
        "counts and SHA-256 checksums) into PATH, a new or empty directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Directory to create for the backup.")
        parser.add_argument("--no-media", action="store_true", help="Leave MEDIA_ROOT out.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the destination and say what would be backed up; write nothing.",
        )

    def handle(self, *args, path, no_media=False, dry_run=False, **options):
        if dry_run:
            from pathlib import Path

            target = Path(path)
            if target.exists() and (not target.is_dir() or any(target.iterdir())):
                raise CommandError(f"{target} already exists and is not an empty directory.")
            fingerprint = service.database_fingerprint(connection)
            rows = sum(info["rows"] for info in fingerprint.values())
            self.stdout.write(
                f"Would back up {len(fingerprint)} tables ({rows} rows) of the "
                f"{connection.vendor} database to {target}."
            )
            return
        try:
            result = service.backup(
                path, include_media=not no_media, progress=tqdm_progress("Media")
            )
        except service.BackupError as exc:
            raise CommandError(str(exc)) from exc
        documents = result.counts.get("catalogue_document", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.vendor} database ({len(result.counts)} tables, "
                f"{documents} documents, {result.database_bytes} bytes) and "
                f"{result.media_files} media files ({result.media_bytes} bytes) to {result.path}."
            )
        )
