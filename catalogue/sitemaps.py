"""sitemap.xml: only what the public may see (published documents, their agents, units
and repositories)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.models import Agent, ArchivalUnit, Document, Repository


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Document.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, document):
        return document.updated_at


class AgentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return Agent.objects.active().public().only("pk", "slug").order_by("pk")


class UnitSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return ArchivalUnit.objects.active().public().only("pk", "slug").order_by("pk")


class RepositorySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return (
            Repository.objects.with_public_document_counts()
            .filter(public_document_count__gt=0)
            .order_by("pk")
        )


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
