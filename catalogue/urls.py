from django.urls import include, path

from catalogue.views import pages

app_name = "catalogue"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path(
        "documents/<int:pk>/<slug:slug>/",
        pages.DocumentDetailView.as_view(),
        name="document-detail",
    ),
    path("agents/<int:pk>/<slug:slug>/", pages.AgentDetailView.as_view(), name="agent-detail"),
    path("units/<int:pk>/<slug:slug>/", pages.UnitDetailView.as_view(), name="unit-detail"),
    path(
        "repositories/<slug:slug>/", pages.RepositoryDetailView.as_view(), name="repository-detail"
    ),
    path("", include("catalogue.formats_urls")),
]
