"""The provenance chain of a planned document, from drafting to transcription."""

from __future__ import annotations

import datetime as dt

from .records import PlannedEvent

# The events every document (or many) shares word for word: one object each, reused
# (nothing changes a planned event), and the writer turns each into a row once.
PUBLISHED = PlannedEvent(
    "published",
    dt.date(1997, 1, 1),
    "year",
    publication="frus",
    evidence="Printed in FRUS 1961–1963, vol. XI.",
)
TRANSCRIPTION_YEARS = (1997, 1998, 2003, 2008)
TRANSCRIBED = tuple(
    PlannedEvent(
        "transcribed",
        dt.date(year, 1, 1),
        "year",
        publication="avalon",
        evidence="Avalon Project transcription.",
    )
    for year in TRANSCRIPTION_YEARS
)
DECLASSIFIED = tuple(
    PlannedEvent(
        "declassified",
        dt.date(year, 1, 1),
        "year",
        evidence="Declassification review for FRUS.",
    )
    for year in range(1978, 1997)
)
SHARED_EVENTS = (PUBLISHED, *TRANSCRIBED, *DECLASSIFIED)


class ProvenanceDrafting:
    """The planner's event chain (mixed into ``DocumentPlanner``)."""

    def _events(
        self,
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
    ) -> list[PlannedEvent]:
        rng = self.rng
        precision = "day" if date else "unknown"
        events: list[PlannedEvent] = []
        if drafter is not None:
            events.append(
                PlannedEvent(
                    "drafted",
                    date,
                    precision,
                    place=place,
                    agents=[(drafter, "drafter")],
                    evidence="Source note: drafting information.",
                )
            )
            for agent, role, *_ in roles:
                if role in ("cleared", "concurred", "approved"):
                    events.append(
                        PlannedEvent(
                            role,
                            date,
                            precision,
                            agents=[(agent, role)],
                            evidence="Source note: clearance chain.",
                        )
                    )
        elif doc_type != "editorial_note":
            author = sender if sender is not None else next((r[0] for r in roles), None)
            events.append(
                PlannedEvent(
                    "created",
                    date,
                    precision,
                    time=t,
                    place=place,
                    agents=[(author, "author")] if author is not None else [],
                    evidence="Heading and dateline.",
                )
            )
        if sender is not None and doc_type in (
            "telegram",
            "circular_telegram",
            "letter",
            "message",
        ):
            events.append(
                PlannedEvent(
                    "sent",
                    date,
                    precision,
                    time=t,
                    place=place,
                    agents=[(sender, "sender")],
                    evidence="Dateline.",
                )
            )
        if received_time is not None:
            events.append(
                PlannedEvent(
                    "received",
                    date,
                    precision,
                    time=received_time,
                    place="Washington",
                    agents=[(recipient, "recipient")] if recipient is not None else [],
                    evidence="Source note: time of receipt.",
                )
            )
        if transmission_note:
            events.append(
                PlannedEvent(
                    "repeated",
                    date,
                    precision,
                    description=transmission_note,
                    evidence="Source note: transmission.",
                )
            )
        if file is not None:
            events.append(
                PlannedEvent(
                    "filed",
                    date,
                    precision,
                    unit=file.unit,
                    custodian_after=file.repository,
                    description=location_text,
                    evidence="Source note: location.",
                )
            )
            if file.transfer:
                events.append(
                    PlannedEvent(
                        "transferred",
                        dt.date(file.transfer, 1, 1),
                        "year",
                        unit=file.unit,
                        custodian_before="dos",
                        custodian_after=file.repository,
                        evidence="Records-centre accession or library deed of gift.",
                    )
                )
            if rng.random() < 0.15:
                events.append(DECLASSIFIED[rng._randbelow(19)])  # randint(1978, 1996)
        events.append(PUBLISHED)
        events.append(TRANSCRIBED[rng._randbelow(4)])  # choice(TRANSCRIPTION_YEARS)
        return events
