"""Archival locations: "<repository>, <units…>" as FRUS source notes write them.

Rules (documented here because the text gives no explicit levels):

1. **Repository.**  A leading known institution is the repository, normalised to
   its full name ("Kennedy Library" → "John F. Kennedy Library").  Any leading
   "<Name> Library"/"… Archives"/"… Records Center" is one too.  When none is
   stated it is *implied* by an identifier: ``NYFRC`` → New York Federal Records
   Center, ``FRC``/``WNRC`` → Washington National Records Center, a ``Lot`` file
   or the ``Central Files`` → Department of State, ``RG n`` → National Archives.
   A named part of a repository that is not an archival unit ("Manuscript
   Division") is kept as ``division``.
2. **Units**, split at commas outside parentheses, top to bottom:
   - ``RG 330`` → record group (identifier "RG 330");
   - ``Title: Identifier`` → a collection (a *series* under a record group) with
     its lot (``Lot 74 D 272``) or accession (``FRC 71 A 2896``, ``NYFRC
     84-84-001``) number; a bare identifier segment attaches to the unit before;
   - ``Central Files`` → collection (series under a record group), and a
     following decimal file number (``737.00/11-162``) → file with that identifier;
   - after an identified collection: the next segment is the file and any
     further segments together are the item ("…, Verification of US-USSR
     Agreements re Cuba, Gilpatric Notes");
   - otherwise (presidential libraries, papers): the first segment is the
     collection, the next is a series if it says "Series"/"Files" or is a known
     series name, and all remaining segments together are one file, because
     library file titles contain commas ("Cuba, General, 10/26/62").
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue.importers.records import ParsedLocation, ParsedUnitRef

DOS = "Department of State"
WNRC = "Washington National Records Center"
NYFRC = "New York Federal Records Center"
NARA = "National Archives and Records Administration"

# (pattern at the start of the text, canonical repository name)
_KNOWN_REPOSITORIES = [
    (r"(?:U\.?S\.? )?Department of State", DOS),
    (r"Washington National Records Center|WNRC", WNRC),
    (r"(?:New York )?Federal Records Center,? New York|New York Federal Records Center", NYFRC),
    (r"National Archives and Records Administration|National Archives|NARA", NARA),
    (r"(?:John F\. )?Kennedy Library|JFK Library", "John F. Kennedy Library"),
    (r"(?:Lyndon B(?:aines)?\.? )?Johnson Library|LBJ Library", "Lyndon B. Johnson Library"),
    (r"(?:Dwight D\. )?Eisenhower Library", "Dwight D. Eisenhower Library"),
    (r"(?:Harry S\. )?Truman Library", "Harry S. Truman Library"),
    (r"(?:Franklin D\. )?Roosevelt Library", "Franklin D. Roosevelt Library"),
    (r"(?:Richard )?Nixon (?:Presidential Materials|Library)", "Richard Nixon Library"),
    (r"Library of Congress", "Library of Congress"),
    (r"Central Intelligence Agency|CIA Files", "Central Intelligence Agency"),
    (r"Department of Defense", "Department of Defense"),
    (r"Naval Historical Center", "Naval Historical Center"),
    (r"National Defense University", "National Defense University"),
    (r"Hoover Institution(?: Archives)?", "Hoover Institution"),
]
_REPO_RES = [(re.compile(r"^(?:the\s+)?(?:" + p + r")\b"), name) for p, name in _KNOWN_REPOSITORIES]
_GENERIC_REPO = re.compile(
    r"^(?:the\s+)?[A-Z][\w.'\- ]{0,60}?(?:Library|Archives|Records Center|Institution|Center)\b"
)
_DIVISION = re.compile(r"^[A-Z][\w ]{0,40}(?:Division|Department of Manuscripts|Reading Room)$")
LOCATION_START = re.compile(
    r"(?:" + "|".join(p for p, _ in _KNOWN_REPOSITORIES) + r")\b"
    r"|\b[A-Z][\w.'\-]*(?: [A-Z][\w.'\-()]*){0,5} (?:Files|Papers|Records): "
    r"(?:Lot|FRC|NYFRC|WNRC|Accession)\b"
)

_RG = re.compile(r"^(?:RG|Record Group)\s*(\d+)$")
_LOT = re.compile(r"\bLot\s+\d+\s*[A-Z]\s*\d+\b")
_ACCESSION = re.compile(r"\b(?:NYFRC|WNRC|FRC|Accession|Job)\s*[\w\-/]+(?:\s+[A-Z]\s+\d+)?")
_IDENTIFIER = re.compile(
    r"^(?:Lot\s+\d+\s*[A-Z]\s*\d+|(?:NYFRC|WNRC|FRC|Job|Accession(?: No\.)?)\s*[\w\-/]+(?:\s+[A-Z]\s+\d+)?)$"
)
_DECIMAL = re.compile(r"^\d{3}(?:\.\d+)?[\w\-]*/\d{1,2}-\d{2,6}$|^\d{3}\.\d+(?:[\w\-/]*)$")
_SERIES_HINT = re.compile(r"\b(?:Series|Files|File)\b")
_KNOWN_SERIES = frozenset(
    """Countries|Departments and Agencies|Meetings and Memoranda|Subjects|Regional Security|
    Trips and Conferences|Chester V. Clifton|Carl Kaysen|Staff Memoranda|Agency File|
    Special Correspondence|Vice Presidential Security File|Executive Secretariat|Name Series""".replace(
        "\n    ", ""
    ).split("|")
)


def _split_commas(text: str) -> list[str]:
    if "(" not in text:  # nothing to keep together: a plain split does the same
        return [p for p in (part.strip() for part in text.split(",")) if p]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _scheme(identifier: str) -> str:
    if _LOT.search(identifier):
        return "lot"
    if _ACCESSION.search(identifier):
        return "accession"
    if _RG.match(identifier):
        return "record_group"
    return ""


def _implied_repository(text: str) -> str:
    if "NYFRC" in text:
        return NYFRC
    if re.search(r"\b(?:WNRC|FRC)\b", text):
        return WNRC
    if _LOT.search(text) or "Central Files" in text:
        return DOS
    if re.search(r"\b(?:RG|Record Group)\s*\d+", text):
        return NARA
    return ""


def _split_repository(text: str) -> tuple[str, bool, str]:
    """Return (repository, implied, remainder)."""
    for regex, name in _REPO_RES:
        m = regex.match(text)
        if m:
            return name, False, text[m.end() :].lstrip(" ,;:")
    m = _GENERIC_REPO.match(text)
    if m and (m.end() == len(text) or text[m.end()] == ","):
        return m.group(0).removeprefix("the ").strip(), False, text[m.end() :].lstrip(" ,")
    return _implied_repository(text), True, text


def parse_location(text: str) -> ParsedLocation:
    """Parse one location as written (without the final full stop). Memoised: a
    volume cites the same files over and over; each caller gets its own copy."""
    loc = _clone(_parse_location(text))
    loc.units = [_clone(u) for u in loc.units]
    return loc


def _clone(obj):
    """A shallow copy of a dataclass instance (several times faster than ``replace``)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


@lru_cache(maxsize=4096)
def _parse_location(text: str) -> ParsedLocation:
    written = " ".join(text.split()).strip().rstrip(".;").strip()
    repository, implied, rest = _split_repository(written)
    if not repository:
        implied = False
    segments = _split_commas(rest)
    division = ""
    if segments and _DIVISION.match(segments[0]):
        division = segments.pop(0)
    units: list[ParsedUnitRef] = []
    has_rg = False
    identified = False  # a collection with a lot/accession number has been seen
    library_style = True
    i = 0
    while i < len(segments):
        seg = segments[i]
        rg = _RG.match(seg)
        if rg:
            units.append(
                ParsedUnitRef(
                    f"RG {rg.group(1)}", "record_group", f"RG {rg.group(1)}", "record_group"
                )
            )
            has_rg = True
            library_style = False
        elif ":" in seg and (not units or _IDENTIFIER.match(seg.split(":", 1)[1].strip())):
            title, ident = (p.strip() for p in seg.split(":", 1))
            level = "series" if has_rg else "collection"
            units.append(ParsedUnitRef(title, level, ident, _scheme(ident)))
            identified = bool(ident)
            library_style = False
        elif _IDENTIFIER.match(seg) and units and not units[-1].identifier:
            units[-1].identifier = seg
            units[-1].identifier_scheme = _scheme(seg)
            identified = True
        elif seg == "Central Files" or seg.endswith(" Central Files"):
            units.append(ParsedUnitRef(seg, "series" if has_rg else "collection"))
            library_style = False
        elif _DECIMAL.match(seg):
            units.append(ParsedUnitRef(seg, "file", seg, "decimal_file"))
            library_style = False
        elif identified or not library_style:
            if units and units[-1].level == "file":
                rest_title = ", ".join(segments[i:])
                units.append(ParsedUnitRef(rest_title, "item"))
                break
            if identified:
                units.append(ParsedUnitRef(seg, "file"))
            else:
                units.append(ParsedUnitRef(", ".join(segments[i:]), "file"))
                break
        else:
            # Library style: collection, optional series, then one file.
            units.append(ParsedUnitRef(seg, "collection"))
            j = i + 1
            if j < len(segments) and _IDENTIFIER.match(segments[j]):
                units[-1].identifier = segments[j]
                units[-1].identifier_scheme = _scheme(segments[j])
                identified, library_style = True, False
                i += 2
                continue
            if (
                j < len(segments)
                and (_SERIES_HINT.search(segments[j]) or segments[j] in _KNOWN_SERIES)
                and j + 1 < len(segments)
            ):
                units.append(ParsedUnitRef(segments[j], "series"))
                j += 1
            if j < len(segments):
                units.append(ParsedUnitRef(", ".join(segments[j:]), "file"))
            break
        i += 1
    return ParsedLocation(
        repository=repository,
        repository_implied=implied,
        units=units,
        text=written,
        division=division,
    )


_PAREN = re.compile(r"[()]")
_UNIT_NEXT = re.compile(r",\s*[A-Z0-9]")
_SENTENCE_STOP = re.compile(r"\.(?=\s|$)|;\s")


def _balanced(chunk: str) -> str:
    """Cut ``chunk`` at its first unmatched ")" (a location cited inside parentheses)."""
    if ")" not in chunk:
        return chunk
    depth = 0
    for m in _PAREN.finditer(chunk):
        if m.group() == "(":
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return chunk[: m.start()]
    return chunk


def find_locations(text: str) -> list[ParsedLocation]:
    """Find archival locations cited inside free text (e.g. a footnote).

    A location starts at a known repository or at "<…> Files: Lot/FRC…" and runs
    to the end of the sentence (a full stop followed by a space or the end).
    """
    found: list[ParsedLocation] = []
    pos = 0
    while True:
        m = LOCATION_START.search(text, pos)
        if not m:
            break
        stop = _SENTENCE_STOP.search(text, m.end())
        end = stop.start() if stop else len(text)
        chunk = _balanced(text[m.start() : end]).strip()
        after = text[m.end() : m.end() + 3]
        if m.group(0).endswith(
            (":", "Lot", "FRC", "NYFRC", "WNRC", "Accession")
        ) or _UNIT_NEXT.match(after):
            loc = parse_location(chunk)
            if loc.units:
                found.append(loc)
        pos = max(end, m.end())
    return found
