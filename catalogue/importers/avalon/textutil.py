"""Small text helpers shared by the parser modules: months, times, sentences.

They are deliberately regex-based and linear in the input (no backtracking
between nested quantifiers) because the importer parses thousands of texts a
second and must never hang on a hostile file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator


def wordset(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``text`` (for vocabulary lists)."""
    return frozenset(text.split())


MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Full names first so that "September" is not read as "Sept" + "ember".
MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# "10:50 p.m.", "10 a.m.", "noon", "12 midnight", "1430 hours"
_AMPM = r"(?:[ap]\.\s?m\.?|[ap]m\b|[AP]\.\s?M\.?|[AP]M\b)"
TIME_RE = (
    r"(?:(?:\d{1,2}(?::\d{2})?\s*" + _AMPM + r")|(?:12\s+)?(?:noon|midnight|Noon|Midnight)"
    r"|(?:[01]\d|2[0-3])[0-5]\d\s*(?:hours|hrs\.?|Z))"
)
_TIME_PART = re.compile(
    r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>[apAP])?\.?\s?[mM]?\.?$"
    r"|^(?P<word>(?:12\s+)?(?:noon|midnight))$"
    r"|^(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)\s*(?:hours|hrs\.?|z)$",
    re.I,
)
_RANGE_SPLIT = re.compile(r"\s*(?:-{1,2}|–|—|\bto\b|\buntil\b)\s*")
_QUALIFIER = re.compile(
    r"^(?:about|approximately|approx\.|circa|ca\.|c\.|around|after|before)\s+", re.I
)
TIME_SEARCH = re.compile(r"\b" + TIME_RE)

_ABBREVIATIONS = wordset(
    """mr mrs ms dr st gen adm amb sen gov lt col maj capt cmdr no nos vol vols pp p
    jr sr messrs c ca approx fig cf op art para paras tel tels"""
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z\"“\[])")
_AM_PM = re.compile(r"[ap]\.m")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]|[a-z]")


def month_number(name: str) -> int | None:
    return MONTHS.get(name.lower().rstrip("."))


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def nearest_date(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    """The date with this month and day closest to ``reference`` (year unknown).

    A footnote "January 3." in a document of December 1962 means 1963.
    """
    if reference is None:
        return None
    candidates = [safe_date(reference.year + k, month, day) for k in (-1, 0, 1)]
    found = [c for c in candidates if c is not None]
    if not found:
        return None
    return min(found, key=lambda c: abs((c - reference).days))


def _one_time(text: str, default_ampm: str = "") -> tuple[dt.time | None, str]:
    text = _QUALIFIER.sub("", text.strip()).strip().rstrip(",")
    m = _TIME_PART.match(text)
    if not m:
        return None, ""
    if m.group("word"):
        return (dt.time(12, 0) if "noon" in m.group("word").lower() else dt.time(0, 0)), "x"
    if m.group("hh"):
        return dt.time(int(m.group("hh")), int(m.group("mm"))), "x"
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    ampm = (m.group("ampm") or default_ampm).lower()
    if minute > 59 or hour > 23:
        return None, ""
    if ampm:
        if hour == 0 or hour > 12:
            return None, ""
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif "." not in text and ":" not in text:
        return None, ""  # a bare number is not a time
    return dt.time(hour, minute), ampm


def parse_time(text: str) -> tuple[dt.time | None, dt.time | None]:
    """Parse "10:50 p.m.", "noon", "6:30-7:55 p.m." into (start, end) 24-hour times.

    In a range the start inherits the end's a.m./p.m. when it has none, unless
    that would put the start after the end ("11:30-1 p.m." starts at 11:30 a.m.).
    Returns (None, None) when ``text`` is not a time.
    """
    text = text.strip().rstrip(".,;")
    if not text or len(text) > 40:
        return None, None
    parts = _RANGE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        end, end_ampm = _one_time(parts[1])
        if end is None:
            return None, None
        start, _ = _one_time(parts[0], default_ampm=end_ampm if end_ampm in "ap" else "")
        if start is None:
            return None, None
        if start > end and end_ampm == "p" and start.hour >= 12:
            start = dt.time(start.hour - 12, start.minute)
        return start, end
    start, _ = _one_time(text)
    return start, None


def iter_sentences(text: str) -> Iterator[str]:
    """Yield the sentences of editorial prose, sparing "U.S.", "Mr.", "John F. Kennedy".

    A full stop after "a.m."/"p.m." followed by a capital ends a sentence
    ("Received at 8:57 a.m. Repeated to …"); other dotted abbreviations and
    single initials do not.  A parenthesis after a full stop stays with the
    sentence before it: "… at 11:09 p.m. (Johnson Library)".  Lazy, so that a
    caller who needs only the first sentences of a long paragraph pays for those.
    """
    start = 0
    for m in _SENTENCE_END.finditer(text):
        stop = m.start() + 1
        space = max(text.rfind(" ", start, stop), text.rfind("\n", start, stop))
        word = text[space + 1 : stop]
        bare = word.rstrip(".").lower().lstrip("(\"'“[")
        if not _AM_PM.fullmatch(bare) and (bare in _ABBREVIATIONS or _INITIALS.fullmatch(bare)):
            continue
        piece = text[start : m.end()].strip()
        if piece:
            yield piece
        start = m.end()
    tail = text[start:].strip()
    if tail:
        yield tail


def split_sentences(text: str) -> list[str]:
    """All the sentences of ``text`` (see :func:`iter_sentences`)."""
    return list(iter_sentences(text))
