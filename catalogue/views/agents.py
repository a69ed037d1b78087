"""Agent pages: the authority record and every published document the agent is in."""

from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from catalogue.models import Agent, AgentRole, DocumentAgent


class AgentListView(ListView):
    template_name = "catalogue/agent_list.html"
    context_object_name = "agents"
    paginate_by = 100

    def get_queryset(self):
        return (
            Agent.objects.active()
            .public()
            .with_public_document_counts()
            .order_by("sort_name", "authorised_name")
        )


class AgentDetailView(DetailView):
    template_name = "catalogue/agent_detail.html"
    context_object_name = "agent"

    def get_queryset(self):
        return Agent.objects.public().prefetch_related(
            "names", "identifiers", "positions__organisation"
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
        context = super().get_context_data(**kwargs)
        agent = self.object
        roles = list(
            DocumentAgent.objects.public()
            .filter(agent=agent)
            .select_related("document", "document__doc_type")
            .order_by("document__date", "document__time", "document_id", "role")
        )
        labels = dict(AgentRole.choices)
        by_role: dict[str, list] = {}
        for role in sorted(
            roles, key=lambda r: list(labels).index(r.role) if r.role in labels else 99
        ):
            by_role.setdefault(labels.get(role.role, role.role), []).append(role)
        timeline: dict = {}
        for role in roles:
            key = role.document.date
            entry = timeline.setdefault(role.document_id, {"document": role.document, "roles": []})
            entry["roles"].append(labels.get(role.role, role.role))
            entry["date"] = key
        names = [n for n in agent.names.all() if n.name != agent.authorised_name]
        context.update(
            roles_by_role=by_role,
            timeline=list(timeline.values()),
            variant_names=names,
            document_count=len({r.document_id for r in roles}),
        )
        return context
