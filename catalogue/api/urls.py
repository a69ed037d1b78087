"""``/api/v1/`` (namespace ``api``): the router's viewsets plus the NDJSON exports."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("documents", views.DocumentViewSet, basename="document")
router.register("agents", views.AgentViewSet, basename="agent")
router.register("repositories", views.RepositoryViewSet, basename="repository")
router.register("units", views.ArchivalUnitViewSet, basename="unit")
router.register("classifications", views.ClassificationViewSet, basename="classification")
router.register("caveats", views.CaveatViewSet, basename="caveat")
router.register("subjects", views.SubjectViewSet, basename="subject")
router.register("events", views.ProvenanceEventViewSet, basename="event")
router.register("import-runs", views.ImportRunViewSet, basename="import-run")

urlpatterns = [
    path("export/<str:kind>.ndjson", views.ExportView.as_view(), name="export"),
    path("", include(router.urls)),
]
