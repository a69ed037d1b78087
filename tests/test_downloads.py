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

SHEET = {"base_url": "http://testserver", "content_type": "text/csv"}


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
        RequestFactory().get("/x"), name="sheet.csv", produce=produce, **SHEET
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
        assert _kept(downloads_dir) == [f"{downloads._kept_dir_name(change_stamp())}/sheet.csv"]

        again = _download(calls)
        assert _body(again) == b"a,b\r\n1,2\r\n" and len(calls) == 2  # not made again
        assert again["ETag"] == first["ETag"]

        DocumentFactory()  # any write to a table the downloads show moves the stamp
        third = _download(calls, chunks=(b"a,b\r\n", b"3,4\r\n"))
        assert _body(third) == b"a,b\r\n3,4\r\n" and third["ETag"] != first["ETag"]
    finally:
        db_router.end_request(request)
    # Only the current stamp's files are kept.
    assert _kept(downloads_dir) == [f"{downloads._kept_dir_name(change_stamp())}/sheet.csv"]


def test_a_copy_made_while_the_catalogue_changed_is_not_kept(downloads_dir):
    def produce():
        yield b"before\r\n"
        DocumentFactory()  # a write lands while the download is being read
        yield b"after\r\n"

    response = downloads.download_response(
        RequestFactory().get("/x"), name="sheet.csv", produce=produce, **SHEET
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
    calls = []
    assert _body(_download(calls)) == b"a,b\r\n1,2\r\n"
    assert _body(_download(calls)) == b"a,b\r\n1,2\r\n" and len(calls) == 4  # made again
    downloads_dir.unlink()

    def fail(fd):  # the disk fills up as the last bytes are flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(downloads.os, "fsync", fail)
    assert _body(_download(calls)) == b"a,b\r\n1,2\r\n"
    assert _kept(downloads_dir) == []
    document = downloads.document_response(
        RequestFactory().get("/x"), name="aid.xml", produce=lambda: b"<ead/>", **SHEET
    )
    assert document.content == b"<ead/>" and _kept(downloads_dir) == []


def test_if_none_match_is_answered_with_not_modified():
    etag = _download([])["ETag"]
    request = RequestFactory().get("/x", HTTP_IF_NONE_MATCH=etag)
    response = downloads.download_response(
        request, name="sheet.csv", produce=lambda: iter(()), **SHEET
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


def test_only_the_sites_own_address_is_kept(archive, client, downloads_dir):
    """The files hold absolute links, so a copy is per address; one per port of an
    allowed host would fill the disk, so other addresses are made and not kept."""
    url = reverse("catalogue:documents-csv")
    for port in (1, 2, 3):
        there = _body(client.get(url, HTTP_HOST=f"localhost:{port}")).decode()
        assert f"http://localhost:{port}/documents/" in there
    assert _kept(downloads_dir) == []
    here = _body(client.get(url)).decode()
    assert "http://testserver/documents/" in here and len(_kept(downloads_dir)) == 1


def test_only_its_own_directories_are_ever_removed(downloads_dir):
    precious = downloads_dir / "media" / "precious.tif"
    precious.parent.mkdir(parents=True)
    precious.write_bytes(b"II*")
    _body(_download([]))
    DocumentFactory()
    _body(_download([]))
    assert precious.exists()
    assert len(_kept(downloads_dir)) == 2  # the image and the current stamp's sheet


def test_kept_files_are_readable_by_the_web_server(downloads_dir):
    _body(_download([]))
    (path,) = (p for p in downloads_dir.rglob("sheet.csv"))
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_code_change_is_not_answered_with_files_of_the_old_code(downloads_dir, monkeypatch):
    calls = []
    first = _download(calls)
    _body(first)
    monkeypatch.setattr(downloads, "code_version", lambda: "0123456789ab")
    second = _download(calls)
    assert _body(second) and len(calls) == 4 and second["ETag"] != first["ETag"]


def test_a_finding_aid_shows_an_edit_made_before_the_stamp_was_read(archive, client, monkeypatch):
    """What a download shows is read after the stamp: an edit that lands between the
    unit's lookup and the stamp is in the copy kept under the new stamp."""
    real = downloads.change_stamp
    edits = ["Revised scope note."]

    def stamp_after_an_edit():
        if edits:
            type(archive.ball_papers).objects.filter(pk=archive.ball_papers.pk).update(
                scope_note=edits.pop()
            )
        return real()

    monkeypatch.setattr(downloads, "change_stamp", stamp_after_an_edit)
    url = reverse("catalogue:unit-ead", kwargs={"pk": archive.ball_papers.pk})
    assert b"Revised scope note." in client.get(url).content
    assert b"Revised scope note." in client.get(url).content  # and in the kept copy


def test_a_dump_too_large_for_a_request_waits_for_the_command(archive, client, monkeypatch):
    from dataclasses import replace

    from catalogue.formats import dumps

    small = replace(dumps.DUMPS["catalogue-prov.ttl"], web_max_documents=1)
    monkeypatch.setitem(dumps.DUMPS, "catalogue-prov.ttl", small)
    url = reverse("catalogue:catalogue-prov-ttl")
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"]
    assert b"build_downloads" in response.content
    downloads.build("catalogue-prov.ttl", lambda: small.chunks("http://testserver"))
    assert client.get(url).status_code == 200


def test_every_table_a_download_reads_moves_the_stamp(archive, client):
    """A kept file is as fresh as the stamp: each table a download reads must be one
    whose writes renew it (``STAMPED_TABLES``)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalogue.search import facets_pg

    urls = [
        reverse("catalogue:documents-csv"),
        reverse("catalogue:agents-csv"),
        reverse("catalogue:catalogue-prov-ttl"),
        reverse("catalogue:unit-ead", kwargs={"pk": archive.ball_papers.pk}),
        reverse("catalogue:agent-eac", kwargs={"pk": archive.rusk.pk}),
    ]
    read = set()
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            _body(client.get(url))
        for query in queries:
            read |= set(re.findall(r'"(catalogue_[a-z_]+)"', query["sql"]))
    derived = {"catalogue_search_stamp", "catalogue_document_facets"}
    assert read - derived <= set(facets_pg.STAMPED_TABLES)
    assert "catalogue_citation" in read and "catalogue_position" in read


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("catalogue:unit-ead", lambda a: {"pk": a.ball_papers.pk}),
        ("catalogue:agent-eac", lambda a: {"pk": a.rusk.pk}),
        ("catalogue:catalogue-prov-ttl", lambda a: {}),
        ("catalogue:agents-csv", lambda a: {}),
    ],
)
def test_finding_aids_records_and_dumps_are_kept_too(
    archive, client, downloads_dir, django_assert_max_num_queries, name, kwargs
):
    url = reverse(name, kwargs=kwargs(archive))
    first = client.get(url)
    body = _body(first)  # a streamed download is kept once its last byte is sent
    assert first.status_code == 200 and len(_kept(downloads_dir)) == 1
    with django_assert_max_num_queries(2):  # is it public; the stamp: the kept copy
        second = client.get(url)
        assert _body(second) == body
    assert second["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_head_request_makes_nothing(downloads_dir):
    def produce():
        raise AssertionError("a HEAD request must not make the download")

    request = RequestFactory().head("/x")
    response = downloads.download_response(request, name="sheet.csv", produce=produce, **SHEET)
    assert response.status_code == 200 and response["ETag"]
    assert _body(response) == b"" and _kept(downloads_dir) == []


def test_if_none_match_any_version_is_not_modified():
    request = RequestFactory().get("/x", HTTP_IF_NONE_MATCH="*")
    response = downloads.download_response(
        request, name="sheet.csv", produce=lambda: iter(()), **SHEET
    )
    assert response.status_code == 304


def test_a_head_request_makes_no_finding_aid_either(downloads_dir):
    def produce():
        raise AssertionError("a HEAD request must not make the document")

    response = downloads.document_response(
        RequestFactory().head("/x"), name="aid.xml", produce=produce, **SHEET
    )
    assert response.status_code == 200 and response["ETag"] and _kept(downloads_dir) == []
