"""Large downloads kept as files until the catalogue's change stamp moves."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from archive_site import db_router
from catalogue import downloads
from catalogue.models import Document
from catalogue.search.facets import change_stamp
from tests.factories import DocumentFactory
from tests.formats.conftest import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def downloads_dir(settings, tmp_path):
    settings.CATALOGUE_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.CATALOGUE_DOWNLOADS_DIR


@pytest.fixture
def archive(db):
    return build_archive()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _kept(directory) -> list[str]:
    if not directory.exists():
        return []
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def _download(calls, chunks=(b"a,b\r\n", b"1,2\r\n")):
    def produce():
        for chunk in chunks:
            calls.append(db_router.is_pinned())
            yield chunk

    return downloads.download_response(
        RequestFactory().get("/x"), name="sheet.csv", produce=produce, content_type="text/csv"
    )


def test_made_once_on_the_primary_then_sent_from_its_file_until_the_catalogue_changes(
    downloads_dir,
):
    calls = []
    request = db_router.begin_request(pinned=False)  # a visitor's GET: reads may go anywhere
    try:
        first = _download(calls)
        assert _body(first) == b"a,b\r\n1,2\r\n"
        # Each chunk is read on the primary, whose stamp the file is kept under; the
        # server runs between chunks, unpinned.
        assert calls == [True, True] and not db_router.is_pinned()
        assert _kept(downloads_dir) == [f"{downloads._stamp_dir_name(change_stamp())}/sheet.csv"]

        again = _download(calls)
        assert _body(again) == b"a,b\r\n1,2\r\n" and len(calls) == 2  # not made again
        assert again["ETag"] == first["ETag"]

        DocumentFactory()  # any write to a table the downloads show moves the stamp
        third = _download(calls, chunks=(b"a,b\r\n", b"3,4\r\n"))
        assert _body(third) == b"a,b\r\n3,4\r\n" and third["ETag"] != first["ETag"]
    finally:
        db_router.end_request(request)
    # Only the current stamp's files are kept.
    assert _kept(downloads_dir) == [f"{downloads._stamp_dir_name(change_stamp())}/sheet.csv"]


def test_a_copy_made_while_the_catalogue_changed_is_not_kept(downloads_dir):
    def produce():
        yield b"before\r\n"
        DocumentFactory()  # a write lands while the download is being read
        yield b"after\r\n"

    response = downloads.download_response(
        RequestFactory().get("/x"), name="sheet.csv", produce=produce, content_type="text/csv"
    )
    assert _body(response) == b"before\r\nafter\r\n"
    assert _kept(downloads_dir) == []


def test_an_interrupted_download_leaves_no_file(downloads_dir):
    response = _download([])
    stream = iter(response.streaming_content)
    next(stream)
    response.close()  # the client went away: the server closes the response
    assert _kept(downloads_dir) == []


def test_a_copy_that_cannot_be_written_does_not_stop_the_download(downloads_dir, monkeypatch):
    downloads_dir.parent.mkdir(exist_ok=True)
    downloads_dir.write_text("a file where the directory should be")
    assert _body(_download([])) == b"a,b\r\n1,2\r\n"
    assert _download([])["ETag"]  # still answered, made afresh


def test_if_none_match_is_answered_with_not_modified():
    etag = _download([])["ETag"]
    request = RequestFactory().get("/x", HTTP_IF_NONE_MATCH=etag)
    response = downloads.download_response(
        request, name="sheet.csv", produce=lambda: iter(()), content_type="text/csv"
    )
    assert response.status_code == 304 and response["ETag"] == etag


def test_a_withdrawn_document_leaves_the_public_sheet_at_once(archive, client):
    url = reverse("catalogue:documents-csv")
    before = _body(client.get(url)).decode()
    assert archive.telegram.title in before
    assert _body(client.get(url)).decode() == before  # kept
    Document.objects.filter(pk=archive.telegram.pk).update(status="withdrawn")
    after = _body(client.get(url)).decode()
    assert archive.telegram.title not in after and archive.telcon.title in after


def test_each_site_address_has_its_own_copy(archive, client):
    url = reverse("catalogue:documents-csv")
    here = _body(client.get(url)).decode()
    there = _body(client.get(url, HTTP_HOST="localhost")).decode()
    assert "http://testserver/" in here and "localhost" not in here
    assert "http://localhost/" in there


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("catalogue:unit-ead", lambda a: {"pk": a.ball_papers.pk}),
        ("catalogue:agent-eac", lambda a: {"pk": a.rusk.pk}),
        ("catalogue:catalogue-prov-ttl", lambda a: {}),
        ("catalogue:agents-csv", lambda a: {}),
    ],
)
def test_finding_aids_records_and_dumps_are_kept_too(archive, client, downloads_dir, name, kwargs):
    url = reverse(name, kwargs=kwargs(archive))
    first = client.get(url)
    body = _body(first)  # a streamed download is kept once its last byte is sent
    assert first.status_code == 200 and len(_kept(downloads_dir)) == 1
    second = client.get(url)
    assert _body(second) == body
    assert second["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_head_request_makes_nothing(downloads_dir):
    def produce():
        raise AssertionError("a HEAD request must not make the download")

    request = RequestFactory().head("/x")
    response = downloads.download_response(
        request, name="sheet.csv", produce=produce, content_type="text/csv"
    )
    assert response.status_code == 200 and response["ETag"]
    assert _body(response) == b"" and _kept(downloads_dir) == []
