"""sitemap.xml: only what the public may see (published documents, their agents, units
and repositories).

``/sitemap.xml`` is an index of paginated sections (``/sitemap-<section>.xml?p=N``), so
no response grows with the catalogue. Items are plain ``values_list`` rows and URLs
are filled into a pattern reversed once, so a page of 1,000 documents is two queries
(a count and the rows) and no ORM objects."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from catalogue.models import Agent, ArchivalUnit, Document, Repository
from catalogue.stamped import cached_until_change

PAGE_SIZE = 1000


class PkSlugUrl:
    """``reverse()`` once, then format each row's pk and slug into the pattern."""

    def __init__(self, name: str):
        marker = reverse(name, kwargs={"pk": 987654321, "slug": "s-l-u-g"})
        self.template = marker.replace("987654321", "{pk}", 1).replace("s-l-u-g", "{slug}", 1)

    def __call__(self, pk, slug) -> str:
        return self.template.format(pk=pk, slug=slug)


class RowSitemap(Sitemap):
    """A section whose items are ``(pk, slug[, lastmod])`` rows."""

    changefreq = "monthly"
    limit = PAGE_SIZE
    url_name = ""

    def __init__(self):
        self.url = PkSlugUrl(self.url_name)

    def location(self, row):
        return self.url(row[0], row[1])


class DocumentSitemap(RowSitemap):
    priority = 0.8
    url_name = "catalogue:document-detail"

    def items(self):
        return Document.objects.published().order_by("pk").values_list("pk", "slug", "updated_at")

    def lastmod(self, row):
        return row[2]

    def get_latest_lastmod(self):
        # Django's default maps lastmod() over every item; one aggregate instead, kept
        # until the catalogue changes (it reads every published row: ~0.3 s at 100,000).
        return cached_until_change(
            "sitemap-documents-lastmod",
            lambda: Document.objects.published().aggregate(latest=Max("updated_at"))["latest"],
        )


class AgentSitemap(RowSitemap):
    priority = 0.5
    url_name = "catalogue:agent-detail"

    def items(self):
        return Agent.objects.active().public().order_by("pk").values_list("pk", "slug")


class UnitSitemap(RowSitemap):
    priority = 0.5
    url_name = "catalogue:unit-detail"

    def items(self):
        return ArchivalUnit.objects.active().public().order_by("pk").values_list("pk", "slug")


class RepositorySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = PAGE_SIZE

    def items(self):
        return (
            Repository.objects.with_public_document_counts()
            .filter(public_document_count__gt=0)
            .order_by("pk")
            .values_list("slug", flat=True)
        )

    def location(self, slug):
        return reverse("catalogue:repository-detail", kwargs={"slug": slug})


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return [
            "catalogue:home",
            "catalogue:chronology",
            "catalogue:agent-list",
            "catalogue:repository-list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticSitemap,
    "documents": DocumentSitemap,
    "agents": AgentSitemap,
    "units": UnitSitemap,
    "repositories": RepositorySitemap,
}
