"""Write the EAD3 finding aid of one archival unit, for deposit with an aggregator or
for checking a unit's description outside the web site."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from catalogue.formats import default_base_url, ead
from catalogue.models import ArchivalUnit


class Command(BaseCommand):
    help = (
        "Write the EAD3 finding aid of an archival unit (by number, identifier or title) "
        "and everything published below it, to stdout or --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="Unit number, identifier (Lot 74 D 272) or title.")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, unit, output=None, **options):
        target = self.find_unit(unit)
        if not ArchivalUnit.objects.public().filter(pk=target.pk).exists():
            raise CommandError(f"Unit {target.pk} ({target}) has no published documents.")
        data = ead.to_bytes(ead.unit_finding_aid(target, default_base_url()))
        components = data.count(b"<c ")
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"Wrote {output}: {target}, {components} components.")
        else:
            self.stdout.write(data.decode(), ending="")
            self.stderr.write(f"Exported {target}: {components} components.")

    def find_unit(self, value: str) -> ArchivalUnit:
        units = ArchivalUnit.objects.select_related("repository", "creator")
        if value.isdigit():
            found = units.filter(pk=int(value)).first()
            if found:
                return found
        matches = list(units.filter(Q(identifier=value) | Q(title=value))[:10])
        if not matches:
            matches = list(units.filter(Q(identifier__iexact=value) | Q(title__iexact=value))[:10])
        if not matches:
            raise CommandError(f"No archival unit has the number, identifier or title '{value}'.")
        if len(matches) > 1:
            listing = "; ".join(f"{u.pk}: {u} ({u.repository})" for u in matches)
            raise CommandError(
                f"'{value}' matches {len(matches)} units ({listing}); give the unit number."
            )
        return matches[0]
