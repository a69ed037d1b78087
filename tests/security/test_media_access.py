"""Page images are served through the publication check (catalogue/views/media.py).

Anonymous visitors get the master, thumbnail and web image of a published document's
page, and a 404 — the same as for a missing file — for those of drafts, documents in
review and withdrawn documents; staff allowed to see page images get them all. Paths
that try to leave MEDIA_ROOT, or name files that are not a page's stored files, are
404. With ``MEDIA_ACCEL_REDIRECT_PREFIX`` the bytes are left to nginx.
"""

import hashlib
import io

import pytest
from django.urls import reverse
from PIL import Image

from catalogue.models import PublicationStatus
from catalogue.services.media import ingest_page_image
from tests.factories import DocumentFactory, StaffFactory, SuperuserFactory, staff_in_group

pytestmark = pytest.mark.django_db

ROLES = ("image", "thumbnail", "web_image")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    settings.MEDIA_X_SENDFILE = False
    return settings.MEDIA_ROOT


def png(colour=(10, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), colour).save(out, "PNG")
    return out.getvalue()


def page_of(status):
    document = DocumentFactory(status=status)
    return ingest_page_image(document=document, upload=png(), original_name="scan.png")


@pytest.fixture
def pages():
    return {status: page_of(status) for status in PublicationStatus.values}


def url(page, role="image"):
    return getattr(page, role).url


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_published_page_files_are_served_with_type_etag_and_date(client, pages):
    page = pages[PublicationStatus.PUBLISHED]
    for role, checksum in (
        ("image", page.checksum_sha256),
        ("thumbnail", page.thumbnail_sha256),
        ("web_image", page.web_sha256),
    ):
        response = client.get(url(page, role))
        assert response.status_code == 200, role
        data = body(response)
        assert hashlib.sha256(data).hexdigest() == checksum
        with getattr(page, role).open("rb") as handle:
            assert data == handle.read()
        expected_type = "image/png" if role == "image" else "image/jpeg"
        assert response["Content-Type"] == expected_type
        assert response["ETag"] == f'"{checksum}"'
        assert response["Last-Modified"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "public" in response["Cache-Control"]


def test_conditional_requests_answer_304(client, pages):
    page = pages[PublicationStatus.PUBLISHED]
    first = client.get(url(page))
    again = client.get(url(page), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert body(again) == b""
    since = client.get(url(page), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    changed = client.get(url(page), HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_unpublished_page_files_are_404_for_visitors(client, pages, status):
    page = pages[status]
    for role in ROLES:
        response = client.get(url(page, role))
        assert response.status_code == 404, (status, role)
        assert b"\x89PNG" not in body(response) and b"JFIF" not in body(response)


@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_signed_in_non_staff_and_staff_without_permission_get_404(client, pages, status):
    from tests.factories import UserFactory

    for user in (UserFactory(username="reader"), StaffFactory(username="no-perms")):
        client.force_login(user)
        assert client.get(url(pages[status])).status_code == 404


@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_staff_see_unpublished_page_files_uncached(client, pages, status):
    for user in (staff_in_group("Cataloguer", username="cat"), SuperuserFactory(username="su")):
        client.force_login(user)
        for role in ROLES:
            response = client.get(url(pages[status], role))
            assert response.status_code == 200, (user, role)
            assert response["Cache-Control"] == "private, no-store"
        client.logout()


def test_publishing_and_withdrawing_change_access(client, pages):
    page = pages[PublicationStatus.DRAFT]
    assert client.get(url(page)).status_code == 404
    page.document.status = PublicationStatus.PUBLISHED
    page.document.save()
    assert client.get(url(page)).status_code == 200
    page.document.status = PublicationStatus.WITHDRAWN
    page.document.save()
    assert client.get(url(page)).status_code == 404


def test_files_that_are_not_a_pages_stored_files_are_404(client, pages, media_root):
    stray = media_root / "pages" / "stray.png"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(png())
    (media_root / "backup.sqlite3").write_bytes(b"SQLite format 3\x00secret")
    assert client.get("/media/pages/stray.png").status_code == 404
    assert client.get("/media/backup.sqlite3").status_code == 404
    assert client.get("/media/").status_code == 404
    assert client.get("/media/pages/").status_code == 404


def test_a_published_page_whose_file_is_missing_is_404(client, pages):
    page = pages[PublicationStatus.PUBLISHED]
    page.thumbnail.storage.delete(page.thumbnail.name)
    assert client.get(url(page, "thumbnail")).status_code == 404
    assert client.get(url(page)).status_code == 200


def test_no_directory_traversal(client, pages, media_root, tmp_path):
    (tmp_path / "outside.txt").write_text("zqoutside secret")
    published = pages[PublicationStatus.PUBLISHED].image.name  # pages/<id>/<uuid>.png
    draft = pages[PublicationStatus.DRAFT].image.name
    attempts = [
        "/media/../outside.txt",
        "/media/%2E%2E/outside.txt",
        "/media/pages/%2E%2E/%2E%2E/outside.txt",
        "/media/pages/..%2F..%2Foutside.txt",
        "/media/..%2Foutside.txt",
        "/media/%2Fetc%2Fpasswd",
        "/media//etc/passwd",
        f"/media/{tmp_path}/outside.txt",
        "/media/..\\outside.txt",
        "/media/pages%5C..%5C..%5Coutside.txt",
        "/media/pages/%00.png",
        # A published file's name walked to a draft's, and the other way round.
        f"/media/{published}/../../../{draft}",
        f"/media/{draft}/../../../{published}",
        f"/media/./{draft}",
        f"/media/{draft.replace('/', '%2F')}",
        # Document ids that are not ids: out of range, other scripts' digits.
        "/media/pages/99999999999999999999999999/x.png",
        "/media/pages/%D9%A1%D9%A2/x.png",
    ]
    client.raise_request_exception = False
    for attempt in attempts:
        response = client.get(attempt)
        assert response.status_code in (400, 404), attempt
        assert b"zqoutside" not in body(response), attempt
        assert b"\x89PNG" not in body(response) or published in attempt, attempt
    # An encoded slash decodes to a slash: the published file is still found that way.
    encoded = "/media/" + published.replace("/", "%2F")
    assert client.get(encoded).status_code == 200


def test_x_accel_redirect_leaves_the_bytes_to_nginx(client, pages, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    page = pages[PublicationStatus.PUBLISHED]
    response = client.get(url(page))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{page.image.name}"
    assert response["Content-Type"] == "image/png"
    assert response["ETag"] == f'"{page.checksum_sha256}"'
    assert body(response) == b""
    # The check still comes first: no redirect header for a draft's file.
    draft = client.get(url(pages[PublicationStatus.DRAFT]))
    assert draft.status_code == 404 and "X-Accel-Redirect" not in draft


def test_x_sendfile(client, pages, settings):
    settings.MEDIA_X_SENDFILE = True
    page = pages[PublicationStatus.PUBLISHED]
    response = client.get(url(page))
    assert response["X-Sendfile"] == page.image.path
    assert body(response) == b""


def test_writes_are_refused(client, pages):
    response = client.post(url(pages[PublicationStatus.PUBLISHED]))
    assert response.status_code == 405


def test_query_count_is_fixed(client, pages, django_assert_num_queries):
    page = pages[PublicationStatus.PUBLISHED]
    for role in ROLES:
        with django_assert_num_queries(1):
            assert client.get(url(page, role)).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url(pages[PublicationStatus.DRAFT])).status_code == 404


def test_media_route_is_the_one_the_file_urls_point_to(pages):
    page = pages[PublicationStatus.PUBLISHED]
    assert reverse("media", kwargs={"path": page.image.name}) == page.image.url
