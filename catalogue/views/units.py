"""Repositories and their arrangement: Repository → collection → series → file → items."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from catalogue.models import ArchivalUnit, Document, Repository

from . import presentation


def build_tree(units):
    """Nest a flat list ordered by ``tree_path`` (pre-order) into ``(unit, children)``."""
    roots, stack = [], []
    for unit in units:
        node = (unit, [])
        while stack and not unit.tree_path.startswith(stack[-1][0].tree_path):
            stack.pop()
        (stack[-1][1] if stack else roots).append(node)
        stack.append(node)
    return roots


class RepositoryListView(ListView):
    template_name = "catalogue/repository_list.html"
    context_object_name = "repositories"

    def get_queryset(self):
        return [
            r
            for r in Repository.objects.with_public_document_counts().order_by("name")
            if r.public_document_count
        ]


class RepositoryDetailView(DetailView):
    template_name = "catalogue/repository_detail.html"
    context_object_name = "repository"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Repository.objects.with_public_document_counts().filter(public_document_count__gt=0),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = (
            ArchivalUnit.objects.in_repository(self.object)
            .active()
            .public()
            .with_public_document_counts()
            .order_by("tree_path")
        )
        context["tree"] = build_tree(list(units))
        return context


class UnitDetailView(DetailView):
    template_name = "catalogue/unit_detail.html"
    context_object_name = "unit"
    paginate_by = 50

    def get_queryset(self):
        return (
            ArchivalUnit.objects.public()
            .with_public_document_counts()
            .select_related("repository", "parent", "creator")
        )

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if self.object.merged_into_id:
            return redirect(self.object.merged_into, permanent=True)
        if self.object.slug != kwargs.get("slug"):
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        children = (
            ArchivalUnit.objects.filter(parent=unit)
            .active()
            .public()
            .with_public_document_counts()
            .order_by("sort_order", "title")
        )
        documents = Document.objects.published().with_card().filter(unit=unit)
        page = Paginator(documents, self.paginate_by).get_page(self.request.GET.get("page"))
        # A series may hold hundreds of files: their rows carry only what the list
        # shows, and each line is put together here rather than in template tags.
        children = list(children.only("id", "slug", "title", "level", "identifier"))
        unit_url = presentation.url_maker("catalogue:unit-detail")
        for child in children:
            child.url = unit_url(child.pk, child.slug)
            count = child.public_document_count
            child.summary = " · ".join(
                part
                for part in (
                    child.get_level_display(),
                    child.identifier,
                    f"{count} {'document' if count == 1 else 'documents'}",
                )
                if part
            )
        context.update(
            ancestors=unit.ancestors(),
            children=children,
            page=page,
            documents=list(page.object_list),
        )
        return context
