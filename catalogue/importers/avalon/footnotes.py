"""Footnotes: the numbered paragraphs at the end, and what each one does.

A footnote paragraph is "<n> <text>" (often followed by the link artefact
"Back").  Each footnote is classified by what it contains, in this order of
precedence:

1. ``date`` — the whole text is a date ("October 28.", "Sunday, October 28,
   1962."); it is resolved with the document's date: the year closest to it.
2. ``archival`` — it gives the location of an archival item (see ``location``).
3. ``citation`` — it cites a printed source "<Title>, p(p). <pages>".
4. ``cross_reference`` — it refers to "Document N" of the same volume.
5. ``note`` — anything else.

All the details found are kept whatever the kind, so a footnote that cites a
printed text *and* a document of the volume has both lists filled.
"""

from __future__ import annotations

import datetime as dt
import re

from catalogue.importers.avalon.location import find_locations
from catalogue.importers.avalon.textutil import (
    MONTH_RE,
    WEEKDAY_RE,
    iter_sentences,
    month_number,
    nearest_date,
    safe_date,
)
from catalogue.importers.records import ParsedFootnote, ParsedPrintedCitation

FOOTNOTE_START = re.compile(r"^(?P<n>\d{1,3})(?P<dot>[.)])?[ \t]+(?P<text>\S.*)$", re.S)
MAX_CITATIONS = 40
_BACK_TAILS = ("[Back]", "Back")


def has_back(text: str) -> bool:
    """Does the paragraph end with the "Back" link left over from the web page?"""
    return strip_back(text) != text.rstrip()


def strip_back(text: str) -> str:
    """``text`` without a trailing "Back"/"[Back]" link (a whole word), right-stripped."""
    text = text.rstrip()
    for tail in _BACK_TAILS:
        if text.endswith(tail):
            head = text[: -len(tail)]
            if not head or head[-1].isspace():
                return head.rstrip()
    return text


_DATE_ONLY = re.compile(
    r"^(?:(?:i\.e\.|That is|Presumably|Apparently|Probably|Evidently|On)\s*,?\s+)?"
    r"(?:(?P<weekday>" + WEEKDAY_RE + r")\s*,?\s+)?"
    r"(?P<month>" + MONTH_RE + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?P<year>1[6-9]\d\d|20\d\d))?\s*[.;]?$",
    re.I,
)
_DOCUMENT = re.compile(
    r"\bDocuments?\s+(?P<list>\d{1,4}(?:(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)\d{1,4})*)"
)
_PRINTED_AS = re.compile(r"\bprinted\s+(?:as|in)\s+$", re.I)
_SEMICOLON = re.compile(r";\s+")
_SENTENCE = re.compile(r"\.\s+(?=[A-Z])")
_FRUS = re.compile(
    r"(?P<title>(?:Foreign Relations(?: of the United States)?|FRUS),\s*\d{4}(?:\s*[-–]\s*\d{2,4})?"
    r",\s*(?:vol\.|volume)\s*[IVXL\d]+(?:,\s*Part\s+\d+)?)(?:,\s*(?P<doc>Documents?\s+\d+))?"
)
_ABBREV_END = re.compile(r"\b(?:[A-Z]|vol|No|pp?)\.$")
_DASH = re.compile(r"\s*[-–]\s*")
_DIGITS = re.compile(r"\d+")
_OTHER_VOLUME = re.compile(r"\b(?:vol\.|volume|Foreign Relations|FRUS)\b", re.I)
_PAGES = re.compile(
    r",\s*(?:vol\.\s*[IVXL\d]+,\s*)?(?:pp?\.|pages?)\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)"
)
_TITLE_LEAD = re.compile(
    r"(?:\bsee\s+(?:also\s+)?|\bprinted\s+in\s+|\bpublished\s+in\s+|\breprinted\s+in\s+"
    r"|\bquoted\s+in\s+|\btext\s+(?:is\s+)?in\s+|\bin\s+(?=[A-Z])|\bcf\.\s+|^)",
    re.I,
)
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")


def split_footnote(paragraph: str) -> tuple[int, str] | None:
    """(number, text without "Back") for a footnote paragraph, else ``None``."""
    m = FOOTNOTE_START.match(paragraph)
    if not m:
        return None
    text = m.group("text")
    if m.group("dot") and not has_back(text):
        return None  # "1. …" is a numbered paragraph unless it carries the "Back" link
    text = strip_back(text).strip()
    return int(m.group("n")), " ".join(text.split())


def resolve_date(text: str, reference: dt.date | None) -> tuple[bool, dt.date | None]:
    """(is a date footnote, the date it stands for)."""
    m = _DATE_ONLY.match(text.strip())
    if not m:
        return False, None
    month = month_number(m.group("month"))
    if month is None:
        return False, None
    day = int(m.group("day"))
    if m.group("year"):
        return True, safe_date(int(m.group("year")), month, day)
    return True, nearest_date(month, day, reference)


def printed_citations(text: str) -> list[ParsedPrintedCitation]:
    """Find "<Title>, p(p). <pages>" citations in ``text``."""
    found: list[ParsedPrintedCitation] = []
    attempts = 0
    for clause in _SEMICOLON.split(text):
        for m in _PAGES.finditer(clause):
            attempts += 1
            if attempts > MAX_CITATIONS:
                return found  # no real footnote cites more; stay linear on hostile input
            before = clause[max(0, m.start() - 300) : m.start()]  # titles are short
            # The title starts after the last lead-in ("see", "printed in", …).
            start = 0
            for lead in _TITLE_LEAD.finditer(before):
                if lead.end() < len(before) and lead.group(0):
                    start = lead.end()
            # …and after the last sentence end before it.
            for stop in _SENTENCE.finditer(before):
                if stop.end() > start and not _ABBREV_END.search(before[: stop.start() + 1]):
                    start = stop.end()
            title = before[start:].strip(" ,:")
            if not title or not title[:1].isupper() or len(title) > 200:
                continue
            year = _YEAR.search(title)
            pages = _DASH.sub("-", m.group("pages"))
            found.append(
                ParsedPrintedCitation(
                    title=title,
                    year=int(year.group(1)) if year else None,
                    pages=pages,
                    text=(title + clause[m.start() : m.end()]).strip(),
                )
            )
    return found


def _clauses(text: str) -> list[str]:
    return [c for sentence in iter_sentences(text) for c in _SEMICOLON.split(sentence)]


def frus_citations(text: str) -> list[ParsedPrintedCitation]:
    """References to other FRUS volumes: "Foreign Relations, 1961-1963, vol. VI, Document 67"."""
    found = []
    for m in _FRUS.finditer(text):
        year = _YEAR.search(m.group("title"))
        found.append(
            ParsedPrintedCitation(
                title=m.group("title"),
                year=int(year.group(1)) if year else None,
                pages=m.group("doc") or "",
                text=m.group(0),
            )
        )
    return found


def cross_references(text: str) -> tuple[list[int], list[int]]:
    """("Document N" numbers of this volume, the subset "printed as Document N")."""
    refs: list[int] = []
    printed: list[int] = []
    for clause in _clauses(text):
        if _OTHER_VOLUME.search(clause):
            continue
        for m in _DOCUMENT.finditer(clause):
            numbers = [int(n) for n in _DIGITS.findall(m.group("list"))]
            is_printed = bool(_PRINTED_AS.search(clause[: m.start()]))
            for n in numbers:
                if n not in refs:
                    refs.append(n)
                if is_printed and n not in printed:
                    printed.append(n)
    return refs, printed


def parse_footnote(number: int, text: str, reference: dt.date | None) -> ParsedFootnote:
    """Classify one footnote; the marker is linked later, against the body."""
    is_date, resolved = resolve_date(text, reference)
    refs, printed = ([], []) if is_date else cross_references(text)
    citations = [] if is_date else printed_citations(text)
    if not is_date:
        known = {c.title for c in citations}
        citations += [c for c in frus_citations(text) if c.title not in known]
    locations = [] if is_date else find_locations(text)
    if is_date:
        kind = "date"
    elif locations:
        kind = "archival"
    elif citations:
        kind = "citation"
    elif refs:
        kind = "cross_reference"
    else:
        kind = "note"
    return ParsedFootnote(
        number=number,
        text=text,
        kind=kind,
        marker_offset=None,
        anchor_text="",
        resolved_date=resolved,
        cross_references=refs,
        printed_citations=citations,
        archival_citations=locations,
        printed_as=printed,
    )
