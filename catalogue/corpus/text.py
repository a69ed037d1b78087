"""Render a planned document as an Avalon Project plain text, the importer's input.

Same layout as the real transcriptions (see /work/shared/docs/source-format.md):
collection line, heading, two blank lines, dateline, body paragraphs with (n) markers,
footnotes ending in "Back", the Source: paragraph, and the transcriber's footer.
"""

from __future__ import annotations

from . import vocabulary as v
from .plan import PlannedDocument


def render_text(doc: PlannedDocument) -> str:
    return render_text_and_body_start(doc)[0]


def render_text_and_body_start(doc: PlannedDocument) -> tuple[str, int]:
    """The text and where ``doc.body`` starts in it (a str index): the body is stored
    twice (``text`` and inside ``raw_text``) but need only be sent to the database once."""
    parts = [doc.collection_line, doc.heading, "", ""]
    if doc.dateline:
        parts += [doc.dateline, ""]
    start = sum(map(len, parts)) + len(parts)
    parts.append(doc.body)
    parts.append("")
    for note in doc.footnotes:
        parts += [f"{note.number} {note.text} Back", ""]
    if doc.source_note:
        parts += [doc.source_note, ""]
    parts.append(v.FOOTER)
    return "\n".join(parts), start


def file_name(doc: PlannedDocument) -> str:
    return f"{doc.index:07d}_{doc.identity_key.replace(':', '-')}.txt"
