"""The body: message number, subject, routing, dialogue speakers, footnote markers.

- Telegrams open with their number ("1581.", "Secto 12.", "CA-4202.") and then
  short addressing sentences: "Subject: Cuba.", "Dept pass White House.", "For
  Secretary from McCloy.", "Eyes only for Ambassador."  These are read from the
  start of the body until the first sentence that is not addressing.  A leading
  "1." followed later by "2." is paragraph numbering, not a message number.
- Telephone conversations and meeting transcripts are dialogue paragraphs
  "Label: …".  Each label is resolved to a party of the heading: by surname, or
  by office ("Sec"/"Secretary" → the Secretary of State), or by initial ("B:"
  → Ball) when only one party has that initial.
- Memoranda of conversation may list "Participants:" near the top.
- Footnote markers are "(n)" written right after a word or punctuation
  ("Sunday(1)", "Kennedy.(2)"); "(1)" after a space is usually an enumeration
  and is only accepted as a marker when no attached one exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from catalogue.importers.avalon.names import normalise_name, parse_agent_label, split_agents
from catalogue.importers.avalon.textutil import iter_sentences, wordset
from catalogue.importers.records import PERSON, ParsedAgent

MESSAGE_NUMBER_TYPES = frozenset(
    {"telegram", "circular_telegram", "airgram", "instruction", "message", "other"}
)
DIALOGUE_TYPES = frozenset(
    {"memorandum_of_telephone_conversation", "transcript", "record_of_meeting"}
)

_MSG_NUMBER = re.compile(
    r"^(?:(?P<precedence>Niact|Flash|Priority|Operational\s+Immediate)\.?\s+)?"
    r"(?P<num>(?:(?:Circular|Secto|Tosec|Topol|Polto|CAP|DEF|JCS|CIA|CINCLANT)\s+)?"
    r"(?:[A-Z]{1,3}-)?\d{1,6}(?:[-/]\d{1,4})?)\.(?=\s|$)"
)
_SUBJECT = re.compile(r"^(?:Subject|SUBJECT|Subj)\s*[:.]\s*(?P<s>.+)$", re.S)
_SUBJECT_HEADER = re.compile(r"^(?:SUBJECT|Subject)[:.]?$")
_REFERENCE = re.compile(
    r"^(?:(?:Ref|Refs|Reference|References|Re)\s*[:.]\s*(?P<r>.+)"
    r"|(?:Ref\s+|Refs\s+)?(?P<t>(?:Deptel|Embtel|Depcirtel|Circtel|Urtel|Mytel|Reftel|Deptels|Embtels"
    r"|Urtels|Mytels)\b.*))$",
    re.S,
)
_ROUTING = re.compile(
    r"^(?:"
    r"(?:(?:Dept|Department|Embassy|Emb|USUN|Please|Pls)\s+)?pass(?:\s+to)?\s+\S.*"
    r"|(?:Literally\s+)?Eyes\s+only\b.*"
    r"|For\s+(?:the\s+)?[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,4}\s+from\s+\S.*"
    r"|From\s+(?:the\s+)?[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,4}\s+(?:for|to)\s+\S.*"
    r"|To\s+(?:the\s+)?[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,4}\s+from\s+\S.*"
    r"|Personal\s+(?:for|to|from)\s+\S.*"
    r"|Exclusive\s+for\s+\S.*"
    r"|Deliver(?:ed)?\s+\S.*"
    r"|Following\s+(?:for|from)\s+[A-Z]\S*(?:\s+[A-Z]\S*)*"
    r"|Section\s+\w+\s+of\s+\w+"
    r"|(?:Niact|Flash|Emergency|Operational\s+Immediate|Priority|Nodis|Exdis|Limdis|"
    r"Verbatim\s+text|No\s+distribution)"
    r")$",
    re.I | re.S,
)
_SPEAKER = re.compile(r"^(?P<label>[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}):[ \t]+\S")
_NOT_SPEAKERS = wordset(
    """subject source note notes ref refs reference references participants present
    copies copy distribution attachment attachments enclosure enclosures date time place
    location summary comment comments recommendation recommendations background action
    text tab item agenda conclusion conclusions decision decisions problem discussion
    question issue issues purpose info information classification drafted approved cleared
    to from cc p s ps nb n.b remarks annex appendix"""
)
_PARTICIPANTS = re.compile(
    r"^(?:Participants|PARTICIPANTS|Present|PRESENT)\s*[:.]?\s*(?P<p>.*)$", re.S
)
_ABBREV = {
    "sec": "secretary",
    "secy": "secretary",
    "sect": "secretary",
    "pres": "president",
    "amb": "ambassador",
    "gov": "governor",
    "sen": "senator",
    "ag": "attorney general",
    "usec": "under secretary",
    "u s": "under secretary",
    "dci": "director of central intelligence",
    "sg": "secretary general",
    "syg": "secretary general",
}
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|the|The)\.?\s+")
_PAREN_NUMBER = re.compile(r"\((\d{1,3})\)")
_SPACED_BEFORE = frozenset(".,;:\"'”’")
_WORD_BEFORE = re.compile(r"(\S+)\s?$")


@dataclass
class BodyFacts:
    message_number: str = ""
    subject: str = ""
    routing: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    speakers: list[tuple[str, str]] = field(default_factory=list)
    speaker_agents: list[ParsedAgent] = field(default_factory=list)
    participants: list[ParsedAgent] = field(default_factory=list)


def _message_number(first: str, paragraphs: list[str], doc_type: str) -> tuple[str, str]:
    """Return (number, rest of the first paragraph)."""
    if doc_type not in MESSAGE_NUMBER_TYPES:
        return "", first
    m = _MSG_NUMBER.match(first)
    if not m:
        return "", first
    number = m.group("num")
    if number == "1" and any(p.startswith("2.") for p in paragraphs[1:]):
        return "", first  # paragraph numbering
    rest = first[m.end() :].strip()
    if m.group("precedence"):  # "Niact 1015." : the precedence is addressing, not the number
        rest = f"{m.group('precedence')}. {rest}"
    return number, rest


def _find_subject(paragraphs: list[str]) -> str:
    for i, para in enumerate(paragraphs):
        if _SUBJECT_HEADER.match(para) and i + 1 < len(paragraphs):
            return paragraphs[i + 1].split("\n", 1)[0].strip().rstrip(".")
        m = _SUBJECT.match(para)
        if m:
            return " ".join(m.group("s").split("\n", 1)[0].split()).rstrip(".")
    return ""


def _addressing(paragraphs: list[str], facts: BodyFacts, doc_type: str) -> None:
    """Message number, then addressing sentences up to the first ordinary one."""
    if not paragraphs:
        return
    number, rest = _message_number(paragraphs[0], paragraphs, doc_type)
    facts.message_number = number
    queue = ([rest] if rest else []) + paragraphs[1:3] if number else paragraphs[:1]
    done = False
    for para in queue:
        for sentence in iter_sentences(para):
            s = " ".join(sentence.split()).rstrip(".").strip()
            subject = _SUBJECT.match(sentence.strip())
            if subject:
                first_line = subject.group("s").split("\n", 1)[0]
                facts.subject = facts.subject or " ".join(first_line.split()).rstrip(".")
                continue
            reference = _REFERENCE.match(s)
            if reference and len(s) < 200:
                facts.references.append(reference.group("r") or reference.group("t"))
                continue
            if len(s) <= 160 and _ROUTING.match(s):
                facts.routing.append(s)
                continue
            done = True
            break
        if done:
            break
    if not facts.subject:
        facts.subject = _find_subject(paragraphs[:6])


def _expand(label: str) -> str:
    low = normalise_name(_HONORIFIC.sub("", label))
    return _ABBREV.get(low, low)


def resolve_speaker(label: str, parties: list[ParsedAgent]) -> ParsedAgent:
    """Map a dialogue label to a party of the heading, else to a new agent."""
    people = [p for p in parties if p.kind == PERSON]
    bare = _HONORIFIC.sub("", label).strip()
    norm = normalise_name(bare)
    last = norm.rsplit(" ", 1)[-1]
    for strict in (True, False):
        for person in people:
            full = normalise_name(person.name)
            names = {full, full.rsplit(" ", 1)[-1]}
            if norm in names or (not strict and last in names):
                return person
    if 0 < len(norm) <= 2 and norm.isalpha():  # "B:" and "M:" for Ball and McNamara
        initials = [p for p in people if normalise_name(p.name).startswith(norm[0])]
        if len(initials) == 1:
            return initials[0]
    expanded = _expand(label)
    if expanded:
        matches = [p for p in people if p.office and normalise_name(p.office).startswith(expanded)]
        if len(matches) > 1:
            matches = [
                p for p in matches if normalise_name(p.office) in {expanded, expanded + " of state"}
            ] or matches[:1]
        if matches:
            return matches[0]
    agent = parse_agent_label(label)
    if agent.kind == PERSON and agent.name:
        return agent
    return ParsedAgent(name=bare or label, label=label)


def _dialogue(
    paragraphs: list[str], parties: list[ParsedAgent], doc_type: str, facts: BodyFacts
) -> None:
    labels: list[str] = []
    for para in paragraphs:
        m = _SPEAKER.match(para)
        if not m:
            continue
        label = m.group("label")
        if normalise_name(label) in _NOT_SPEAKERS or len(label) > 40:
            continue
        if label not in labels:
            labels.append(label)
    if not labels:
        return
    resolved = [(label, resolve_speaker(label, parties)) for label in labels]
    if doc_type not in DIALOGUE_TYPES and not any(agent in parties for _, agent in resolved):
        return
    for label, agent in resolved:
        facts.speakers.append((label, agent.name))
        if not any(agent is a for a in facts.speaker_agents):
            if any(agent.name == a.name and not a.office for a in facts.speaker_agents):
                continue
            facts.speaker_agents.append(agent)


def _participant_entry(entry: str) -> ParsedAgent | None:
    entry = entry.strip(" ;,.-")
    if not entry:
        return None
    for sep in ("--", " - ", "—", ", "):
        if sep in entry:
            who, office = entry.split(sep, 1)
            agent = parse_agent_label(who)
            if agent.kind == PERSON and not agent.office:
                agent.office = office.strip(" ,.")
                agent.label = entry
                return agent
    return parse_agent_label(entry)


def _participants(paragraphs: list[str]) -> list[ParsedAgent]:
    for i, para in enumerate(paragraphs[:8]):
        m = _PARTICIPANTS.match(para)
        if not m:
            continue
        block = m.group("p").strip()
        if not block and i + 1 < len(paragraphs):
            block = paragraphs[i + 1]
        block = block[:4000]
        entries = block.split("\n") if "\n" in block else block.split(";")
        if len(entries) == 1:
            entries = split_agents(block)
        entries = entries[:40]
        agents = [_participant_entry(e) for e in entries]
        return [a for a in agents if a is not None and a.name][:40]
    return []


def analyse_body(paragraphs: list[str], doc_type: str, parties: list[ParsedAgent]) -> BodyFacts:
    """Read the addressing, dialogue and participants of the body paragraphs."""
    facts = BodyFacts()
    _addressing(paragraphs, facts, doc_type)
    if doc_type in {"memorandum_of_conversation", "record_of_meeting", "memorandum_for_the_record"}:
        facts.participants = _participants(paragraphs)
    _dialogue(paragraphs, parties + facts.participants, doc_type, facts)
    return facts


def iter_markers(body: str) -> Iterator[tuple[int, int, bool]]:
    """Yield (number, offset, attached) for each "(n)" in ``body``.

    ``attached`` is True when the marker follows a non-space character other
    than "(" ("Sunday(1)", "Kennedy.(2)"); a spaced marker counts only after a
    word or punctuation ("Sunday (1)"), never at the start of a line.
    """
    for m in _PAREN_NUMBER.finditer(body):
        start = m.start()
        prev = body[start - 1] if start else "\n"
        if not prev.isspace() and prev != "(":
            yield int(m.group(1)), start, True
        elif prev == " " and start >= 2:
            before = body[start - 2]
            if before.isalnum() or before in _SPACED_BEFORE:
                yield int(m.group(1)), start, False


def find_markers(body: str, numbers: list[int]) -> dict[int, int]:
    """Offsets in ``body`` of the "(n)" marker of each footnote number, in order."""
    attached: dict[int, list[int]] = {}
    spaced: dict[int, list[int]] = {}
    for number, offset, is_attached in iter_markers(body):
        (attached if is_attached else spaced).setdefault(number, []).append(offset)
    found: dict[int, int] = {}
    last = -1
    for n in numbers:
        for pool in (attached, spaced):
            offsets = [o for o in pool.get(n, []) if o > last]
            if offsets:
                found[n] = offsets[0]
                last = offsets[0]
                break
    return found


def anchor_before(body: str, offset: int) -> str:
    """The word right before a marker, without surrounding punctuation."""
    m = _WORD_BEFORE.search(body, max(0, offset - 80), offset)
    if not m:
        return ""
    word = _PAREN_NUMBER.sub("", m.group(1))
    return word.strip(".,;:!?\"'“”‘’()[]-–—")
