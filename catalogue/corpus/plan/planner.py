"""The document planner: draws documents one after another from a seeded stream."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random

from .. import vocabulary as v
from ..authorities import Authorities
from .body import POOL_TABLE_REPEAT, SENTENCE_POOL, BodyDrafting
from .draws import weighted
from .formats import _cap, format_date, format_time, ordinal
from .provenance import ProvenanceDrafting
from .records import PlannedDocument

NOON, MIDNIGHT = dt.time(12, 0), dt.time(0, 0)
# Draws below index these tuples with ``rng._randbelow``, as ``rng.choice`` would
# (``randint(a, b)`` likewise is ``a + _randbelow(b - a + 1)``): the same stream without
# ``choice``/``randint``/``randrange``'s frames and checks, at ~20 draws per document.
MEETING_WITH = ("the President", "Secretary of State Rusk", "the Executive Committee")
CONVERSATION_PLACES = ("Washington", "Washington", "New York", "Moscow")
PAPER_ORGS = ("state", "cia", "defense", "jcs", "white_house")
CERTAINTIES = ("probable", "conjectural", "inferred")
HEADING_KINDS = {
    "memorandum": "Memorandum",
    "letter": "Letter",
    "message": "Message",
    "report": "Report",
}
UNPUBLISHED = ("draft", "in_review", "withdrawn")
UNPUBLISHED_CUM = (50, 85, 100)


class DocumentPlanner(BodyDrafting, ProvenanceDrafting):
    """Draws documents one after another from a seeded stream."""

    def __init__(self, rng: random.Random, auth: Authorities, seed: int, publish_ratio: float):
        self.rng = rng
        self.auth = auth
        self.seed = seed
        self.publish_ratio = publish_ratio
        self.type_keys = [t[0] for t in v.DOCUMENT_TYPES]
        self.type_cum = list(itertools.accumulate(t[1] for t in v.DOCUMENT_TYPES))
        self.type_info = {t[0]: t for t in v.DOCUMENT_TYPES}
        self.class_keys = [c[0] for c in v.CLASSIFICATIONS]
        self.class_cum = list(itertools.accumulate(c[1] for c in v.CLASSIFICATIONS))
        self.person_cum = auth.person_cum_weights()
        self.file_cum = list(itertools.accumulate(auth.file_weights))
        days = []
        weights = []
        day = v.CRISIS_START
        while day <= v.CRISIS_END:
            days.append(day)
            weights.append(8.0 if v.PEAK_START <= day <= v.PEAK_END else 1.0)
            day += dt.timedelta(days=1)
        self.days = days
        self.day_cum = list(itertools.accumulate(weights))
        rare = {i for i, s in enumerate(v.SENTENCES) if "{r}" in s}
        self.sentence_cum = list(
            itertools.accumulate(0.04 if i in rare else 1.0 for i in range(len(v.SENTENCES)))
        )
        self.org = {key: auth.agents[i] for key, i in auth.orgs.items()}
        # What a role row needs of its agent, and how a source note names a caveat:
        # looked up per document otherwise.
        self.role_parts = [
            (spec.positions[0][0] if spec.positions else "", spec.label) for spec in auth.agents
        ]
        self.caveat_names = {slug: name for slug, name, *_ in v.CAVEATS}
        self.ExComm_meeting = 0
        by_name = {a.name: a.key for a in auth.agents}
        self.khrushchev = by_name["Nikita S. Khrushchev"]
        self.kennedy = by_name["John F. Kennedy"]
        us = [k for k in auth.persons if auth.agents[k].name not in v.FOREIGN_PERSONS]
        self.us_people = us
        self.us_cum = list(
            itertools.accumulate(auth.person_weights[auth.persons.index(k)] for k in us)
        )
        # Generic sentences come from a seeded pool: filling templates per sentence
        # would make text generation the bottleneck at a million documents.
        self.sentence_pool = [self._fresh() for _ in range(SENTENCE_POOL)]
        self.sentence_table = self.sentence_pool * POOL_TABLE_REPEAT
        person_templates = [t for t in v.SENTENCES if t.startswith("{p}")]
        self.person_pool = [
            self._fill(rng.choice(person_templates), "{p}") for _ in range(SENTENCE_POOL // 4)
        ]

    # -- small draws -------------------------------------------------------------------

    def person(self) -> int:
        return weighted(self.rng, self.auth.persons, self.person_cum)

    def us_person(self) -> int:
        return weighted(self.rng, self.us_people, self.us_cum)

    def us_persons(self, n: int, exclude=()) -> list[int]:
        return _distinct(self.us_person, n, exclude)

    def persons(self, n: int, exclude=()) -> list[int]:
        return _distinct(self.person, n, exclude)

    def time_of_day(self) -> dt.time:
        rng = self.rng
        r = rng.random()
        if r < 0.03:
            return NOON
        if r < 0.05:
            return MIDNIGHT
        below = rng._randbelow
        hour = below(24)
        return dt.time(hour, below(60) if r < 0.6 else 5 * below(12))

    # -- the document ------------------------------------------------------------------

    def plan(self, index: int) -> PlannedDocument:
        rng = self.rng
        random = rng.random
        below = rng._randbelow  # what choice/randint/randrange draw with: same stream
        auth = self.auth
        agents = auth.agents
        role_parts = self.role_parts
        doc_type = weighted(rng, self.type_keys, self.type_cum)
        _key, _w, median_words, mean_notes = self.type_info[doc_type]
        date = weighted(rng, self.days, self.day_cum)
        precision, certainty, date_note = "day", "certain", ""
        t = None
        place = "Washington"
        sender = recipient = None
        roles: list[tuple[int, str, str, str]] = []
        routing: list[str] = []
        message_number = subject_line = ""
        received_text = transmission_note = ""
        received_time = None
        speakers: list[int] = []
        participants: list[int] = []

        given: set[tuple[int, str]] = set()

        def role(agent: int, name: str, as_written: str = ""):
            if (agent, name) in given:
                return
            given.add((agent, name))
            title, label = role_parts[agent]
            roles.append((agent, name, title, as_written or label))

        if doc_type in ("telegram", "circular_telegram"):
            state = auth.orgs["state"]
            if doc_type == "circular_telegram":
                sender, recipient = state, None
                heading = (
                    "Circular Telegram From the Department of State to All Latin American Posts"
                )
            else:
                post = auth.orgs[v.POSTS[below(len(v.POSTS))][0]]
                r = random()
                if r < 0.55:
                    sender, recipient = post, state
                elif r < 0.95:
                    sender, recipient = state, post
                else:
                    sender, recipient = auth.orgs["white_house"], post
                heading = f"Telegram From {agents[sender].phrase} to {agents[recipient].phrase}"
            place = agents[sender].place
            message_number = str(100 + below(2301))
            subject_line = "Subject: Cuba." if random() < 0.5 else ""
            routing = [subject_line] if subject_line else []
            if random() < 0.3:
                routing.append("Dept pass White House.")
            if random() < 0.2:
                routing.append(f"For Secretary from {agents[self.person()].label}.")
            if random() < 0.1:
                routing.append("Eyes only for the Secretary.")
            if random() < 0.88:
                t = self.time_of_day()
            if recipient == state and random() < 0.8:
                received_time = self.time_of_day()
                received_text = (
                    f"Received in the Department of State at {format_time(received_time)}"
                )
            if random() < 0.3:
                others = rng.sample(v.POSTS, 2)
                transmission_note = "Repeated to " + " and ".join(o[2] for o in others)
            role(sender, "sender")
            if recipient is not None:
                role(recipient, "recipient")
        elif doc_type == "memorandum_of_telephone_conversation":
            speakers = self.persons(2)
            a, b = (agents[x] for x in speakers)
            heading = (
                f"Memorandum of Telephone Conversation Between {_cap(a.phrase)} and {b.phrase}"
            )
            place = ""
            if random() < 0.5:
                t = self.time_of_day()
            for s in speakers:
                role(s, "speaker")
                role(s, "participant")
        elif doc_type in (
            "memorandum_of_conversation",
            "summary_record",
            "record_of_meeting",
            "notes",
        ):
            participants = self.persons(3 + below(7))
            if doc_type == "summary_record":
                self.ExComm_meeting += 1
                heading = (
                    f"Summary Record of the {ordinal(self.ExComm_meeting % 60 + 1)} Meeting of the "
                    "Executive Committee of the National Security Council"
                )
                t = self.time_of_day()
            elif doc_type == "notes":
                heading = f"Notes Taken at a Meeting With {MEETING_WITH[below(3)]}"
            elif doc_type == "record_of_meeting":
                heading = "Record of Meeting"
                t = self.time_of_day() if random() < 0.7 else None
            else:
                heading = "Memorandum of Conversation"
                place = CONVERSATION_PLACES[below(4)]
                t = self.time_of_day() if random() < 0.4 else None
            for p in participants:
                role(p, "participant")
            if doc_type in ("notes", "record_of_meeting"):
                role(participants[0], "author")
        elif doc_type == "editorial_note":
            heading = "Editorial Note"
            place = ""
            if random() < 0.7:
                date, precision, certainty = None, "unknown", "certain"
            else:
                certainty = "inferred"
                date_note = "Placed by the editors among the documents of this date."
            for p in self.persons(1 + below(3)):
                role(p, "mentioned")
        elif doc_type == "paper":
            org = PAPER_ORGS[below(5)]
            sender = auth.orgs[org]
            heading = f"Paper Prepared in {agents[sender].phrase}"
            role(sender, "author")
        elif doc_type == "memorandum_for_the_record":
            author = self.person()
            heading = "Memorandum for the Record"
            role(author, "author")
            sender = author
        else:  # memorandum, letter, message, report
            if doc_type in ("letter", "message") and random() < 0.5:
                pair = [self.khrushchev, self.kennedy]
                if random() < 0.5:
                    pair.reverse()
                sender, recipient = pair
                place = "Moscow" if "Khrushchev" in agents[sender].name else "Washington"
            else:
                sender, recipient = self.persons(2)
            kind = HEADING_KINDS[doc_type]
            heading = f"{kind} From {_cap(agents[sender].phrase)} to {agents[recipient].phrase}"
            role(sender, "sender")
            role(recipient, "recipient")
            if doc_type == "letter":
                role(sender, "signer")

        # Date forms, with some conjectural dates explained in the source note.
        if date is not None and doc_type != "editorial_note" and random() < 0.04:
            certainty = CERTAINTIES[below(3)]
            date_note = (
                f"The date is conjectural; the source text is undated but "
                f"{agents[self.person()].label}'s Appointment Book shows a meeting on "
                f"{format_date(date)}."
            )
        date_text = format_date(date) if date else ""
        time_text = format_time(t) if t else ""
        if date is None:
            dateline = ""
        else:
            parts = [p for p in (place, date_text, time_text) if p]
            dateline = ", ".join(parts)
            if not dateline.endswith("."):
                dateline += "."

        # Classification, caveats and filing (editorial notes have none).
        unit = None
        item_reference = ""
        classification = ""
        caveats: list[str] = []
        location_text = ""
        file = None
        if doc_type != "editorial_note":
            classification = weighted(rng, self.class_keys, self.class_cum)
            if classification not in ("no-classification-marking", "unclassified"):
                is_tel = doc_type in ("telegram", "circular_telegram")
                precedence_taken = False
                for slug, _name, kind, p_tel, p_other in v.CAVEATS:
                    if random() < (p_tel if is_tel else p_other):
                        if kind == "precedence":
                            if precedence_taken:
                                continue
                            precedence_taken = True
                        caveats.append(slug)
            file = auth.files[weighted(rng, range(len(auth.files)), self.file_cum)]
            unit = file.unit
            location_text = file.location_text
            if file.decimal:
                item_reference = (
                    f"{file.decimal}/{date.month if date else 10}-{date.day if date else 1}62"
                )
                location_text = f"{location_text}, {item_reference}"

        # Clearance chain from the source note.
        drafter = None
        cleared: list[int] = []
        approver = None
        if doc_type not in ("editorial_note", "letter", "message") and random() < 0.6:
            staff = auth.staff
            drafter = staff[below(len(staff))] if random() < 0.6 else self.us_person()
            role(drafter, "drafter")
            if random() < 0.35:
                cleared = self.us_persons(1 + below(2), exclude=(drafter,))
                for c in cleared:
                    role(c, "cleared" if random() < 0.7 else "concurred")
            if random() < 0.4:
                approver = self.us_persons(1, exclude=(drafter, *cleared))
                approver = approver[0] if approver else None
                if approver is not None:
                    role(approver, "approved")

        # Body.
        words = int(min(6000, max(40, median_words * math.exp(rng.gauss(0, 0.6)))))
        label_pool = [role_parts[a][1] for a, *_ in roles if agents[a].kind == "person"]
        body = self._body(doc_type, words, message_number, routing, speakers, label_pool)
        for _ in range(below(3)):
            role(self.person(), "mentioned")

        # Footnotes, with (n) markers after words of the body.
        n_notes = min(12, _poisson(rng, mean_notes))
        footnotes, body = self._footnotes(index, n_notes, body, date)

        # Source note.
        if doc_type == "editorial_note":
            source_note = ""
        else:
            sentences = [f"Source: {location_text}."]
            cl = v.CLASSIFICATION_NAMES[classification]
            names = self.caveat_names
            sentences.append("; ".join([cl, *(names[c] for c in caveats)]) + ".")
            chain = ""
            if drafter is not None:
                role_of = {r[0]: r[1] for r in roles if r[1] in ("cleared", "concurred")}
                chain = f"Drafted by {agents[drafter].label}"
                cl_with = [agents[c].label for c in cleared if role_of.get(c) == "cleared"]
                conc = [agents[c].label for c in cleared if role_of.get(c) == "concurred"]
                if cl_with:
                    chain += f"; cleared with {' and '.join(cl_with)}"
                if conc:
                    chain += f" and concurred in by {' and '.join(conc)}"
                if approver is not None:
                    chain += f"; and approved by {agents[approver].label}"
                sentences.append(chain + ".")
            if received_text:
                sentences.append(received_text + ".")
            if transmission_note:
                sentences.append(transmission_note + ".")
            editorial = ""
            if date_note:
                editorial = date_note
            elif random() < 0.12:
                editorial = v.REMARKS[below(len(v.REMARKS))]
            if editorial:
                sentences.append(editorial)
            source_note = " ".join(sentences)

        # Provenance chain.
        events = self._events(
            doc_type,
            date,
            t,
            place,
            sender,
            recipient,
            drafter,
            roles,
            received_time,
            transmission_note,
            file,
            location_text,
        )

        status = "published"
        withdrawn_reason = ""
        if random() >= self.publish_ratio:
            status = weighted(rng, UNPUBLISHED, UNPUBLISHED_CUM)
            if status == "withdrawn":
                withdrawn_reason = "Withdrawn pending review of the source attribution."
        subjects = rng.sample(v.SUBJECTS, 1 + below(3))
        if random() < 0.95:
            collection_line = v.COLLECTION
        else:
            collection_line = v.COLLECTION_VARIANTS[below(len(v.COLLECTION_VARIANTS))]
        return PlannedDocument(
            index=index,
            identity_key=f"corpus:{self.seed}:{index}",
            collection_line=collection_line,
            heading=heading,
            doc_type=doc_type,
            place=place if date else "",
            date=date,
            date_precision=precision,
            date_certainty=certainty,
            date_text=date_text,
            date_note=date_note,
            time=t,
            time_text=time_text,
            dateline=dateline,
            message_number=message_number,
            subject_line=subject_line,
            routing=routing,
            body=body,
            footnotes=footnotes,
            source_note=source_note,
            unit=unit,
            item_reference=item_reference,
            classification=classification,
            caveats=caveats,
            sender=sender,
            recipient=recipient,
            roles=roles,
            events=events,
            received_text=received_text,
            received_time=received_time,
            transmission_note=transmission_note,
            editorial_note=editorial if doc_type != "editorial_note" else "",
            subjects=subjects,
            frus_number=index % 700 + 1,
            status=status,
            withdrawn_reason=withdrawn_reason,
        )


def _poisson(rng: random.Random, mean: float) -> int:
    limit = math.exp(-mean)
    draw = rng.random
    k, p = 0, draw()
    while p > limit:
        k += 1
        p *= draw()
    return k


def _distinct(draw, n: int, exclude=()) -> list[int]:
    """Up to ``n`` different people from ``draw``, none of ``exclude``, in at most
    ``4 n`` draws (the number of draws is part of the seeded stream)."""
    out: list[int] = []
    seen = set(exclude)
    for _ in range(n * 4):
        p = draw()
        if p not in seen:
            seen.add(p)
            out.append(p)
            if len(out) == n:
                break
    return out
