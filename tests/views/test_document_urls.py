"""The document page's links, reversed once per URL configuration and script prefix
(``pk_url``, ``presentation.record_url``), are what ``reverse`` gives."""

import pytest
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from catalogue.templatetags import archive
from catalogue.views import presentation
from tests.factories import DocumentFactory

from .conftest import parse

# The catalogue without the API (a deployment may leave it out).
urlpatterns = [path("", include("catalogue.urls"))]

KEYED_ROUTES = [
    "api:document-detail",
    "catalogue:document-prov-jsonld",
    "catalogue:document-prov-ttl",
    "catalogue:document-iiif-manifest",
    "catalogue:unit-ead",
    "catalogue:document-history",
]


def test_pk_url_is_reverse_under_the_script_prefix():
    for name in KEYED_ROUTES:
        for pk in (1, 42, 1962):
            assert archive.pk_url(name, pk) == reverse(name, args=[pk])
    try:
        set_script_prefix("/archive/")
        for name in KEYED_ROUTES:
            url = archive.pk_url(name, 7)
            assert url == reverse(name, args=[7]) and url.startswith("/archive/")
    finally:
        set_script_prefix("/")
    assert not archive.pk_url("catalogue:document-history", 7).startswith("/archive/")


def test_pk_url_for_a_missing_route():
    assert archive.pk_url("catalogue:no-such-page", 3, missing_ok=True) == ""
    with pytest.raises(NoReverseMatch):
        archive.pk_url("catalogue:no-such-page", 3)


def test_record_url_is_made_once_and_reverses_as_reverse():
    make = presentation.record_url("catalogue:agent-detail")
    assert presentation.record_url("catalogue:agent-detail") is make
    assert make(12, "dean-rusk") == reverse(
        "catalogue:agent-detail", kwargs={"pk": 12, "slug": "dean-rusk"}
    )
    try:
        set_script_prefix("/archive/")
        prefixed = presentation.record_url("catalogue:agent-detail")
        assert prefixed(12, "dean-rusk") == "/archive" + make(12, "dean-rusk")
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
def test_every_link_of_the_page_is_under_the_script_prefix(client):
    document = DocumentFactory(title="Letter to Khrushchev")
    url = document.get_absolute_url()
    try:
        set_script_prefix("/archive/")
        response = client.get(url)
    finally:
        set_script_prefix("/")
    assert response.status_code == 200
    tree = parse(response)
    links = [a.get("href") for a in tree.cssselect("a[href], link[href]")]
    local = [h for h in links if h.startswith("/") and not h.startswith("/static/")]
    assert len(local) > 10
    assert all(h.startswith("/archive/") for h in local), local
    formats = [a.get("href") for a in tree.cssselect("ul.formats a")]
    assert f"/archive/api/v1/documents/{document.pk}/" in formats
    assert f"/archive/documents/{document.pk}/history/" in links


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_without_the_api_the_page_has_no_json_link(client):
    document = DocumentFactory(title="Letter to Khrushchev")
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    assert not tree.cssselect('link[type="application/json"]')
    assert "JSON (API)" not in response.content.decode()
    assert tree.cssselect("ul.formats a")  # the catalogue's own formats remain
