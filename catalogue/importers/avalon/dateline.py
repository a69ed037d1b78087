"""The dateline: "<Place>, <Month D, YYYY>[, <time>]." and its variants.

Accepted forms (each optionally in square brackets, which FRUS uses for a date
supplied by the editors, i.e. a *conjectural* date):

- ``New York, October 31, 1962, 10:50 p.m.`` — place, date, time;
- ``October 31, 1962.`` — date only;
- ``Washington, October 16, 1962, 11:50 a.m.-12:57 p.m.`` — a time range;
- ``Washington, October 27, 1962, noon`` / ``midnight``;
- ``Washington, October 27-28, 1962`` — a date range (``end`` is set);
- ``London, 28 October 1962`` — day first;
- ``Washington, October 1962`` / ``Washington, 1962`` — month or year precision;
- ``Washington, undated`` / ``[no date]`` — no date;
- ``[Washington, October 27, 1962]`` / ``Washington, [October 27, 1962]`` —
  conjectural; a ``?`` after the day also makes it conjectural.

A line is a dateline only if it is consumed entirely by (place, date, time): a
body sentence that merely contains a date is never mistaken for one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from catalogue.importers.avalon.textutil import (
    MONTH_RE,
    WEEKDAY_RE,
    month_number,
    parse_time,
    safe_date,
)
from catalogue.importers.records import ParsedDate

_MARKERS = re.compile(r"\s*\((\d{1,3})\)")
_DATE_MDY = re.compile(
    r"(?P<month>" + MONTH_RE + r")\s*(?P<day>\d{1,2})(?P<q>\s*\?)?"
    r"(?:\s*(?:-{1,2}|–|/|and)\s*(?P<day2>\d{1,2}))?\s*,?\s*(?P<year>1[6-9]\d\d|20\d\d)\b"
)
_DATE_DMY = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>" + MONTH_RE + r")\s*,?\s*(?P<year>1[6-9]\d\d|20\d\d)\b"
)
_DATE_MY = re.compile(r"(?P<month>" + MONTH_RE + r")\s*,?\s*(?P<year>1[6-9]\d\d|20\d\d)\b")
_DATE_Y = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)\b")
_UNDATED = re.compile(r"\b(?:undated|no date|not dated|date unknown|n\.\s?d\.)", re.I)
_PLACE = re.compile(r"^[A-Z][\w.'’\- ]{0,40}(?:,\s*[A-Z][\w.'’\- ]{0,30})?$")
_TIME_PREFIX = re.compile(r"^\s*(?:,|-{1,2}|–|—)?\s*")
_PROBABLE = re.compile(r"\b(?:probably|circa|ca\.|c\.|about)\s*", re.I)
_AMPM_END = re.compile(r"[ap]\.\s?m\.$", re.I)
_TRAILING_WEEKDAY = re.compile(r",?\s*" + WEEKDAY_RE + r"$")
_PLACE_PARTICLES = frozenset(
    {"of", "de", "la", "le", "du", "am", "on", "upon", "sur", "the", "del"}
)
_NOT_PLACE = frozenset({"Dear", "Mr.", "Mrs.", "Dr.", "Sir", "Madam", "He", "She", "We", "I"})
MAX_DATELINE = 120


@dataclass
class Dateline:
    text: str  # as written (stripped)
    place: str = ""
    date: ParsedDate = field(default_factory=ParsedDate.unknown)
    time: dt.time | None = None
    time_end: dt.time | None = None
    time_text: str = ""
    markers: list[int] = field(default_factory=list)  # footnote markers in the line


def _clean_place(text: str) -> str | None:
    place = text.strip().strip("[]").strip().rstrip(",").strip()
    if not place:
        return ""
    if not _PLACE.match(place) or any(ch.isdigit() for ch in place):
        return None
    place = _TRAILING_WEEKDAY.sub("", place).strip()
    words = place.replace(",", " ").split()
    if len(words) > 6:
        return None
    for word in words:
        if word in _NOT_PLACE or not (word[:1].isupper() or word in _PLACE_PARTICLES):
            return None
    return place


def _bracket(text: str, bracketed: bool) -> str:
    return f"[{text}]" if bracketed else text


def _find_date(core: str) -> tuple[re.Match[str] | None, str]:
    for pattern, precision in (
        (_DATE_MDY, "day"),
        (_DATE_DMY, "day"),
        (_DATE_MY, "month"),
        (_DATE_Y, "year"),
    ):
        m = pattern.search(core)
        if m:
            return m, precision
    return None, ""


def parse_dateline(line: str) -> Dateline | None:
    """Return the parsed dateline, or ``None`` if ``line`` is not one."""
    written = line.strip()
    if not written or len(written) > MAX_DATELINE:
        return None
    markers = [int(n) for n in _MARKERS.findall(written)]
    core = _MARKERS.sub("", written).strip()
    bracketed = "[" in core or "]" in core
    full = core.replace("[", "").replace("]", "").strip()
    plain = full.rstrip(".").strip()
    if not plain:
        return None
    undated = _UNDATED.search(plain)
    m, precision = _find_date(plain)
    if undated and (m is None or undated.start() < m.start()):
        place = _clean_place(plain[: undated.start()])
        rest = plain[undated.end() :].strip(" .,")
        if place is None or (rest and not _UNDATED.fullmatch(rest)):
            return None
        return Dateline(
            text=written,
            place=place,
            date=ParsedDate.unknown(text=_bracket(undated.group(0), bracketed)),
            markers=markers,
        )
    if m is None:
        return None
    place = _clean_place(plain[: m.start()])
    if place is None:
        return None
    if precision == "year" and not place and not bracketed:
        return None  # a bare year on a line is too weak to be a dateline
    rest = _TIME_PREFIX.sub("", full[m.end() :], count=1).strip()
    if rest.endswith(".") and not _AMPM_END.search(rest):
        rest = rest[:-1].rstrip()
    time = time_end = None
    if rest:
        time, time_end = parse_time(rest)
        if time is None:
            return None
    month = month_number(m.group("month")) if "month" in m.groupdict() else None
    year = int(m.group("year"))
    day = int(m.group("day")) if "day" in m.groupdict() and m.group("day") else None
    value = end = None
    if precision == "day" and month:
        value = safe_date(year, month, day or 1)
        if value is None:
            return None
        day2 = m.groupdict().get("day2")
        if day2:
            end = safe_date(year, month, int(day2))
            if end is not None and end <= value:
                end = None
    elif precision == "month" and month:
        value = safe_date(year, month, 1)
    elif precision == "year":
        value = safe_date(year, 1, 1)
    certainty = "certain"
    if bracketed or m.groupdict().get("q") or "?" in plain:
        certainty = "conjectural"
    elif _PROBABLE.search(plain[: m.start()]):
        certainty = "probable"
    date = ParsedDate(
        value=value,
        precision=precision,
        certainty=certainty,
        text=_bracket(m.group(0), bracketed),
        end=end,
    )
    return Dateline(
        text=written,
        place=place,
        date=date,
        time=time,
        time_end=time_end,
        time_text=rest,
        markers=markers,
    )
