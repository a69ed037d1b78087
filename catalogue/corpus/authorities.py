"""The authority files of a synthetic corpus: agents and the archival arrangement.

Built once per run from the seed and the corpus size, before any document: the real
people and offices of the crisis, plus synthetic staff and file units in proportion to
the number of documents, so that an archive of a million documents has thousands of
agents and files rather than the same forty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from . import vocabulary as v


@dataclass(slots=True)
class AgentSpec:
    key: int
    name: str
    sort_name: str
    kind: str
    variants: list[tuple[str, str]]
    positions: list[tuple[str, str, dt.date | None, dt.date | None]]
    phrase: str  # how a heading names them ("Secretary of State Rusk")
    label: str  # how a body or transcript names them ("Rusk", "Secretary")
    org: str = ""  # organisation key for offices
    place: str = ""


@dataclass(slots=True)
class UnitSpec:
    key: int
    repository: str
    parent: int | None
    level: str
    title: str
    identifier: str
    scheme: str
    arrangement: str


@dataclass(slots=True)
class FileChoice:
    """A place a document can be filed, with how its source note names it."""

    unit: int
    location_text: str
    repository: str
    arrangement: str
    transfer: int | None
    decimal: str = ""


@dataclass
class Authorities:
    agents: list[AgentSpec] = field(default_factory=list)
    orgs: dict[str, int] = field(default_factory=dict)
    persons: list[int] = field(default_factory=list)
    person_weights: list[float] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    famous: list[int] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    files: list[FileChoice] = field(default_factory=list)
    file_weights: list[float] = field(default_factory=list)

    def person_cum_weights(self):
        return list(itertools.accumulate(self.person_weights))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def build_authorities(rng: random.Random, documents: int) -> Authorities:
    auth = Authorities()
    for key, name, place, _short in v.ORGANISATIONS:
        auth.orgs[key] = len(auth.agents)
        auth.agents.append(
            AgentSpec(
                key=len(auth.agents),
                name=name,
                sort_name=name,
                kind="organisation",
                variants=[],
                positions=[],
                phrase=f"the {name}" if not name.startswith("White") else "the White House",
                label=name,
                org=key,
                place=place,
            )
        )
    for name, sort_name, weight, variants, positions, phrase, label in v.PERSONS:
        key = len(auth.agents)
        auth.agents.append(
            AgentSpec(
                key=key,
                name=name,
                sort_name=sort_name,
                kind="person",
                variants=list(variants),
                positions=[(t, o, _date(s), _date(e)) for t, o, s, e in positions],
                phrase=phrase,
                label=label,
            )
        )
        auth.persons.append(key)
        auth.famous.append(key)
        auth.person_weights.append(float(weight))

    staff_count = max(12, documents // 150)
    seen: set[str] = set()
    for _ in range(staff_count):
        for _attempt in range(20):
            surname = rng.choice(v.SURNAMES)
            given = rng.choice(v.GIVEN)
            initial = rng.choice(v.INITIALS)
            name = f"{given} {initial}. {surname}"
            if name not in seen:
                break
        else:
            name = f"{given} {initial}. {surname} {len(seen)}"
        seen.add(name)
        office, org = rng.choice(v.STAFF_OFFICES)
        start = dt.date(rng.randint(1955, 1962), rng.randint(1, 12), 1)
        key = len(auth.agents)
        variants = [(surname, "label")]
        if rng.random() < 0.3:
            variants.append((f"{given[0]}. {surname}", "abbreviation"))
        auth.agents.append(
            AgentSpec(
                key=key,
                name=name,
                sort_name=f"{surname}, {given} {initial}.",
                kind="person",
                variants=variants,
                positions=[(office, org, start, None)],
                phrase=f"the {office} ({surname})",
                label=surname,
            )
        )
        auth.persons.append(key)
        auth.staff.append(key)
        # Staff are many but each acts rarely: a long tail behind the famous names.
        auth.person_weights.append(rng.choice((0.3, 0.5, 1.0, 2.0)))

    _build_units(rng, auth, documents)
    return auth


def _build_units(rng: random.Random, auth: Authorities, documents: int):
    repo_names = {key: name for key, name, _short, _addr in v.REPOSITORIES}
    # Roughly one file unit per 40 documents, spread over the arrangements.
    total_weight = sum(a["weight"] for a in v.ARRANGEMENTS)
    for arr in v.ARRANGEMENTS:
        repo = arr["repository"]
        title, level, ident, scheme = arr["top"]
        top = _unit(auth, repo, None, level, title, ident, scheme, arr["key"])
        top_text = title + (f": {ident}" if ident and ident != title else "")
        stated = (
            ""
            if arr.get("implied")
            else f"{repo_names[repo].replace('John F. ', '').replace('Lyndon B. ', '')}, "
        )
        parents = []
        if arr["series"]:
            for s_title, s_level, s_ident, s_scheme in arr["series"]:
                s = _unit(auth, repo, top, s_level, s_title, s_ident, s_scheme, arr["key"])
                s_text = s_title + (f": {s_ident}" if s_ident else "")
                parents.append((s, f"{stated}{top_text}, {s_text}"))
        else:
            parents.append((top, f"{stated}{top_text}"))
        share = arr["weight"] / total_weight
        if not arr["files"]:
            # Central decimal files: documents are items named by their file number.
            for unit, text in parents:
                decimal = auth.units[unit].title
                auth.files.append(
                    FileChoice(
                        unit, text.rsplit(", ", 1)[0], repo, arr["key"], arr["transfer"], decimal
                    )
                )
                auth.file_weights.append(arr["weight"] / len(parents))
            continue
        volumes = max(1, round(documents * share / 40 / (len(arr["files"]) * len(parents))))
        for unit, text in parents:
            for topic in arr["files"]:
                for vol in range(1, volumes + 1):
                    f_title = topic if vol == 1 else f"{topic} Vol. {vol}"
                    f = _unit(auth, repo, unit, "file", f_title, "", "", arr["key"])
                    auth.files.append(
                        FileChoice(f, f"{text}, {f_title}", repo, arr["key"], arr["transfer"])
                    )
                    auth.file_weights.append(
                        arr["weight"]
                        / (len(parents) * len(arr["files"]) * volumes)
                        * rng.uniform(0.5, 1.5)
                    )


def _unit(auth, repo, parent, level, title, ident, scheme, arrangement) -> int:
    key = len(auth.units)
    auth.units.append(UnitSpec(key, repo, parent, level, title, ident, scheme, arrangement))
    return key
