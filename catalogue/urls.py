from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from catalogue.sitemaps import SITEMAPS
from catalogue.views import agents, chronology, documents, home, search, site, units

app_name = "catalogue"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("chronology/", chronology.ChronologyView.as_view(), name="chronology"),
    path("documents/<int:pk>/", documents.DocumentRedirectView.as_view(), name="document-short"),
    path(
        "documents/<int:pk>/history/",
        documents.DocumentHistoryView.as_view(),
        name="document-history",
    ),
    path(
        "documents/<int:pk>/<str:slug>/",
        documents.DocumentDetailView.as_view(),
        name="document-detail",
    ),
    path("agents/", agents.AgentListView.as_view(), name="agent-list"),
    path("agents/<int:pk>/<str:slug>/", agents.AgentDetailView.as_view(), name="agent-detail"),
    path("units/<int:pk>/<str:slug>/", units.UnitDetailView.as_view(), name="unit-detail"),
    path("repositories/", units.RepositoryListView.as_view(), name="repository-list"),
    path(
        "repositories/<slug:slug>/", units.RepositoryDetailView.as_view(), name="repository-detail"
    ),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalogue:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", site.RobotsView.as_view(), name="robots"),
    path("", include("catalogue.formats_urls")),
]
