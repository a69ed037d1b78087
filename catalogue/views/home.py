"""The front page: what the catalogue holds, and the ways into it."""

from collections import Counter

from django.db.models import Count
from django.views.generic import TemplateView

from catalogue.models import Document, Repository
from catalogue.stamped import cached_until_change


class HomeView(TemplateView):
    """The counts on the front page pass over every published document (about half a
    second at 100,000 on SQLite), and every visitor's first request is this page. They
    are cached under the catalogue's change stamp, which database triggers renew on any
    write to the tables counted, so the first request after a change recounts."""

    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached_until_change("home-figures", catalogue_figures))
        return context


def catalogue_figures() -> dict:
    published = Document.objects.published()
    repositories = [
        r
        for r in Repository.objects.with_public_document_counts().order_by("name")
        if r.public_document_count
    ]
    types = list(
        published.order_by()
        .values("doc_type__key", "doc_type__label")
        .annotate(n=Count("*"))
        .order_by("-n", "doc_type__label")
    )
    # Grouped by day in the database (an index range), then by month here: truncating
    # to the month in SQL called a Python function per document on SQLite.
    by_month = Counter()
    days = (
        published.exclude(date=None)
        .exclude(date_precision="year")
        .order_by()
        .values_list("date")
        .annotate(n=Count("*"))
    )
    for day, n in days:
        by_month[day.replace(day=1)] += n
    return {
        "total": published.count(),
        "repositories": repositories,
        "types": types,
        "months": [{"month": month, "n": n} for month, n in sorted(by_month.items())],
    }
