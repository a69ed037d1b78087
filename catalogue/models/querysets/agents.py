"""Reads of agents (people and organisations) and their names."""

from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from .common import PUBLISHED


class AgentQuerySet(models.QuerySet):
    def active(self):
        """Not merged away into another record."""
        return self.filter(merged_into__isnull=True)

    def public(self):
        """Agents that appear in at least one published document."""
        from ..provenance import DocumentAgent

        return self.filter(
            Exists(DocumentAgent.objects.filter(agent=OuterRef("pk"), document__status=PUBLISHED))
        )

    def named(self, name: str):
        """Agents recorded under this name in any form (authorised or variant)."""
        from catalogue.normalise import normalise_name

        key = normalise_name(name)
        return self.filter(Q(normalised_name=key) | Q(names__normalised=key)).distinct()


class AgentNameQuerySet(models.QuerySet):
    def matching(self, normalised: str):
        return self.filter(normalised=normalised).select_related("agent")


class AgentDocumentIds:
    """The ids of an agent's published documents by date (``date, time, id``, the order
    of ``document_status_date``; undated where the database puts nulls), as a
    paginator's object list: the count is given (the agent page's cached counts) and a
    page is one query of its ids.

    How a page is found depends on how much of the catalogue the agent is in. Sorting
    the agent's own links reads a document row for each (~4 µs: 0.15 s for the
    Department of State's 34,665 at 100,000 documents). Walking ``document_status_date``
    for the documents in the agent's ids (read from ``documentagent_agent_role`` alone)
    reads index entries (~0.16 µs each) and stops at the page: at most every published
    document's entry, from whichever end of the list the page is nearer. An agent in at
    least one published document in ``WALK_SHARE`` walks: a whole walk then costs less
    than the sort, however the agent's documents spread over time.
    """

    WALK_SHARE = 25

    def __init__(self, agent, total: int, published: int):
        self.agent, self.total, self.published = agent, total, published

    @staticmethod
    def counts(agent, roles) -> dict:
        """``total``: the agent's published documents, ``role_<i>``: those in which the
        agent has the ``i``-th of ``roles``, ``published``: the catalogue's (which way
        a page is found), in one query."""
        from ..documents import Document
        from ..provenance import DocumentAgent

        published = Document.objects.published().order_by().values("status")
        published = published.annotate(n=Count("pk")).values("n")
        counts = (
            DocumentAgent.objects.public()
            .filter(agent=agent)
            .aggregate(
                total=Count("document", distinct=True),
                published=Max(Subquery(published)),
                **{
                    f"role_{i}": Count("document", distinct=True, filter=Q(role=role))
                    for i, role in enumerate(roles)
                },
            )
        )
        return {**counts, "published": counts["published"] or 0}

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def walks(self) -> bool:
        return self.total * self.WALK_SHARE >= self.published

    def __getitem__(self, window) -> list[int]:
        if not isinstance(window, slice):
            raise TypeError("AgentDocumentIds supports slices only")
        start, stop = window.start or 0, min(window.stop, self.total)
        if stop <= start:
            return []
        if not self.walks():
            return list(self._sorted_links()[start:stop])
        if start <= self.total - stop:
            return list(self._walk().order_by("date", "time", "pk")[start:stop])
        # Nearer the end: the same order read backwards, then turned round.
        backwards = self._walk().order_by("-date", "-time", "-pk")
        return list(backwards[self.total - stop : self.total - start])[::-1]

    def _walk(self):
        from ..documents import Document
        from ..provenance import DocumentAgent

        linked = DocumentAgent.objects.filter(agent=self.agent).values("document_id")
        return Document.objects.published().filter(pk__in=linked).values_list("pk", flat=True)

    def _sorted_links(self):
        from ..provenance import DocumentAgent

        return (
            DocumentAgent.objects.public()
            .filter(agent=self.agent)
            .order_by("document__date", "document__time", "document_id")
            .values_list("document_id", flat=True)
            .distinct()
        )
