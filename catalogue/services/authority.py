"""Authority control for agents: resolve a name as written to one authority record.

The same man is "Rusk", "Secretary of State Rusk" and "Sec"; the same office is "the
Mission to the United Nations" and "Mission to the United Nations". Matching is done on
normalised forms (``catalogue.normalise.normalise_name``, the rule the models use for
``Agent.normalised_name`` and ``AgentName.normalised``) against authorised names and
every recorded variant. Fuzzy similarity (rapidfuzz) only *proposes* a merge for an
archivist to accept (Kuznetsov / Kuznetzov): two records are never merged silently,
because a wrong merge corrupts every document the two agents appear in.

``AgentAuthority`` is a per-run cache: it loads the name index once and keeps new
variants, positions and reviews in memory until ``flush()`` writes them in bulk, so an
import of thousands of documents does not query per name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import slugify
from rapidfuzz import fuzz, process

from catalogue.models import Agent, AgentKind, AgentName, AuthorityReview, NameType, Position
from catalogue.models.history import current_channel
from catalogue.normalise import normalise_name
from catalogue.services.cataloguing.rows import insert_history, insert_returning_ids

# ratio on normalised forms: kuznetsov/kuznetzov = 88.9, ball/bell = 75, rusk/rush = 75.
FUZZY_THRESHOLD = 85.0
# Speaker labels ("Sec", "Secretary") name whoever holds the office in *this* document;
# they are recorded as variants for the record but never matched on.
UNMATCHED_NAME_TYPES = {NameType.LABEL}


@lru_cache(maxsize=65536)
def cached_normalise(value: str) -> str:
    """``normalise_name`` memoised: an import normalises the same few names thousands
    of times."""
    return normalise_name(value)


@dataclass
class Resolution:
    agent: Agent
    created: bool = False
    ambiguous: bool = False


def _surname(normalised: str) -> str:
    """'dean rusk' -> 'rusk'; single tokens are their own surname."""
    parts = normalised.split()
    return parts[-1] if parts else ""


class AgentAuthority:
    """Resolve names to agents for one import run, recording what it learns."""

    def __init__(self, *, import_run=None):
        self.import_run = import_run
        self.reset()

    def reset(self):
        """Forget everything cached: call after a rolled-back transaction."""
        self._loaded = False
        self._agents: dict[int, Agent] = {}
        self._merged: dict[int, int] = {}
        self._by_name: dict[str, set[int]] = defaultdict(set)
        self._by_surname: dict[str, set[int]] = defaultdict(set)
        self._forms: set[tuple[int, str]] = set()
        self._positions: set[tuple[int, str]] = set()
        self._reviewed: set[tuple[str, str]] = set()
        self.pending_names: list[AgentName] = []
        self.pending_positions: list[Position] = []
        self.pending_reviews: list[AuthorityReview] = []
        self.created: list[Agent] = []

    # -- loading --------------------------------------------------------------------

    def _load(self):
        if self._loaded:
            return
        merged = []
        for agent in Agent.objects.only(
            "id", "kind", "authorised_name", "normalised_name", "merged_into_id"
        ):
            if agent.merged_into_id:
                self._merged[agent.pk] = agent.merged_into_id
                merged.append(agent)
            else:
                self._index_agent(agent)
        for agent in merged:
            target = self._follow(agent.pk)
            if target in self._agents:
                self._by_name[agent.normalised_name].add(target)
        for agent_id, normalised, name_type in AgentName.objects.values_list(
            "agent_id", "normalised", "name_type"
        ):
            self._forms.add((agent_id, normalised))
            target = self._follow(agent_id)
            if target in self._agents and name_type not in UNMATCHED_NAME_TYPES:
                self._by_name[normalised].add(target)
        for agent_id, title in Position.objects.values_list("agent_id", "title"):
            self._positions.add((agent_id, cached_normalise(title)))
        self._loaded = True

    def _follow(self, agent_id: int) -> int:
        seen = set()
        while agent_id in self._merged and agent_id not in seen:
            seen.add(agent_id)
            agent_id = self._merged[agent_id]
        return agent_id

    def _index_agent(self, agent: Agent):
        self._agents[agent.pk] = agent
        self._by_name[agent.normalised_name].add(agent.pk)
        self._forms.add((agent.pk, agent.normalised_name))
        if agent.kind == AgentKind.PERSON:
            self._by_surname[_surname(agent.normalised_name)].add(agent.pk)

    # -- matching -------------------------------------------------------------------

    def candidates(self, name: str, *, kind: str = AgentKind.PERSON) -> list[Agent]:
        """Agents a name could denote: exact form first, then a person's surname."""
        self._load()
        key = cached_normalise(name)
        if not key:
            return []
        ids = set(self._by_name.get(key, ()))
        if not ids and kind == AgentKind.PERSON and " " not in key:
            ids = set(self._by_surname.get(key, ()))
        agents = [self._agents[i] for i in sorted(ids)]
        same_kind = [a for a in agents if a.kind == kind]
        return same_kind or agents

    def resolve(
        self,
        name: str,
        *,
        kind: str = AgentKind.PERSON,
        variants: tuple[tuple[str, str], ...] = (),
        office: str = "",
        document_title: str = "",
    ) -> Resolution | None:
        """The agent ``name`` denotes, created if nothing matches.

        ``variants`` are (form as written, NameType) pairs seen for this agent, e.g.
        ("Secretary of State Rusk", "office"); each new one is recorded. ``office``
        becomes a Position of a person if not already known.
        """
        name = (name or "").strip()
        key = cached_normalise(name)
        if not key:
            return None
        found = self.candidates(name, kind=kind)
        if not found:
            result = Resolution(self._create(name, kind=kind), created=True)
        else:
            result = Resolution(found[0], ambiguous=len(found) > 1)
            if result.ambiguous:
                self._review(
                    AuthorityReview.Kind.AMBIGUOUS,
                    name,
                    agent=found[0],
                    candidate=found[1],
                    # Written once per name and candidates, but resolved per mention.
                    note=lambda: (
                        f"“{name}” matches {len(found)} records: "
                        + "; ".join(a.authorised_name for a in found)
                        + (f" (in “{document_title}”)" if document_title else "")
                    ),
                )
        agent = result.agent
        self.record_form(agent, name, NameType.VARIANT)
        for form, name_type in variants:
            if form and form.strip():
                self.record_form(agent, form.strip(), name_type)
        if office and agent.kind == AgentKind.PERSON:
            self._record_position(agent, office)
        return result

    def _create(self, name: str, *, kind: str) -> Agent:
        agent = Agent(authorised_name=name, kind=kind, import_run=self.import_run)
        # Inserted at once (its id is needed now), its history row at flush(): one
        # Agent.save() with django-simple-history's post_save was ~10 % of an import
        # into an empty catalogue. The derived fields are what save() sets.
        derive_agent_fields(agent)
        insert_returning_ids(Agent, [agent])
        self.created.append(agent)
        proposals = self._fuzzy(agent)
        self._index_agent(agent)
        self.pending_names.append(
            AgentName(
                agent=agent,
                name=name,
                normalised=agent.normalised_name,
                name_type=NameType.AUTHORISED,
                import_run=self.import_run,
            )
        )
        for candidate, score in proposals:
            self._review(
                AuthorityReview.Kind.PROPOSED_MERGE,
                name,
                agent=agent,
                candidate=candidate,
                score=score,
                note=f"“{name}” resembles “{candidate.authorised_name}” ({score:.0f}/100).",
            )
        return agent

    def _fuzzy(self, agent: Agent) -> list[tuple[Agent, float]]:
        """Existing agents of the same kind whose name or surname is close to the new one."""
        key = agent.normalised_name
        choices: dict[str, set[int]] = defaultdict(set)
        for form, ids in self._by_name.items():
            choices[form] |= {i for i in ids if self._agents[i].kind == agent.kind}
        if agent.kind == AgentKind.PERSON:
            for form, ids in self._by_surname.items():
                choices[form] |= ids
        choices = {form: ids for form, ids in choices.items() if ids and form != key}
        best: dict[int, float] = {}
        for form, score, _ in process.extract(
            key, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=5
        ):
            for agent_id in choices[form]:
                best[agent_id] = max(score, best.get(agent_id, 0))
        return [(self._agents[i], s) for i, s in sorted(best.items(), key=lambda kv: -kv[1])]

    def record_form(self, agent: Agent, form: str, name_type: str):
        """Remember ``form`` as a name of ``agent`` (written at the next flush)."""
        key = cached_normalise(form)
        if not key or (agent.pk, key) in self._forms:
            return
        self._forms.add((agent.pk, key))
        if name_type not in UNMATCHED_NAME_TYPES:
            self._by_name[key].add(agent.pk)
        self.pending_names.append(
            AgentName(
                agent=agent,
                name=form[:255],
                normalised=key[:255],
                name_type=name_type,
                import_run=self.import_run,
            )
        )

    def _record_position(self, agent: Agent, title: str):
        key = cached_normalise(title)
        if (agent.pk, key) in self._positions:
            return
        self._positions.add((agent.pk, key))
        self.pending_positions.append(
            Position(agent=agent, title=title[:255], note="Recorded by import")
        )

    def _review(self, kind, name, *, agent, candidate=None, score=None, note=""):
        """Record a review once per (kind, name, agent, candidate). ``note`` is the text
        or a function making it, called only when the review is new."""
        marker = (kind, f"{cached_normalise(name)}:{agent.pk}:{candidate.pk if candidate else ''}")
        if marker in self._reviewed:
            return
        self._reviewed.add(marker)
        if callable(note):
            note = note()
        self.pending_reviews.append(
            AuthorityReview(
                kind=kind,
                name=name[:255],
                agent=agent,
                candidate=candidate,
                score=score,
                import_run=self.import_run,
                note=note,
            )
        )

    def has_open_review(self) -> bool:
        return bool(self.pending_reviews)

    # -- writing --------------------------------------------------------------------

    def flush(self) -> set[int]:
        """Write the variants, positions and reviews gathered since the last flush;
        returns the ids of agents that gained a name."""
        named = {name.agent.pk for name in self.pending_names}
        if self.created:
            insert_history(self.created, extra=history_of_current_change())
        if self.pending_names:
            AgentName.objects.bulk_create(self.pending_names, ignore_conflicts=True)
        if self.pending_positions:
            Position.objects.bulk_create(self.pending_positions)
        if self.pending_reviews:
            AuthorityReview.objects.bulk_create(self.pending_reviews)
        self.pending_names, self.pending_positions, self.pending_reviews = [], [], []
        self.created = []
        return named


def derive_agent_fields(agent: Agent) -> None:
    """What ``Agent.save()`` derives before writing a new agent."""
    agent.normalised_name = normalise_name(agent.authorised_name)
    if not agent.sort_name:
        agent.sort_name = agent.authorised_name
    if not agent.slug:
        agent.slug = slugify(agent.authorised_name)[:120] or "agent"


def history_of_current_change() -> dict:
    """The history_* values django-simple-history's post_save and
    ``CatalogueHistoricalModel.save()`` would give a row saved now (no change reason)."""
    from simple_history.models import HistoricalRecords

    channel, run_id = current_channel()
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return {
        "history_change_reason": None,
        "history_user_id": user.pk if user is not None else None,
        "history_channel": channel,
        "history_import_run_id": run_id,
    }


def resolve_agent(name: str, *, kind: str = AgentKind.PERSON, import_run=None, **kwargs) -> Agent:
    """One-off resolution outside an import (e.g. the admin); writes immediately."""
    authority = AgentAuthority(import_run=import_run)
    result = authority.resolve(name, kind=kind, **kwargs)
    authority.flush()
    return result.agent if result else None
