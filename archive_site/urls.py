from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from catalogue.views.media import MediaFileView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("catalogue.api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP forbids inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("catalogue.urls")),
]
# Page images, in development and deployment alike, through the publication check
# (catalogue/views/media.py; nginx then sends the file via X-Accel-Redirect).
urlpatterns += [
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", MediaFileView.as_view(), name="media"),
]
