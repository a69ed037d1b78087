"""Make the whole-catalogue downloads ahead of the first request.

The web sends each whole-catalogue file (the CSV sheets, the PROV dump) from a copy
kept until the catalogue changes, and the first request after a change makes it.
The PROV dump takes minutes at 100,000 documents, longer than a web worker may take
(gunicorn's timeout), so run this after an import or a day's editing: the copies it
makes are the ones the site sends until the next change. Files are made for
``CATALOGUE_BASE_URL``, the only address whose copies the site keeps; run it as the
web server's user or one whose files it can read. Writes no database rows.
"""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue import downloads
from catalogue.formats import default_base_url
from catalogue.formats.dumps import DUMPS


class Command(BaseCommand):
    help = (
        "Make the whole-catalogue downloads (CSV sheets, PROV dump) for the catalogue as it "
        "is now, so the site sends them without making them. Run after imports or edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "names",
            nargs="*",
            metavar="FILE",
            help=f"Which downloads (default all: {', '.join(DUMPS)}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say which are already current; make none."
        )

    def handle(self, *args, names, dry_run=False, **options):
        unknown = sorted(set(names) - set(DUMPS))
        if unknown:
            raise CommandError(
                f"Unknown download(s): {', '.join(unknown)}. Known: {', '.join(DUMPS)}."
            )
        base_url = default_base_url()
        address = urlsplit(base_url)
        if address.scheme not in ("http", "https") or not address.netloc:
            raise CommandError(
                "CATALOGUE_BASE_URL must be the site's address as visitors use it, "
                f"e.g. https://archive.example.org, not {base_url!r}."
            )
        made, current, failed = [], [], []
        chosen = [DUMPS[name] for name in names or DUMPS]
        for dump in tqdm(chosen, unit="file", disable=not self.stdout.isatty() or dry_run):
            name = dump.filename
            if dry_run:
                stamp = downloads.change_stamp()
                kept = stamp is not None and downloads.kept_file(name, stamp).exists()
                (current if kept else made).append(dump.filename)
                continue
            path, fresh = downloads.build(name, lambda dump=dump: dump.chunks(base_url))
            if path is None:
                failed.append(dump.filename)
            else:
                (made if fresh else current).append(dump.filename)
        verb = "would make" if dry_run else "made"
        line = f"{verb.capitalize()} {len(made)} download(s) for {base_url}"
        line += f" ({', '.join(made)})" if made else ""
        line += f"; {len(current)} already current" if current else ""
        if failed:
            raise CommandError(
                f"{line}; {len(failed)} not kept, the catalogue changed while they were "
                f"made or has no change stamp ({', '.join(failed)}): run again."
            )
        self.stdout.write(line + ".")
