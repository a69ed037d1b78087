"""Import Avalon/FRUS plain-text documents into the catalogue.

Typing each text into the admin is the bottleneck the catalogue exists to remove; this
command reads files, directories (recursively, ``*.txt``) and globs, and stores each
text as a complete record (see ``catalogue.services.importing`` for the guarantees).
"""

import json
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalogue.importers.parallel import MAX_DEFAULT_WORKERS
from catalogue.models import ImportRun
from catalogue.services.importing import (
    MIN_FILES_FOR_WORKERS,
    default_username,
    discover,
    run_import,
)


class Command(BaseCommand):
    help = (
        "Import Avalon/FRUS plain-text documents (files, directories searched recursively "
        "for *.txt, or globs). Each file is stored atomically; re-importing an unchanged "
        "file changes nothing; a changed file updates its record and keeps history."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="File, directory or glob.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and validate only; write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object per parsed document on stdout (the export shape); "
            "progress and the summary then go to stderr.",
        )
        parser.add_argument(
            "--fail-fast", action="store_true", help="Stop at the first file that fails."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish imported records (default: draft)."
        )
        parser.add_argument(
            "--collection", metavar="NAME", help="Override the collection heading of the texts."
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            metavar="N",
            help=f"Refuse files larger than N bytes (default {settings.IMPORT_MAX_BYTES}).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who is importing (recorded on the run; default: the OS user).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Files stored per transaction batch."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            metavar="N",
            help="Processes that parse files while this one stores them (0: parse in this "
            f"process; default: one per core but one, up to {MAX_DEFAULT_WORKERS}, for "
            f"{MIN_FILES_FOR_WORKERS} files or more, none on one core). The order, "
            "transactions and "
            "results are the same either way.",
        )

    def handle(self, *args, **opts):
        max_bytes = opts["max_bytes"] or settings.IMPORT_MAX_BYTES
        if max_bytes <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes.")
        if opts["workers"] is not None and opts["workers"] < 0:
            raise CommandError("--workers must be 0 or more.")
        sources = discover(opts["paths"])
        if not sources:
            raise CommandError("No .txt files found in the paths given.")
        report = self.stderr if opts["json"] else self.stdout
        username = opts["user"] or default_username()
        user = get_user_model().objects.filter(username=username).first() if username else None

        progress = None
        if sys.stderr.isatty() and opts["verbosity"] > 0:
            from tqdm import tqdm

            # No monitor thread: with no other thread running, the workers can be forked.
            # (miniters=1: the monitor no longer caps the gaps between refreshes.)
            tqdm.monitor_interval = 0
            progress = tqdm(
                total=len(sources), unit="file", file=sys.stderr, leave=False, miniters=1
            )

        printing = opts["json"]

        def on_result(result):
            nonlocal printing
            if printing and result.parsed is not None:
                data = result.parsed.to_export_dict()
                if result.document_id is not None:
                    data["id"] = result.document_id
                try:
                    self.stdout.write(json.dumps(data, ensure_ascii=False, default=str))
                    self.stdout.flush()
                except BrokenPipeError:  # e.g. piped into `head`: keep importing, stop printing
                    printing = False
            if progress is not None:
                progress.update(1)

        options = {
            key: opts[key]
            for key in ("paths", "publish", "collection", "max_bytes", "fail_fast", "batch_size")
        }
        options["max_bytes"] = max_bytes
        try:
            summary = run_import(
                sources,
                channel=ImportRun.Channel.COMMAND,
                user=user,
                username=username,
                publish=opts["publish"],
                collection=opts["collection"],
                max_bytes=max_bytes,
                fail_fast=opts["fail_fast"],
                dry_run=opts["dry_run"],
                options=options,
                batch_size=max(1, opts["batch_size"]),
                on_result=on_result,
                workers=opts["workers"],
                fork_workers=True,  # this process does nothing else
            )
        finally:
            if progress is not None:
                progress.close()

        for result in summary.files:
            if result.encoding and result.encoding not in ("utf-8", "utf-8-sig", "ascii"):
                report.write(f"DECODED {result.path} as {result.encoding}", style_func=str)
        for failure in summary.failures:
            report.write(f"FAILED {failure.describe_error()}", style_func=str)
        line = summary.line()
        if summary.run is not None:
            line += f" (import run {summary.run.pk})"
        report.write(line, style_func=str)
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} of {len(summary.files)} files failed.")
