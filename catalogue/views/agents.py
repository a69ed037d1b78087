"""Agent pages: the authority record and every published document the agent is in."""

import hashlib

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from archive_site.db_router import reads_from_primary
from catalogue.models import Agent, AgentRole, Document, DocumentAgent, Position
from catalogue.stamped import cached_until_change

from . import presentation

AGENT_PAGE_DOCUMENT_FIELDS = ("id", "title", "slug", "date", "date_precision", "time", "time_text")


class AgentListView(ListView):
    template_name = "catalogue/agent_list.html"
    context_object_name = "agents"
    paginate_by = 100

    def get_queryset(self):
        return Agent.objects.active().public().order_by("sort_name", "authorised_name")

    def get_context_data(self, **kwargs):
        """Documents are counted for the page's agents only, once the page is cut (a
        count per agent in the sorted query read every agent's rows: 2.5–4.8 s at
        100,000), in one grouped query of their index entries, kept under the
        catalogue's change stamp. Not every agent's at once: one scan of all the role
        rows, 0.76 s on PostgreSQL at 100,000 against 45 ms for a page."""
        context = super().get_context_data(**kwargs)
        agents = list(context["object_list"])
        ids = [agent.pk for agent in agents]
        page = hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=16).hexdigest()
        counts = cached_until_change(
            f"agent-list-counts:{page}",
            lambda: DocumentAgent.objects.published_counts_by_agent(ids),
        )
        for agent in agents:
            agent.public_document_count = counts.get(agent.pk, 0)
        context.update(object_list=agents, agents=agents)
        return context


class AgentDetailView(DetailView):
    template_name = "catalogue/agent_detail.html"
    context_object_name = "agent"
    DOCUMENTS_PER_PAGE = 100

    def get_queryset(self):
        # Organisations joined into the positions' query: a nested prefetch costs one
        # more query only for agents that hold positions, so counts differed by agent.
        return Agent.objects.public().prefetch_related(
            "names",
            "identifiers",
            Prefetch("positions", queryset=Position.objects.select_related("organisation")),
        )

    def get(self, request, *args, **kwargs):
        merged = Agent.objects.filter(pk=kwargs["pk"], merged_into__isnull=False).first()
        if merged is not None and merged.merged_into_id != merged.pk:
            return redirect(
                get_object_or_404(Agent.objects.public(), pk=merged.merged_into_id), permanent=True
            )
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if self.object.slug != kwargs.get("slug"):
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        """One page of the agent's published documents (``DOCUMENTS_PER_PAGE``, by date),
        grouped by role and as a timeline; role counts are over all pages. A fixed
        number of queries (one more on the page where the dated documents end and the
        undated begin) and bounded work however many documents the agent is in."""
        context = super().get_context_data(**kwargs)
        agent = self.object
        links = DocumentAgent.objects.public().filter(agent=agent)
        labels = dict(AgentRole.choices)
        # Kept until the catalogue changes: an office's counts read tens of thousands
        # of index entries (~35 ms for the Department of State at 100,000 documents).
        counts = cached_until_change(
            f"agent-page-counts-2:{agent.pk}",
            lambda: {
                **DocumentAgent.objects.public().for_agent(agent).page_counts(labels),
                # From the date index's own range of undated documents: 14 ms for the
                # Department of State's 34,665 at 100,000 documents, where a term of
                # the aggregate above would read every document's row (+0.1 s).
                "undated": Document.objects.published().undated().linked_to(agent).count(),
            },
        )
        role_counts = {role: counts[f"role_{i}"] for i, role in enumerate(labels)}
        document_ids = AgentDocumentIds(
            agent, counts["total"], counts["published"], undated=counts["undated"]
        )
        paginator = Paginator(document_ids, self.DOCUMENTS_PER_PAGE)
        # The page's ids on the primary, as its counts: a page read from the end of the
        # list is cut by the total, and a replica a document behind would shift it.
        with reads_from_primary():
            page = paginator.get_page(self.request.GET.get("page"))
        # Only the columns the lists show: a document row carries two copies of its
        # text (~30 KB each).
        rows = list(
            links.filter(document__in=list(page.object_list))
            .select_related("document")
            .only(
                "document_id",
                "role",
                "position_title",
                "name_as_written",
                *(f"document__{name}" for name in AGENT_PAGE_DOCUMENT_FIELDS),
            )
            .in_document_date_order("role")
        )
        rank = {value: position for position, value in enumerate(labels)}
        document_url = presentation.record_url("catalogue:document-detail")
        by_role: dict[str, dict] = {}
        for role in sorted(role_counts, key=lambda r: rank.get(r, 99)):
            if role_counts[role]:
                by_role[labels[role]] = {"count": role_counts[role], "entries": []}
        timeline: dict = {}
        # Each line's text is put together here, once: with a hundred documents listed
        # twice, template lookups and filters were most of the page's time.
        for row in rows:
            document = row.document
            row.url = document_url(row.document_id, document.slug)
            date = document.display_date
            notes = [date]
            if row.position_title:
                notes.append(f"as {row.position_title}")
            if row.name_as_written and row.name_as_written != agent.authorised_name:
                notes.append(f"named “{row.name_as_written}”")
            row.note = " · ".join(notes)
            label = labels.get(row.role, row.role)
            by_role.setdefault(label, {"count": 0, "entries": []})["entries"].append(row)
            entry = timeline.setdefault(
                row.document_id,
                {
                    "title": document.title,
                    "url": row.url,
                    "when": f"{date}, {document.time_text}" if document.time_text else date,
                    "roles": [],
                },
            )
            entry["roles"].append(label.lower())
        for entry in timeline.values():
            entry["roles"] = ", ".join(entry["roles"])
        names = [n for n in agent.names.all() if n.name != agent.authorised_name]
        context.update(
            roles_by_role=by_role,
            timeline=list(timeline.values()),
            variant_names=names,
            document_count=page.paginator.count,
            page=page,
        )
        return context


class AgentDocumentIds:
    """The ids of an agent's published documents in the catalogue's date order
    (``date_order``: undated and untimed last, on every database), as a paginator's
    object list: the counts are given (the agent page's cached counts) and a page is
    one query of its ids (two where it straddles the dated and the undated).

    How a page is found depends on how much of the catalogue the agent is in. Sorting
    the agent's own links reads a document row for each (~4 µs: 0.15 s for the
    Department of State's 34,665 at 100,000 documents). Walking ``document_status_date``
    for the documents in the agent's ids (read from ``documentagent_agent_role`` alone)
    reads index entries (~0.16 µs each) and stops at the page: at most every published
    document's entry, from whichever end of the list the page is nearer. An agent in at
    least one published document in ``WALK_SHARE`` walks: a whole walk then costs less
    than the sort, however the agent's documents spread over time. The walk takes the
    dated documents (by date, then the documents of a day sorted among themselves, the
    untimed last) and then the undated ones (``undated`` of them): the index holds
    NULLs where its database puts them, first on SQLite and last on PostgreSQL.
    """

    WALK_SHARE = 25

    def __init__(self, agent, total: int, published: int, *, undated: int = 0):
        self.agent, self.total, self.published = agent, total, published
        self.undated = min(undated, total)

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
        dated = self.total - self.undated
        ids = []
        if start < dated:
            ids += self._dated(start, min(stop, dated), dated)
        if stop > dated:
            undated = self._walk().undated_in_order()
            ids += list(undated[max(start - dated, 0) : stop - dated])
        return ids

    def _dated(self, start: int, stop: int, dated: int) -> list[int]:
        if start <= dated - stop:
            return list(self._walk().dated_in_order()[start:stop])
        # Nearer the end: the same order read backwards, then turned round.
        backwards = self._walk().dated_in_order(descending=True)
        return list(backwards[dated - stop : dated - start])[::-1]

    def _walk(self):
        return Document.objects.published().linked_to(self.agent).values_list("pk", flat=True)

    def _sorted_links(self):
        return DocumentAgent.objects.public().for_agent(self.agent).document_ids_by_date()
