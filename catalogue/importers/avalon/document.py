"""Assemble one :class:`ParsedDocument` from a text, part by part.

The text is cut into its parts from both ends, because the two ends are the
most regular: collection line and heading at the top, then the dateline; the
transcriber's footer, the source note and the footnotes at the bottom.  What
remains between them is the body.  Each part is then read by its own module.
Missing optional parts become warnings, never errors: an archivist reviews them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalogue.importers.avalon.body import analyse_body, anchor_before, find_markers, iter_markers
from catalogue.importers.avalon.dateline import Dateline, parse_dateline
from catalogue.importers.avalon.errors import ParseError
from catalogue.importers.avalon.footnotes import (
    FOOTNOTE_START,
    has_back,
    parse_footnote,
    split_footnote,
    strip_back,
)
from catalogue.importers.avalon.heading import (
    Heading,
    match_collection,
    parse_heading,
    recognise_type,
)
from catalogue.importers.avalon.names import fold, normalise_name
from catalogue.importers.avalon.reader import decode
from catalogue.importers.avalon.source_note import SOURCE_START, is_dating_remark, parse_source_note
from catalogue.importers.avalon.textutil import MONTH_RE, month_number, safe_date
from catalogue.importers.records import (
    ParsedAgent,
    ParsedAgentRole,
    ParsedDate,
    ParsedDocument,
    ParsedFootnote,
)

PARSER_VERSION = "avalon-1.0"
MAX_HEADING = 300  # an unrecognised heading longer than this is not one
MAX_HEADING_LENGTH = 600  # no real heading is this long
_FOOTER = re.compile(
    r"Wall Street|New Haven|Avalon Project|Lillian Goldman|Yale Law School|Copyright|©", re.I
)
_HEADING_LIKE = re.compile(r"^[A-Z][^\n]{2,}$")
_FULL_DATE = re.compile(
    r"\b(?P<month>" + MONTH_RE + r")\s+(?P<day>\d{1,2}),\s*(?P<year>1[6-9]\d\d|20\d\d)\b"
)
_CONNECTIVES = frozenset(
    {"to", "and", "the", "of", "for", "from", "between", "in", "on", "at", "by", "with"}
)
_NO_DATELINE_TYPES = frozenset({"editorial_note", "chronology"})


@dataclass
class _Paragraph:
    line: int  # 1-based line number of its first line
    text: str


def _paragraphs(lines: list[str], start: int) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    current: list[str] = []
    first = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if line.strip():
            if not current:
                first = i + 1
            current.append(line)
        elif current:
            out.append(_Paragraph(first, "\n".join(current)))
            current = []
    if current:
        out.append(_Paragraph(first, "\n".join(current)))
    return out


def _continues(heading: str, lines: list[str], i: int) -> bool:
    """Is line ``i`` the rest of a heading that was wrapped (ends in "to", "and", "(")?"""
    if i >= len(lines) or len(heading) > MAX_HEADING_LENGTH:
        return False
    line = lines[i].strip()
    if not line or len(line) > 200 or SOURCE_START.match(line) or parse_dateline(line):
        return False
    last = heading.rsplit(" ", 1)[-1].lower()
    return last in _CONNECTIVES or heading.count("(") > heading.count(")")


def _top(lines: list[str], collection: str | None, doc: ParsedDocument) -> tuple[Heading, int]:
    """Find the collection line and the heading; return the heading and the next line index."""
    nonblank = []
    for i, line in enumerate(lines):
        if line.strip():
            nonblank.append(i)
            if len(nonblank) == 2:
                break
    first_i = nonblank[0]
    first = " ".join(lines[first_i].split())
    canonical = match_collection(first, collection) if len(first) <= 120 else None
    if canonical is not None:
        doc.collection_as_written = first
        doc.collection = collection or canonical
        if len(nonblank) < 2:
            raise ParseError(
                "no recognisable heading: nothing after the collection line", line=first_i + 1
            )
        heading_i = nonblank[1]
    elif recognise_type(first) and len(first) <= MAX_HEADING:
        heading_i = first_i
        doc.collection = collection or ""
        doc.warnings.append("no collection line")
    elif len(nonblank) == 2 and recognise_type(lines[nonblank[1]].strip()):
        doc.collection_as_written = first
        doc.collection = collection or first
        doc.warnings.append(f"unknown collection: {first[:80]!r}")
        heading_i = nonblank[1]
    else:
        raise ParseError(
            "no recognisable heading: the first line is neither a known collection nor a document heading",
            line=first_i + 1,
        )
    text = " ".join(lines[heading_i].split())
    while _continues(text, lines, heading_i + 1):
        heading_i += 1  # a heading wrapped onto the next line
        text = f"{text} {' '.join(lines[heading_i].split())}"
    if len(text) > MAX_HEADING_LENGTH:
        raise ParseError(
            f"no recognisable heading: the heading line is {len(text)} characters long",
            line=heading_i + 1,
        )
    heading = parse_heading(text)
    if not heading.recognised:
        if (
            len(text) > MAX_HEADING
            or not _HEADING_LIKE.match(text)
            or SOURCE_START.match(text)
            or parse_dateline(text) is not None
        ):
            raise ParseError("no recognisable heading", line=heading_i + 1)
        doc.warnings.append("unrecognised document type")
    return heading, heading_i + 1


def _dateline(paras: list[_Paragraph]) -> tuple[Dateline | None, int]:
    """Find the dateline among the first short paragraphs; return it and its index."""
    for index, para in enumerate(paras[:3]):
        if "\n" in para.text or len(para.text) > 120:
            break
        found = parse_dateline(para.text)
        if found is not None:
            return found, index
        if len(para.text) > 80:
            break
    return None, -1


def _bottom(
    paras: list[_Paragraph], doc: ParsedDocument
) -> tuple[list[_Paragraph], list[tuple[int, str]], str]:
    """Split off footer, source note and footnotes; return body paragraphs and footnotes."""
    end = len(paras)
    while end > 0 and len(paras[end - 1].text) <= 400 and _FOOTER.search(paras[end - 1].text):
        end -= 1
    doc.footer = "\n".join(p.text for p in paras[end:])
    rest = paras[:end]
    source_text = ""
    for i in range(len(rest) - 1, -1, -1):
        if SOURCE_START.match(rest[i].text):
            source_text = rest[i].text
            rest = rest[:i] + rest[i + 1 :]
            break
    notes: list[tuple[int, str]] = []
    j = len(rest) - 1
    pending = ""  # a continuation paragraph ending in "Back"
    while j >= 0:
        text = rest[j].text
        parsed = split_footnote(text + (" " + pending if pending else ""))
        if parsed and (not notes or parsed[0] < notes[0][0]):
            notes.insert(0, parsed)
            pending = ""
            j -= 1
            continue
        if not pending and has_back(text) and j > 0 and FOOTNOTE_START.match(rest[j - 1].text):
            pending = strip_back(text) + " Back"
            j -= 1
            continue
        if pending:
            j += 1
        break
    body = rest[: j + 1] if j >= 0 else []
    return body, notes, source_text


def _date_from_remark(remark: str, certainty: str) -> ParsedDate | None:
    m = _FULL_DATE.search(remark)
    if not m:
        return None
    month = month_number(m.group("month"))
    value = safe_date(int(m.group("year")), month or 1, int(m.group("day"))) if month else None
    if value is None:
        return None
    return ParsedDate(value, "day", certainty, m.group(0), remark)


def _apply_dating(
    doc: ParsedDocument, dateline: Dateline | None, footnotes: list[ParsedFootnote]
) -> None:
    date = doc.date
    notes: list[str] = []
    if doc.source_note and doc.source_note.dating_inference:
        notes.append(doc.source_note.dating_inference)
    by_number = {f.number: f for f in footnotes}
    for n in dateline.markers if dateline else []:
        fn = by_number.get(n)
        if fn and (is_dating_remark(fn.text) or date.certainty != "certain"):
            notes.append(fn.text)
    if not notes:
        return
    note = " ".join(notes)
    if date.value is None:
        inferred = _date_from_remark(note, "inferred")
        if inferred is not None:
            doc.date = inferred
            return
    elif date.certainty == "certain":
        date.certainty = "inferred"
    date.note = note


def _link_footnotes(
    doc: ParsedDocument, notes: list[tuple[int, str]], heading: Heading, dateline: Dateline | None
) -> None:
    reference = doc.date.value
    numbers = [n for n, _ in notes]
    offsets = find_markers(doc.body, numbers)
    outside = set(heading.markers) | set(dateline.markers if dateline else [])
    for number, text in notes:
        footnote = parse_footnote(number, text, reference)
        offset = offsets.get(number)
        if offset is not None:
            footnote.marker_offset = offset
            footnote.anchor_text = anchor_before(doc.body, offset)
        elif number not in outside:
            doc.warnings.append(f"footnote {number}: marker not found in body")
        doc.footnotes.append(footnote)
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        doc.warnings.append("footnote numbering has gaps: " + ", ".join(map(str, numbers)))
    known = set(numbers) | outside
    for n, _, attached in iter_markers(doc.body):
        if attached and n not in known:
            doc.warnings.append(f"marker ({n}) in body has no footnote")
            known.add(n)


def _identity_key(doc: ParsedDocument) -> str:
    parts = [
        normalise_name(doc.collection),
        normalise_name(doc.heading),
        doc.date.value.isoformat() if doc.date.value else "",
        doc.message_number,
    ]
    if not doc.message_number:
        if doc.time is not None:
            parts.append(doc.time.strftime("%H:%M"))
        elif doc.date.value is None:
            parts.append(" ".join(fold(doc.body[:400]).split()[:12]))
    return "|".join(parts)


def _add_role(doc: ParsedDocument, agent: ParsedAgent, role: str) -> None:
    for existing in doc.roles:
        if (
            existing.role == role
            and existing.agent.name == agent.name
            and existing.agent.kind == agent.kind
        ):
            return
    doc.roles.append(ParsedAgentRole(agent=agent, role=role))


def parse_document(
    data: bytes,
    *,
    filename: str = "<string>",
    max_bytes: int | None = None,
    collection: str | None = None,
) -> ParsedDocument:
    """Parse one Avalon/FRUS plain-text document.

    Raises :class:`ParseError` (with ``line`` where it applies) for an empty,
    binary, undecodable or oversized input, or one without a recognisable heading.
    """
    try:
        decoded = decode(data, max_bytes=max_bytes)
        doc = ParsedDocument(
            raw_text=decoded.raw_text,
            encoding=decoded.encoding,
            checksum=decoded.checksum,
            source_file=filename,
            parser_version=PARSER_VERSION,
        )
        lines = [line.rstrip() for line in decoded.text.split("\n")]
        heading, after = _top(lines, collection, doc)
    except ParseError as error:
        raise error.with_filename(filename) from None
    doc.heading = doc.title = heading.text
    doc.doc_type, doc.doc_type_label, doc.is_draft = (
        heading.doc_type,
        heading.label,
        heading.is_draft,
    )
    doc.sender = heading.sender
    doc.recipients = heading.recipients
    doc.recipient = heading.recipients[0] if heading.recipients else None
    doc.authors = heading.authors
    doc.meeting_number = heading.meeting_number

    paras = _paragraphs(lines, after)
    dateline, index = _dateline(paras)
    if dateline is not None:
        doc.dateline = dateline.text
        doc.place, doc.date = dateline.place, dateline.date
        doc.time, doc.time_end, doc.time_text = dateline.time, dateline.time_end, dateline.time_text
        paras = paras[:index] + paras[index + 1 :]
    elif doc.doc_type not in _NO_DATELINE_TYPES:
        doc.warnings.append("no dateline")

    body_paras, notes, source_text = _bottom(paras, doc)
    doc.body = "\n\n".join(p.text for p in body_paras)
    if not doc.body.strip():
        doc.warnings.append("no body text")
    if source_text:
        doc.source_note = parse_source_note(source_text)
        if doc.source_note.location is None or not doc.source_note.location.units:
            doc.warnings.append("source note gives no archival location")
        if not doc.source_note.classification and doc.doc_type != "editorial_note":
            doc.warnings.append("source note gives no classification")
    elif doc.doc_type != "editorial_note":
        doc.warnings.append("no source note")

    parties = [a for a in [doc.sender, *doc.recipients, *heading.participants] if a is not None]
    facts = analyse_body([p.text for p in body_paras], doc.doc_type, parties)
    doc.message_number, doc.subject = facts.message_number, facts.subject
    doc.routing, doc.references, doc.speakers = facts.routing, facts.references, facts.speakers
    doc.participants = list(heading.participants)
    for agent in facts.participants:
        if not any(normalise_name(a.name) == normalise_name(agent.name) for a in doc.participants):
            doc.participants.append(agent)

    _link_footnotes(doc, notes, heading, dateline)
    _apply_dating(doc, dateline, doc.footnotes)
    if doc.date.value is None and doc.doc_type not in _NO_DATELINE_TYPES:
        doc.warnings.append("date unknown")

    if doc.sender:
        _add_role(doc, doc.sender, "sender")
    for agent in doc.recipients:
        _add_role(doc, agent, "recipient")
    for agent in doc.authors:
        _add_role(doc, agent, "author")
    for agent in doc.participants:
        _add_role(doc, agent, "participant")
    for agent in facts.speaker_agents:
        _add_role(doc, agent, "speaker")
    if doc.source_note:
        for role in doc.source_note.roles:
            _add_role(doc, role.agent, role.role)
    doc.identity_key = _identity_key(doc)
    return doc
