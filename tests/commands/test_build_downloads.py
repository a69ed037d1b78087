"""``build_downloads``: the whole-catalogue files made ahead of the first request."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalogue.models import Document
from tests.formats.conftest import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def downloads_dir(settings, tmp_path):
    settings.CATALOGUE_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.CATALOGUE_DOWNLOADS_DIR


def _run(*args) -> str:
    out = io.StringIO()
    call_command("build_downloads", *args, stdout=out)
    return out.getvalue().strip()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_site_sends_what_the_command_made_until_the_catalogue_changes(
    client, django_assert_num_queries, downloads_dir
):
    archive = build_archive()
    assert _run("--dry-run").startswith("Would make 4")
    assert not downloads_dir.exists()
    line = _run()
    assert line.startswith("Made 4 download(s) for http://testserver")
    assert len(list(downloads_dir.rglob("*.csv"))) == 2
    assert _run() == "Made 0 download(s) for http://testserver; 4 already current."
    with django_assert_num_queries(1):  # the stamp: the file is the command's
        sheet = _body(client.get(reverse("catalogue:documents-csv"))).decode()
    assert archive.telegram.title in sheet and "http://testserver/documents/" in sheet

    Document.objects.filter(pk=archive.telegram.pk).update(status="withdrawn")
    assert (
        archive.telegram.title not in _body(client.get(reverse("catalogue:documents-csv"))).decode()
    )


def test_only_the_files_named_and_only_known_names(downloads_dir):
    build_archive()
    assert _run("agents.csv") == f"Made 1 download(s) for {_base()} (agents.csv)."
    with pytest.raises(CommandError, match="Unknown download.*nope.csv"):
        _run("nope.csv")


def _base():
    from catalogue.formats import default_base_url

    return default_base_url()


def test_the_sites_address_must_be_a_web_address(settings):
    settings.CATALOGUE_BASE_URL = "archive.example.org"
    with pytest.raises(
        CommandError, match="CATALOGUE_BASE_URL must be .* not 'archive.example.org'"
    ):
        _run()
