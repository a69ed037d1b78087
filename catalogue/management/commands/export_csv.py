"""Write documents or agents as CSV, one row per record, for archivists who revise
descriptions in a spreadsheet and load them back with ``import_csv``."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from catalogue.formats import csv as csv_format
from catalogue.formats import default_base_url

KINDS = {
    "documents": (csv_format.DOCUMENT_COLUMNS, csv_format.document_rows),
    "agents": (csv_format.AGENT_COLUMNS, csv_format.agent_rows),
}


class Command(BaseCommand):
    help = (
        "Export documents or agents as CSV (the columns import_csv reads back) to stdout "
        "or --output FILE. Only published records unless --include-unpublished."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--include-unpublished",
            action="store_true",
            help="Also drafts, records in review and withdrawn ones (for staff round trips).",
        )

    def handle(self, *args, kind, output=None, include_unpublished=False, **options):
        columns, to_rows = KINDS[kind]
        if kind == "documents":
            queryset = (
                csv_format.all_documents() if include_unpublished else csv_format.public_documents()
            )
        else:
            queryset = (
                csv_format.all_agents() if include_unpublished else csv_format.public_agents()
            )
        rows = to_rows(queryset, default_base_url())
        if output:
            rows = tqdm(
                rows,
                total=queryset.count(),
                unit="row",
                disable=not self.stdout.isatty(),
                file=sys.stdout,
            )
            with open(output, "w", newline="", encoding="utf-8") as handle:
                count = csv_format.write_csv(rows, columns, handle)
            self.stdout.write(f"Exported {count} {kind} to {output}.")
        else:
            count = csv_format.write_csv(rows, columns, self.stdout)
            self.stderr.write(f"Exported {count} {kind}.")
