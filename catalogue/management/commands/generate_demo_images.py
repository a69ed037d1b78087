"""Draw a facsimile page image for documents that have none, and ingest it through the
media service, so a fresh install shows the page-image feature end to end.

The image is plainly labelled as a generated facsimile of the transcription — never
presented as a scan of the original — because a catalogue must not invent evidence.
Idempotent: documents that already have a page are skipped.
"""

import io
import sys
import textwrap

from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from catalogue.models import Document
from catalogue.services.media import ingest_page_image

PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
CAPTION = "Generated facsimile of the transcription (not a scan of the original)"


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType
        return ImageFont.load_default()


def draw_facsimile(document: Document, *, max_lines: int = 40) -> bytes:
    """A typewritten-looking page: classification, heading, dateline, first lines."""
    page = Image.new("RGB", PAGE_SIZE, (246, 241, 228))
    draw = ImageDraw.Draw(page)
    body, small, large = _font(26), _font(20), _font(30)
    ink = (40, 38, 36)
    y = MARGIN
    if document.classification_id:
        mark = document.classification.name.upper()
        width = draw.textlength(mark, font=large)
        draw.text(((PAGE_SIZE[0] - width) / 2, y), mark, font=large, fill=(150, 30, 30))
        y += 60
    for line in textwrap.wrap(document.title, 60):
        draw.text((MARGIN, y), line, font=large, fill=ink)
        y += 40
    dateline = ", ".join(part for part in [document.place, document.display_date] if part)
    draw.text((MARGIN, y + 10), dateline, font=body, fill=ink)
    y += 70
    lines = []
    for paragraph in (document.text or "").splitlines():
        lines.extend(textwrap.wrap(paragraph, 68) or [""])
    for line in lines[:max_lines]:
        draw.text((MARGIN, y), line, font=body, fill=ink)
        y += 34
        if y > PAGE_SIZE[1] - MARGIN - 60:
            break
    draw.line(
        (MARGIN, PAGE_SIZE[1] - MARGIN, PAGE_SIZE[0] - MARGIN, PAGE_SIZE[1] - MARGIN), fill=ink
    )
    draw.text(
        (MARGIN, PAGE_SIZE[1] - MARGIN + 12),
        f"{CAPTION} - document {document.pk}",
        font=small,
        fill=(110, 105, 100),
    )
    out = io.BytesIO()
    page.save(out, "PNG", optimize=True)
    return out.getvalue()


class Command(BaseCommand):
    help = "Generate and ingest a facsimile page image for documents that have no page yet."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be drawn.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many documents.")
        parser.add_argument(
            "--all-statuses",
            action="store_true",
            help="Include unpublished documents (default: published only).",
        )

    def handle(self, *args, dry_run=False, limit=None, all_statuses=False, **options):
        documents = Document.objects.filter(digital_objects__isnull=True).select_related(
            "classification"
        )
        if not all_statuses:
            documents = documents.published()
        documents = documents.order_by("pk")
        if limit is not None:
            documents = documents[:limit]
        documents = list(documents)
        if dry_run:
            for document in documents:
                self.stdout.write(f"Would draw page 1 of document {document.pk}: {document}")
            self.stdout.write(f"Would generate {len(documents)} page images.")
            return
        created = 0
        for document in tqdm(
            documents, unit="doc", disable=not self.stdout.isatty(), file=sys.stdout
        ):
            with transaction.atomic():
                ingest_page_image(
                    document=document,
                    upload=draw_facsimile(document),
                    caption=CAPTION,
                    original_name=f"facsimile-{document.pk}.png",
                )
            created += 1
        skipped = (
            Document.objects.filter(digital_objects__isnull=False).distinct().count() - created
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {created} facsimile page images; {skipped} documents already had pages."
            )
        )
