"""Load documents or agents from a CSV sheet (as written by ``export_csv``).

All or nothing: every problem in the sheet is listed with its line and column, and
nothing is written unless there are none.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.services.csv_import import CsvImportError, import_agents_csv, import_documents_csv

IMPORTERS = {"documents": import_documents_csv, "agents": import_agents_csv}


class Command(BaseCommand):
    help = (
        "Import documents or agents from CSV: rows with an id update that record, rows "
        "without create one (documents as drafts). Atomic; --dry-run checks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", help="CSV file (UTF-8; Excel's BOM is fine).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )

    def handle(self, *args, kind, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = IMPORTERS[kind](source=path.read_bytes(), dry_run=dry_run)
        except CsvImportError as exc:
            problems = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(
                f"{path.name}: {len(exc.errors)} problem(s); nothing was imported.\n{problems}"
            ) from None
        self.stdout.write(f"{path.name}: {result.summary(kind)}")
