"""Archival fixity: prove that every stored page image and derivative is still the file
that was ingested, byte for byte.

Storage rots, people "fix" files by hand, and backups restore old copies; a checksum
recorded at ingest and recomputed on a schedule is how an archive notices. Each file
checked is recorded as a ``FixityCheck`` event, so the history of a file's integrity is
itself part of the record. Exit status is non-zero when any file changed or vanished,
so cron or CI can alert on it.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from catalogue.models import DigitalObject, FixityCheck
from catalogue.services.media import file_checksum, stored_files


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 of every stored page image and derivative, report files "
        "that changed or are missing, and record a FixityCheck for each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but record nothing."
        )
        parser.add_argument(
            "--document", type=int, action="append", help="Only this document's pages (repeatable)."
        )

    def handle(self, *args, dry_run=False, document=None, **options):
        objects = DigitalObject.objects.order_by("document_id", "page_number")
        if document:
            objects = objects.filter(document_id__in=document)
        total = objects.count()
        progress = tqdm(
            objects.iterator(chunk_size=200),
            total=total,
            unit="page",
            disable=not self.stdout.isatty(),
            file=sys.stdout,
        )
        checks: list[FixityCheck] = []
        unverifiable = 0
        for obj in progress:
            for role, field_file, expected in stored_files(obj):
                if not expected:
                    unverifiable += 1
                    self.stderr.write(
                        f"No recorded checksum for the {role} of {obj} ({field_file.name}); "
                        "cannot verify it."
                    )
                    continue
                actual = file_checksum(field_file)
                if actual is None:
                    outcome = FixityCheck.Outcome.MISSING
                elif actual != expected:
                    outcome = FixityCheck.Outcome.CHANGED
                else:
                    outcome = FixityCheck.Outcome.OK
                checks.append(
                    FixityCheck(
                        digital_object=obj,
                        role=role,
                        path=field_file.name,
                        outcome=outcome,
                        expected=expected,
                        actual=actual or "",
                    )
                )
                if outcome != FixityCheck.Outcome.OK:
                    label = FixityCheck.Outcome(outcome).label.lower()
                    self.stderr.write(f"{label.upper()}: {field_file.name} ({role} of {obj})")
        if not dry_run:
            with transaction.atomic():
                FixityCheck.objects.bulk_create(checks, batch_size=500)
        counts = dict.fromkeys(FixityCheck.Outcome.values, 0)
        for check in checks:
            counts[check.outcome] += 1
        failed = counts["changed"] + counts["missing"]
        summary = (
            f"{'Would record' if dry_run else 'Checked'} {len(checks)} files of {total} page "
            f"images: {counts['ok']} unchanged, {counts['changed']} changed, "
            f"{counts['missing']} missing"
            + (f", {unverifiable} without a recorded checksum" if unverifiable else "")
            + "."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
