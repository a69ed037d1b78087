"""Restore a backup written by ``backup``.

Every checksum in the manifest is verified before anything is touched, and a database
that already holds catalogue records is only overwritten with ``--force``: restoring is
the one command that can destroy an archivist's work, so it checks twice.
"""

from django.core.management.base import BaseCommand, CommandError

from catalogue.management.commands.backup import tqdm_progress
from catalogue.services import backup as service


class Command(BaseCommand):
    help = (
        "Restore the database and media files from a backup directory, after verifying "
        "its checksums; refuses a non-empty database unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Backup directory written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that already holds records.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Verify the backup and the target; restore nothing.",
        )

    def handle(self, *args, path, force=False, dry_run=False, **options):
        try:
            result = service.restore(
                path, force=force, dry_run=dry_run, progress=tqdm_progress("Media")
            )
        except service.BackupError as exc:
            raise CommandError(str(exc)) from exc
        documents = result.counts.get("catalogue_document", 0)
        if dry_run:
            self.stdout.write(
                f"Backup verified: would restore {len(result.counts)} tables "
                f"({documents} documents) and {result.media_files} media files."
            )
            return
        if result.mismatches:
            raise CommandError(
                "Restore finished but differs from the manifest: " + "; ".join(result.mismatches)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(result.counts)} tables ({documents} documents) and "
                f"{result.media_files} media files from {result.path}; all counts and "
                f"checksums match."
            )
        )
