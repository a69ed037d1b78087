"""Names, offices and organisations as FRUS writes them.

FRUS names a person by office and surname in two ways: "Secretary of State Rusk"
(office then surname) and "the Permanent Representative to the United Nations
(Stevenson)" (office, surname in parentheses).  An office alone ("the Department
of State", "the Embassy in the Soviet Union") is an organisation.  Source notes
write "Meeker (L)": a surname followed by an office *symbol*.  The rules below
tell these apart with a small vocabulary of titles and organisational head nouns
rather than with a list of known people, so that they generalise to documents
not seen yet.
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue import normalise as _normalise
from catalogue.importers.avalon.textutil import wordset
from catalogue.importers.records import ORGANISATION, PERSON, ParsedAgent

__all__ = [
    "normalise_name",
    "parse_agent_label",
    "split_agents",
    "looks_like_agent_start",
    "strip_the",
    "clean_label",
]


def fold(value: str) -> str:
    """``catalogue.normalise.normalise_name``; ASCII text has no decomposable characters,
    so the Unicode pass is skipped for it (same result, several times faster)."""
    if not value:
        return ""
    if value.isascii():
        return _normalise._SPACE.sub(" ", _normalise._PUNCT.sub(" ", value.lower())).strip()
    return _normalise.normalise_name(value)


@lru_cache(maxsize=16384)
def normalise_name(value: str) -> str:
    """:func:`fold`, memoised: a volume names the same people and offices hundreds of
    times."""
    return fold(value)


# Words that begin or head a person's office.
TITLE_WORDS = wordset(
    """president vice secretary secretary-general under deputy assistant special ambassador
    ambassador-at-large chairman premier prime attorney director chief counselor counsellor
    administrator commander commander-in-chief admiral general senator congressman governor
    mayor minister foreign chancellor king queen pope former acting executive legal permanent
    representative colonel major captain lieutenant marshal cardinal commandant head member
    officer charge chargé consul consul-general envoy adviser advisor spokesman delegate
    coordinator military naval press personal principal mr mrs miss ms dr sir lord his her"""
)
HONORIFICS = frozenset({"mr", "mrs", "miss", "ms", "dr", "sir", "lord", "his", "her"})
NATIONALITIES = wordset(
    """soviet cuban british french german west east turkish brazilian mexican canadian
    italian indian american argentine argentinian chilean venezuelan colombian peruvian
    ghanaian egyptian uar japanese chinese spanish dutch belgian greek irish norwegian
    danish swedish polish czech czechoslovak yugoslav austrian swiss israeli pakistani
    indonesian guinean algerian moroccan ecuadorean ecuadorian uruguayan bolivian
    paraguayan haitian dominican guatemalan honduran nicaraguan panamanian costa
    salvadoran jamaican united us u.s. un u.n."""
)
# Head nouns of organisations ("the Embassy in …", "the Joint Chiefs of Staff").
ORG_HEADS = wordset(
    """department embassy embassies mission missions delegation legation consulate
    consulate-general committee council agency staff office bureau board command government
    ministry posts post secretariat service corps group house center centre division section
    force forces navy army administration commission directorate headquarters chiefs junta
    party presidium politburo nations organization organisation states republic republics
    kingdom union library archives university institute foundation company corporation
    team task executive-committee excomm"""
)
# Words that end an office phrase and so cannot be a surname after it.
OFFICE_OBJECTS = wordset(
    """state defense defence treasury staff affairs nations union intelligence operations
    council committee president republic states navy army force security agriculture
    commerce justice labor interior organization development information research
    planning policy europe americas general"""
)
# Nouns that take " to X" as part of the office ("Representative to the United Nations").
ACCREDITED = wordset(
    """representative representatives mission missions ambassador ambassadors embassy
    delegation delegate assistant assistants adviser advisor advisers advisors envoy
    liaison observer counselor counsellor minister consul aide"""
)
NAME_PARTICLES = frozenset(
    {"de", "da", "van", "von", "der", "del", "della", "di", "du", "le", "la"}
)
NAME_PREFIXES = frozenset({"U"})  # Burmese honorific that is part of the name: "U Thant"
SUFFIXES = frozenset({"jr.", "sr.", "jr", "sr", "ii", "iii", "iv", "xxiii"})
PREPOSITIONS = frozenset({"of", "to", "for", "in", "on", "at", "the", "and", "&"})

_PAREN_TAIL = re.compile(r"^(?P<pre>[^()]*?)\s*\((?P<inner>[^()]+)\)\s*$")
_OFFICE_SYMBOL = re.compile(r"^[A-Z][A-Z/&\-]{0,11}$")
_THE = re.compile(r"^(?:the|The|THE)\s+")
_INITIAL = re.compile(r"^[A-Z]\.$")
_ROMAN = re.compile(r"^[IVX]+$")
_SPLIT_HEAD = re.compile(r"\s+(?:of|for|in|to|on|at)\s+")
_WS = re.compile(r"\s+")
_SEPARATORS = re.compile(r",\s+and\s+|;\s+and\s+|,\s+|;\s+|\s+and\s+|\s+&\s+")


def clean_label(text: str) -> str:
    """Collapse spacing and drop trailing punctuation and footnote markers."""
    text = _WS.sub(" ", text).strip()
    text = re.sub(r"(?:\(\d{1,3}\))+$", "", text).strip()
    return text.rstrip(" .,;:")


def strip_the(text: str) -> str:
    return _THE.sub("", text.strip(), count=1)


def _words(text: str) -> list[str]:
    return [w.strip(".,;:'\"").lower() for w in text.split()]


def _head_noun(core: str) -> str:
    """The noun that heads the phrase: the last word before the first preposition."""
    first = _SPLIT_HEAD.split(core, maxsplit=1)[0]
    words = _words(first)
    if not words:
        return ""
    head = words[-1]
    if head.endswith("'s"):
        head = head[:-2]
    return head


def _is_organisation(core: str) -> bool:
    words = _words(core)
    if not words:
        return False
    if words[0] in {"all", "certain", "other", "various"}:
        return True
    head = _head_noun(core)
    if head in ORG_HEADS:
        return True
    return words[0] in ORG_HEADS and head not in TITLE_WORDS


def _starts_like_person(core: str) -> bool:
    words = _words(core)
    i = 0
    while i < len(words) - 1 and words[i] in NATIONALITIES:
        i += 1
    return bool(words) and (words[i] in TITLE_WORDS or words[0] in TITLE_WORDS)


def _split_office_name(core: str) -> tuple[str, str]:
    """ "Secretary of State Rusk" -> ("Secretary of State", "Rusk")."""
    tokens = core.split()
    if not tokens:
        return "", ""
    end = len(tokens)
    i = end - 1
    if i > 0 and (tokens[i].lower() in SUFFIXES or _ROMAN.match(tokens[i])):
        i -= 1
    last = tokens[i].strip(",").lower()
    if last in TITLE_WORDS or last in OFFICE_OBJECTS or last in PREPOSITIONS:
        return core, ""  # the label ends with an office word: no name given
    if i > 0 and tokens[i - 1].lower() in PREPOSITIONS:
        return core, ""  # "Deputy Chief of Mission": the last word is the office's object
    start = i
    taken = 1
    while start > 0:
        prev = tokens[start - 1]
        low = prev.lower().rstrip(",.")
        before = tokens[start - 2].lower() if start >= 2 else ""
        if low in NAME_PARTICLES or prev in NAME_PREFIXES or _INITIAL.match(prev):
            start -= 1
            continue
        if (
            taken < 3
            and prev[:1].isupper()
            and low not in TITLE_WORDS
            and low not in OFFICE_OBJECTS
            and low not in NATIONALITIES
            and before not in PREPOSITIONS
            and not prev.endswith((",", "'s"))
        ):
            start -= 1
            taken += 1
            continue
        break
    if start > 0 and tokens[start - 1].endswith(","):
        return core, ""  # "Secretary of Health, Education": a list inside the office
    office = " ".join(tokens[:start]).strip(" ,")
    name = " ".join(tokens[start:end]).strip(" ,")
    return office, name


def _drop_honorifics(office: str) -> str:
    words = office.split()
    while words and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    return " ".join(words)


def _parse_agent_label(label: str) -> ParsedAgent:
    """Turn one label as written into a :class:`ParsedAgent`.

    - "the Permanent Representative to the United Nations (Stevenson)" → person
      Stevenson, office "Permanent Representative to the United Nations";
    - "Meeker (L)" → person Meeker, office "L" (an office symbol in parentheses);
    - "Secretary of State Rusk", "President Kennedy", "Acting Secretary-General
      U Thant" → office then name;
    - "the Department of State", "the Embassy in the Soviet Union", "All Latin
      American Posts" → organisation named by the office without "the";
    - "the President" (an office with no name) → person whose name is the office.
    """
    written = clean_label(label)
    m = _PAREN_TAIL.match(written)
    if m and m.group("pre"):
        pre, inner = m.group("pre").strip(), m.group("inner").strip()
        if _OFFICE_SYMBOL.match(inner) and not _starts_like_person(strip_the(pre)):
            # "Meeker (L)": a name followed by an office symbol.
            return ParsedAgent(name=_drop_honorifics(pre), office=inner, label=written)
        office = _drop_honorifics(strip_the(pre))
        if _is_organisation(office):
            return ParsedAgent(name=office, kind=ORGANISATION, label=written)
        return ParsedAgent(name=inner, office=office, kind=PERSON, label=written)
    had_the = bool(_THE.match(written))
    core = strip_the(written)
    if not core:
        return ParsedAgent(name="", label=written)
    if _is_organisation(core):
        return ParsedAgent(name=core, kind=ORGANISATION, label=written)
    if _starts_like_person(core) or any(w in TITLE_WORDS for w in _words(core)[1:]):
        office, name = _split_office_name(core)
        office = _drop_honorifics(office)
        if not name:
            return ParsedAgent(name=office or core, office=office or core, label=written)
        return ParsedAgent(name=name, office=office, label=written)
    if had_the:
        return ParsedAgent(name=core, kind=ORGANISATION, label=written)
    return ParsedAgent(name=_drop_honorifics(core), label=written)


@lru_cache(maxsize=8192)
def _agent_fields(label: str) -> tuple[str, str, str, str]:
    agent = _parse_agent_label(label)
    return agent.name, agent.office, agent.kind, agent.label


def parse_agent_label(label: str) -> ParsedAgent:
    """See :func:`_parse_agent_label`; memoised (the same labels recur in every text of
    a volume), returning a fresh object each time since callers amend it."""
    name, office, kind, written = _agent_fields(label)
    return ParsedAgent(name=name, office=office, kind=kind, label=written)


def _bare_name(piece: str) -> bool:
    """True for "Rusk", "U. Alexis Johnson", "Meeker (L)", "de Gaulle"."""
    m = _PAREN_TAIL.match(piece)
    if m:
        if not _OFFICE_SYMBOL.match(m.group("inner").strip()):
            return False
        piece = m.group("pre")
    tokens = piece.split()
    if not tokens or len(tokens) > 4:
        return False
    return all(
        t[:1].isupper() or t.lower() in NAME_PARTICLES or t.lower().rstrip(".") in HONORIFICS
        for t in tokens
    ) and not any(t.lower() in PREPOSITIONS for t in tokens)


def looks_like_agent_start(piece: str) -> bool:
    """Could ``piece`` begin a new agent label in a list of agents?"""
    piece = piece.strip()
    if not piece:
        return False
    if _THE.match(piece):
        return True
    first = piece.split()[0].lower().strip(".,")
    if first in TITLE_WORDS or first in NATIONALITIES or first in {"all", "certain"}:
        return True
    if first in ORG_HEADS:
        return True
    return _bare_name(piece)


def _split_outside_parens(text: str, pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """Split on ``pattern`` except inside parentheses; return pieces and separators."""
    pieces: list[str] = []
    seps: list[str] = []
    last = 0  # end of the last piece
    scanned = 0  # parentheses are counted up to here
    depth = 0
    for m in pattern.finditer(text):
        depth += text.count("(", scanned, m.start()) - text.count(")", scanned, m.start())
        scanned = m.start()
        if depth != 0:
            continue
        pieces.append(text[last : m.start()])
        seps.append(m.group(0))
        last = m.end()
    pieces.append(text[last:])
    return pieces, seps


def _unfinished_office(label: str) -> bool:
    """ "Secretary of Health" in "Secretary of Health, Education, and Welfare X": an
    office without "the" and without a name cannot end an agent label."""
    if len(label) > 200 or _THE.match(label) or " of " not in label or "(" in label:
        return False
    agent = parse_agent_label(label)
    return agent.kind == PERSON and agent.name == agent.office


def split_agents(text: str) -> list[str]:
    """See :func:`_split_agents`; memoised, returning a fresh list."""
    return list(_split_agents(text))


@lru_cache(maxsize=8192)
def _split_agents(text: str) -> tuple[str, ...]:
    """Split "A, B, and C" / "A and B" into labels, keeping "Intelligence and Research".

    A separator splits only where the following piece looks like the start of a
    new agent (see :func:`looks_like_agent_start`); otherwise it is put back.
    """
    text = clean_label(text)
    if not text:
        return []
    pieces, seps = _split_outside_parens(text, _SEPARATORS)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        piece = piece.strip()
        if out and (not piece or not looks_like_agent_start(piece) or _unfinished_office(out[-1])):
            out[-1] = out[-1] + seps[i - 1] + piece
        elif piece:
            out.append(piece)
    return tuple(p.strip(" ,;") for p in out if p.strip(" ,;"))
