import io

import pytest
from django.urls import reverse
from iiif_prezi3 import Manifest
from PIL import Image

from catalogue.services.media import ingest_page_image


def _image_bytes(fmt, size=(60, 90), colour=(200, 180, 150)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def pages(archive):
    first = ingest_page_image(
        document=archive.telcon, upload=_image_bytes("JPEG"), caption="Page one"
    )
    second = ingest_page_image(document=archive.telcon, upload=_image_bytes("PNG", (80, 100)))
    return first, second


def _get_manifest(client, document):
    return client.get(reverse("catalogue:document-iiif-manifest", kwargs={"pk": document.pk}))


def test_manifest_validates_with_one_canvas_per_page(archive, pages, client):
    response = _get_manifest(client, archive.telcon)
    assert response.status_code == 200
    data = response.json()
    manifest = Manifest(**data)  # pydantic models of the Presentation 3 specification
    assert manifest.type == "Manifest"
    assert len(manifest.items) == 2
    for canvas, page in zip(manifest.items, pages, strict=True):
        assert canvas.type == "Canvas"
        assert (canvas.width, canvas.height) == (page.width, page.height)
        annotation = canvas.items[0].items[0]
        assert annotation.motivation == "painting"
        assert annotation.target == canvas.id
        body = annotation.body
        assert body.type == "Image" and body.format == "image/jpeg"
        assert body.id.endswith(f"/iiif/{page.pk}/full/max/0/default.jpg")
    assert data["items"][0]["label"] == {"en": ["Page one"]}
    assert data["items"][1]["label"] == {"en": ["Page 2"]}


def test_images_are_served_at_level_0(pages, client):
    jpeg, png = pages
    for page in pages:
        body_url = f"/iiif/{page.pk}/full/max/0/default.jpg"
        response = client.get(body_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        content = b"".join(response.streaming_content) if response.streaming else response.content
        image = Image.open(io.BytesIO(content))
        assert image.format == "JPEG" and image.size == (page.width, page.height)
        info = client.get(reverse("catalogue:iiif-image-info", kwargs={"pk": page.pk})).json()
        assert info["profile"] == "level0" and info["type"] == "ImageService3"
        assert (info["width"], info["height"]) == (page.width, page.height)
        assert info["id"] == f"http://testserver/iiif/{page.pk}"
        redirect = client.get(f"/iiif/{page.pk}")
        assert redirect.status_code == 303 and redirect["Location"].endswith("/info.json")


def test_no_manifest_or_images_for_drafts_or_documents_without_pages(archive, client):
    page = ingest_page_image(document=archive.draft, upload=_image_bytes("JPEG"))
    assert _get_manifest(client, archive.draft).status_code == 404
    assert client.get(f"/iiif/{page.pk}/full/max/0/default.jpg").status_code == 404
    assert client.get(f"/iiif/{page.pk}/info.json").status_code == 404
    assert _get_manifest(client, archive.telegram).status_code == 404


@pytest.mark.django_db
def test_manifest_query_count_is_fixed(archive, pages, client, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert _get_manifest(client, archive.telcon).status_code == 200
    for _ in range(3):
        ingest_page_image(document=archive.telcon, upload=_image_bytes("JPEG"))
    with django_assert_num_queries(5):
        response = _get_manifest(client, archive.telcon)
    assert len(response.json()["items"]) == 5
