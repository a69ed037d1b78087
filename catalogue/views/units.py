"""Repositories and their arrangement: Repository → collection → series → file → items."""

from django.core.paginator import Paginator
from django.http import Http404
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
        repository = get_object_or_404(Repository, slug=self.kwargs["slug"])
        self.tally = ArchivalUnit.objects.in_repository(repository).public_document_tally()
        repository.public_document_count = sum(self.tally.direct.values())
        if not repository.public_document_count:
            raise Http404("No published documents in this repository.")
        return repository

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = (
            ArchivalUnit.objects.in_repository(self.object)
            .active()
            .order_by("tree_path")
            .only("id", "slug", "title", "level", "identifier", "tree_path")
        )
        context["tree"] = build_tree(_shown_with_counts(units, self.tally))
        return context


class UnitDetailView(DetailView):
    template_name = "catalogue/unit_detail.html"
    context_object_name = "unit"
    paginate_by = 50

    def get_queryset(self):
        return ArchivalUnit.objects.select_related("repository", "parent", "creator")

    def get(self, request, *args, **kwargs):
        unit = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        self.tally = ArchivalUnit.objects.descendants_of(
            unit, include_self=True
        ).public_document_tally()
        unit.public_document_count = self.tally.total.get(unit.pk, 0)
        if not unit.public_document_count:
            raise Http404("No published documents in this unit.")
        self.object = unit
        if unit.merged_into_id:
            return redirect(unit.merged_into, permanent=True)
        if unit.slug != kwargs.get("slug"):
            return redirect(unit, permanent=True)
        return self.render_to_response(self.get_context_data(object=unit))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        children = (
            ArchivalUnit.objects.filter(parent=unit)
            .active()
            .order_by("sort_order", "title")
            .only("id", "slug", "title", "level", "identifier")
        )
        # In date order through the unit's index: unordered, SQLite walked the status
        # index over every published document to fill a page (~0.4 s at 100,000).
        documents = Document.objects.published().with_result_row().filter(unit=unit).in_date_order()
        paginator = Paginator(documents, self.paginate_by)
        paginator.count = self.tally.direct.get(unit.pk, 0)  # already counted by the tally
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            ancestors=unit.ancestors(),
            children=_shown_with_counts(children, self.tally),
            page=page,
            documents=list(page.object_list),
        )
        return context


def _shown_with_counts(units, tally) -> list:
    """The units with published documents below them, each with its subtree count, URL
    and one-line summary. A tree may list hundreds of units: each line is put together
    here rather than by template tags and ``reverse``."""
    unit_url = presentation.url_maker("catalogue:unit-detail")
    shown = []
    for unit in units:
        count = unit.public_document_count = tally.total.get(unit.pk, 0)
        if not count:
            continue
        unit.url = unit_url(unit.pk, unit.slug)
        unit.summary = " · ".join(
            part
            for part in (
                unit.get_level_display(),
                unit.identifier,
                f"{count} {'document' if count == 1 else 'documents'}",
            )
            if part
        )
        shown.append(unit)
    return shown
