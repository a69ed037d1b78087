"""The front page: what the catalogue holds, and the ways into it."""

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.views.generic import TemplateView

from catalogue.models import Document, Repository


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Document.objects.published()
        context["total"] = published.count()
        context["repositories"] = [
            r
            for r in Repository.objects.with_public_document_counts().order_by("name")
            if r.public_document_count
        ]
        context["types"] = list(
            published.order_by()
            .values("doc_type__key", "doc_type__label")
            .annotate(n=Count("pk"))
            .order_by("-n", "doc_type__label")
        )
        context["months"] = list(
            published.exclude(date=None)
            .exclude(date_precision="year")
            .order_by()
            .annotate(month=TruncMonth("date"))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by("month")
        )
        return context
