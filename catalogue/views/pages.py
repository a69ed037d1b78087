"""Public pages. Each view asks a named QuerySet for what the public may see."""

from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, TemplateView

from catalogue.models import Agent, ArchivalUnit, Document, Repository


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["documents"] = Document.objects.published().with_card()[:20]
        return context


class DocumentDetailView(DetailView):
    template_name = "catalogue/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return Document.objects.published().with_detail()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs.get("slug"):
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


class AgentDetailView(DetailView):
    template_name = "catalogue/agent_detail.html"
    context_object_name = "agent"

    def get_queryset(self):
        return Agent.objects.public()


class UnitDetailView(DetailView):
    template_name = "catalogue/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return ArchivalUnit.objects.public().select_related("repository", "parent")


class RepositoryDetailView(DetailView):
    template_name = "catalogue/repository_detail.html"
    context_object_name = "repository"
    slug_field = "slug"

    def get_object(self, queryset=None):
        return get_object_or_404(Repository, slug=self.kwargs["slug"])
