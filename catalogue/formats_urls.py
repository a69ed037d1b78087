"""URLs of the exchange formats; included into ``catalogue.urls`` (namespace ``catalogue``)."""

from django.urls import path

from catalogue.views import formats as views

urlpatterns = [
    path("data/", views.DataFormatsView.as_view(), name="data-formats"),
    path("units/<int:pk>/ead.xml", views.UnitEADView.as_view(), name="unit-ead"),
    path("agents/<int:pk>/eac.xml", views.AgentEACView.as_view(), name="agent-eac"),
    path("oai/", views.OAIView.as_view(), name="oai"),
    path(
        "documents/<int:pk>/prov.jsonld",
        views.DocumentProvView.as_view(rdf_format="json-ld"),
        name="document-prov-jsonld",
    ),
    path(
        "documents/<int:pk>/prov.ttl",
        views.DocumentProvView.as_view(rdf_format="turtle"),
        name="document-prov-ttl",
    ),
    path(
        "prov/catalogue.ttl",
        views.CatalogueProvView.as_view(rdf_format="turtle"),
        name="catalogue-prov-ttl",
    ),
    path(
        "prov/catalogue.jsonld",
        views.CatalogueProvView.as_view(rdf_format="json-ld"),
        name="catalogue-prov-jsonld",
    ),
    path(
        "documents/<int:pk>/manifest.json",
        views.IIIFManifestView.as_view(),
        name="document-iiif-manifest",
    ),
    path("iiif/<int:pk>", views.IIIFImageBaseView.as_view(), name="iiif-image-base"),
    path("iiif/<int:pk>/info.json", views.IIIFImageInfoView.as_view(), name="iiif-image-info"),
    path(
        "iiif/<int:pk>/full/max/0/default.jpg",
        views.IIIFImageView.as_view(),
        name="iiif-image",
    ),
    path("export/documents.csv", views.DocumentsCSVView.as_view(), name="documents-csv"),
    path("export/agents.csv", views.AgentsCSVView.as_view(), name="agents-csv"),
]
