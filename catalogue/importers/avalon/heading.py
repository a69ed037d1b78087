"""The collection line and the document heading.

A text opens with the collection line ("The Cuban Missile Crisis", spelt
inconsistently by transcribers) and the heading, which names the document type
and its parties: "Telegram From <office> to <office>", "Memorandum of Telephone
Conversation Between <A> and <B>", "Summary Record of the 14th Meeting of …",
"Paper Prepared in <office>", "Editorial Note", etc.

Document types are recognised by their leading words (longest match first), so
unknown parties never prevent recognising the type.  The parties are then read
from the rest of the heading by its connecting words: "From … to …", "Between …
and …", "Prepared in/by …", "by …", "for …", "of the Nth Meeting of …".
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from catalogue.importers.avalon.names import (
    ACCREDITED,
    looks_like_agent_start,
    normalise_name,
    parse_agent_label,
    split_agents,
)
from catalogue.importers.records import ParsedAgent

KNOWN_COLLECTIONS = ("The Cuban Missile Crisis",)

# (leading words, slug, label); matched case-insensitively, longest first.
_TYPES = [
    (
        "memorandum of telephone conversation",
        "memorandum_of_telephone_conversation",
        "Memorandum of Telephone Conversation",
    ),
    (
        "memorandum of a telephone conversation",
        "memorandum_of_telephone_conversation",
        "Memorandum of Telephone Conversation",
    ),
    (
        "transcript of telephone conversation",
        "memorandum_of_telephone_conversation",
        "Memorandum of Telephone Conversation",
    ),
    (
        "telephone conversation",
        "memorandum_of_telephone_conversation",
        "Memorandum of Telephone Conversation",
    ),
    ("memorandum of conversation", "memorandum_of_conversation", "Memorandum of Conversation"),
    ("memorandum of meeting", "record_of_meeting", "Memorandum of Meeting"),
    ("memorandum of a meeting", "record_of_meeting", "Memorandum of Meeting"),
    ("memorandum for the record", "memorandum_for_the_record", "Memorandum for the Record"),
    ("memorandum for the files", "memorandum_for_the_record", "Memorandum for the Files"),
    ("memorandum for the file", "memorandum_for_the_record", "Memorandum for the File"),
    ("national security action memorandum", "memorandum", "National Security Action Memorandum"),
    ("action memorandum", "memorandum", "Action Memorandum"),
    ("information memorandum", "memorandum", "Information Memorandum"),
    ("intelligence memorandum", "memorandum", "Intelligence Memorandum"),
    ("memorandum", "memorandum", "Memorandum"),
    ("circular telegram", "circular_telegram", "Circular Telegram"),
    ("telegram", "telegram", "Telegram"),
    ("circular airgram", "airgram", "Circular Airgram"),
    ("airgram", "airgram", "Airgram"),
    ("instruction", "instruction", "Instruction"),
    ("letter", "letter", "Letter"),
    ("personal message", "message", "Personal Message"),
    ("oral message", "message", "Oral Message"),
    ("message", "message", "Message"),
    ("editorial note", "editorial_note", "Editorial Note"),
    ("notes", "notes", "Notes"),
    ("diplomatic note", "diplomatic_note", "Note"),
    ("note", "diplomatic_note", "Note"),
    ("briefing paper", "paper", "Briefing Paper"),
    ("talking paper", "paper", "Talking Paper"),
    ("position paper", "paper", "Position Paper"),
    ("paper", "paper", "Paper"),
    ("summary record", "summary_record", "Summary Record"),
    ("summary of", "summary", "Summary"),
    ("record of meeting", "record_of_meeting", "Record of Meeting"),
    ("record of a meeting", "record_of_meeting", "Record of Meeting"),
    ("record of action", "record_of_meeting", "Record of Action"),
    ("record of", "record_of_meeting", "Record"),
    ("off-the-record meeting", "record_of_meeting", "Off-the-Record Meeting"),
    ("minutes", "minutes", "Minutes"),
    ("report", "report", "Report"),
    (
        "special national intelligence estimate",
        "intelligence_estimate",
        "Special National Intelligence Estimate",
    ),
    ("national intelligence estimate", "intelligence_estimate", "National Intelligence Estimate"),
    ("transcript", "transcript", "Transcript"),
    ("chronology", "chronology", "Chronology"),
    ("statement", "statement", "Statement"),
    ("aide-memoire", "aide_memoire", "Aide-Memoire"),
    ("aide-mémoire", "aide_memoire", "Aide-Mémoire"),
    ("draft", "other", "Draft"),
]
_TYPES.sort(key=lambda t: -len(t[0]))
_TYPE_RE = re.compile(
    r"^(?P<draft>draft\s+)?(?P<type>"
    + "|".join(re.escape(t[0]) for t in _TYPES)
    + r")(?=$|[\s,:(])",
    re.I,
)
_TYPE_INFO = {t[0]: (t[1], t[2]) for t in _TYPES}

_MEETING = re.compile(
    r"\b(?:of|at)\s+(?:the|a)\s+(?:(?P<ord>[\w\-]+)\s+)?Meeting\s+(?:of|with)\s+(?P<body>.+?)"
    r"(?=\s*,|\s+(?:on|at|held|in)\s|$)",
    re.I,
)
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)?$", re.I)
_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
    "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_ORDINAL_WORDS = {w: i for i, w in enumerate(_ORDINALS.split(" "))}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TENS_ORD = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
_PREPARED = re.compile(
    r"^(?:Prepared|Drafted|Written|Taken|Dictated|Submitted)\s+"
    r"(?:(?P<prep>in|by)\s+(?P<who>.+?))?(?:\s*\bfor\s+(?P<for>.+?))?(?:\s+at\s+.+)?$",
    re.I,
)
_AT = re.compile(r"\s+at\s+")
_TO = re.compile(r"\s+to\s+")
_TRAILING_MARKERS = re.compile(r"(?:\s*\(\d{1,3}\))+\s*$")
_WS = re.compile(r"\s+")


@dataclass
class Heading:
    text: str
    doc_type: str = "other"
    label: str = ""
    is_draft: bool = False
    sender: ParsedAgent | None = None
    recipients: list[ParsedAgent] = field(default_factory=list)
    participants: list[ParsedAgent] = field(default_factory=list)
    authors: list[ParsedAgent] = field(default_factory=list)
    meeting_number: int | None = None
    recognised: bool = False
    markers: list[int] = field(default_factory=list)


@functools.lru_cache(maxsize=256)
def match_collection(line: str, expected: str | None = None) -> str | None:
    """The canonical collection name ``line`` stands for, or ``None``.

    Tolerates case, a missing "The", plural/singular and one-letter slips
    ("The Cuban Missle Crisis", "CUBAN MISSILE CRISES") by fuzzy comparison of the
    normalised words.
    """
    candidates = (expected, *KNOWN_COLLECTIONS) if expected else KNOWN_COLLECTIONS
    norm = normalise_name(line).removeprefix("the ")
    if not norm or len(norm) > 120:
        return None
    for canonical in candidates:
        target = normalise_name(canonical).removeprefix("the ")
        if difflib.SequenceMatcher(None, norm, target).ratio() >= 0.85:
            return canonical
    return None


def recognise_type(line: str) -> tuple[str, str, bool, str] | None:
    """(slug, label, is_draft, rest of the heading) if ``line`` starts with a type."""
    m = _TYPE_RE.match(line.strip())
    if not m:
        return None
    slug, label = _TYPE_INFO[m.group("type").lower()]
    is_draft = bool(m.group("draft")) or m.group("type").lower() == "draft"
    rest = line.strip()[m.end() :].strip()
    if m.group("type").lower() == "draft":
        inner = recognise_type(rest)
        if inner:
            return inner[0], "Draft " + inner[1], True, inner[3]
    if is_draft and not label.startswith("Draft"):
        label = "Draft " + label
    return slug, label, is_draft, rest


def _ordinal(text: str | None) -> int | None:
    if not text:
        return None
    m = _ORDINAL_DIGITS.match(text)
    if m:
        return int(m.group(1))
    low = text.lower()
    if low in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[low]
    if low in _TENS_ORD:
        return _TENS_ORD[low]
    parts = low.split("-")
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ORDINAL_WORDS:
        return _TENS[parts[0]] + _ORDINAL_WORDS[parts[1]]
    return None


def split_from_to(text: str) -> tuple[str, str]:
    """Split "<A> to <B>" at the right " to ".

    Offices contain " to " themselves ("the Mission to the United Nations", "the
    Special Assistant to the President (Schlesinger)"): a " to " right after a
    closing parenthesis is preferred, one right after a noun that takes " to " as
    part of an office (Representative, Mission, Ambassador, Assistant…) is avoided.
    On a tie the first " to " wins.
    """
    best_score = -100
    best_span: tuple[int, int] | None = None
    depth = 0
    last = 0
    for m in _TO.finditer(text):
        depth += text.count("(", last, m.start()) - text.count(")", last, m.start())
        last = m.start()
        left_tail, right = text[max(0, m.start() - 60) : m.start()], text[m.end() : m.end() + 200]
        if not left_tail.strip() or not right.strip() or depth != 0:
            continue
        score = 0
        if left_tail.rstrip().endswith(")"):
            score += 3
        if left_tail.split()[-1].lower().strip(",") in ACCREDITED:
            score -= 3
        if not looks_like_agent_start(right):
            score -= 1
        if score > best_score:
            best_score, best_span = score, (m.start(), m.end())
    if best_span is None:
        return text, ""
    return text[: best_span[0]], text[best_span[1] :]


def _agents(text: str) -> list[ParsedAgent]:
    return [parse_agent_label(label) for label in split_agents(text)]


def parse_heading(line: str) -> Heading:
    """Parse a heading line; ``recognised`` is False when no type word was found."""
    written = _WS.sub(" ", line).strip()
    markers = [int(n) for n in re.findall(r"\((\d{1,3})\)", written[-12:])]
    text = _TRAILING_MARKERS.sub("", written).rstrip(" .")
    heading = Heading(text=text, markers=markers)
    found = recognise_type(text)
    if found is None:
        heading.label = "Other"
        rest = text
    else:
        heading.doc_type, heading.label, heading.is_draft, rest = found
        heading.recognised = True
    rest = re.sub(r"^No\.\s*\S+\s*", "", rest)
    meeting = _MEETING.search(rest)
    if meeting:
        heading.meeting_number = _ordinal(meeting.group("ord"))
        body = parse_agent_label(meeting.group("body"))
        heading.participants.append(body)
    low = rest.lower()
    if low.startswith("from "):
        sender, recipient = split_from_to(rest[5:])
        if sender.lower().endswith((" for", " to")):
            sender = sender.rsplit(" ", 1)[0]
        senders = _agents(sender)
        heading.sender = senders[0] if senders else None
        heading.recipients = _agents(recipient)
    elif low.startswith("between "):
        heading.participants.extend(_agents(rest[8:]))
    elif low.startswith("to "):
        heading.recipients = _agents(rest[3:])
    elif low.startswith("by "):
        heading.authors = _agents(rest[3:])
    elif low.startswith("for ") and heading.doc_type not in {"memorandum_for_the_record"}:
        heading.recipients = _agents(rest[4:])
    else:
        prepared = _PREPARED.match(rest)
        if prepared:
            who = prepared.group("who") or ""
            if prepared.group("prep") and not (meeting and prepared.group("prep").lower() == "in"):
                heading.authors = _agents(_AT.split(who, maxsplit=1)[0])
            if prepared.group("for"):
                heading.recipients = _agents(_AT.split(prepared.group("for"), maxsplit=1)[0])
    return heading
