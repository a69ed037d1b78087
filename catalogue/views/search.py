"""``/search/``: full-text search with facets, every state a shareable URL."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from catalogue.filters import DocumentFilterSet
from catalogue.models import Document
from catalogue.search import get_backend

PAGE_SIZE = 20
PUBLIC_PARAMS = set(DocumentFilterSet.base_filters) - {"status"}


class SearchView(TemplateView):
    template_name = "catalogue/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        for key in list(data):
            if key not in PUBLIC_PARAMS and key != "page":
                del data[key]
        query = data.get("q", "").strip()
        if not data.get("sort"):
            data["sort"] = "relevance" if query else "date"
        filterset = DocumentFilterSet(
            data, queryset=Document.objects.published().with_card(), public=True
        )
        engine = filterset.engine()
        if engine is not None and engine.can_page():
            results = EngineHits(filterset, engine)
            engine.prefetch_page((_page_number(data.get("page")) - 1) * PAGE_SIZE, PAGE_SIZE)
        else:
            results = QueryHits(filterset.qs if filterset.is_valid() else Document.objects.none())
        paginator = Paginator(results, PAGE_SIZE)
        if filterset.is_valid():
            # Counting needs no rank: count the cheaper rank-free restriction.
            paginator.count = filterset.count()
        page = paginator.get_page(data.get("page"))
        hits = list(page.object_list)
        snippets = get_backend().snippets([d.pk for d in hits], query) if query and hits else {}
        active = data.copy()
        active.pop("page", None)
        context.update(
            query=query,
            filterset=filterset,
            form=filterset.form,
            page=page,
            results=[(d, snippets.get(d.pk)) for d in hits],
            facets=filterset.facets() if filterset.is_valid() else [],
            params=active,
            active_filters=active_filters(filterset, active),
            errors=_errors_by_label(filterset.form) if not filterset.is_valid() else None,
        )
        return context


def _errors_by_label(form) -> dict:
    """Each problem under the label the form shows ("To"), not the parameter name."""
    return {
        (form.fields[name].label if name in form.fields else "Search"): messages
        for name, messages in form.errors.items()
    }


class EngineHits:
    """The results as the paginator sees them: a page is the ids the facet engine ranks
    for it (only the filtered matches are ranked), then their documents in one query."""

    def __init__(self, filterset, engine):
        self.filterset, self.engine = filterset, engine

    def count(self):
        return self.filterset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("EngineHits supports slices only")
        start = window.start or 0
        return result_rows(self.engine.page_ids(start, window.stop - start))


class QueryHits:
    """The results of the general path as the paginator sees them: a page is its ids,
    cut from the filtered and sorted query (on an index that holds the order, such as
    ``document_status_title``, without a table row read), then their rows. Cut from full
    rows, the database built every skipped row in full (texts included) before
    discarding it: page 200 sorted by title took ~1.2 s at 100,000 documents."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("QueryHits supports slices only")
        return result_rows(list(self.queryset.values_list("pk", flat=True)[window]))


def result_rows(ids: list[int]) -> list:
    """The documents ``ids`` as result rows, in that order. By primary key alone: with
    ``status = 'published'`` in the query SQLite walks the status index over every
    published document. The ids are of published rows; ``is_public`` re-checks each of
    the page's twenty."""
    documents = Document.objects.with_result_row().in_bulk(ids)
    return [documents[pk] for pk in ids if pk in documents and documents[pk].is_public]


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def active_filters(filterset, params):
    """(label, value shown, parameters to remove) for each filter in force."""
    found = []
    if not filterset.is_valid():
        return found
    data = filterset.form.cleaned_data
    for name in ["type", "classification", "caveat", "subject"]:
        for item in data.get(name) or []:
            found.append((filterset.filters[name].label, str(item), {name: _key(item)}))
    for name in ["repository", "unit"]:
        if data.get(name):
            found.append((filterset.filters[name].label, str(data[name]), {name: None}))
    if data.get("agent"):
        role = dict(filterset.filters["role"].extra["choices"]).get(data.get("role"), "")
        label = f"{data['agent']}" + (f" ({role.lower()})" if role else "")
        found.append(("Person or office", label, {"agent": None, "role": None}))
    if data.get("date_from") or data.get("date_to"):
        span = f"{data.get('date_from') or '…'} – {data.get('date_to') or '…'}"
        found.append(("Dates", span, {"date_from": None, "date_to": None}))
    return found


def _key(item) -> str:
    return getattr(item, "key", None) or getattr(item, "slug", None) or str(item.pk)
