"""The admin upload: texts → preview (nothing written) → confirm → import run."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue import models as m
from catalogue.admin.imports import STAGING_DIR
from tests.factories import StaffFactory, SuperuserFactory

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"
URL = "admin:catalogue_importrun_import"

pytestmark = pytest.mark.django_db


def upload(path: Path, data: bytes | None = None, name: str | None = None):
    return SimpleUploadedFile(
        name or path.name, data if data is not None else path.read_bytes(), "text/plain"
    )


def preview(client, files, **extra):
    return client.post(reverse(URL), {"files": files, **extra})


def staged_folders():
    root = Path(settings.MEDIA_ROOT) / STAGING_DIR
    return list(root.iterdir()) if root.exists() else []


def test_changelist_links_to_the_import_view(staff_client):
    response = staff_client.get(reverse("admin:catalogue_importrun_changelist"))
    assert response.status_code == 200
    assert reverse(URL).encode() in response.content
    assert staff_client.get(reverse(URL)).status_code == 200


def test_preview_shows_what_will_be_created_and_writes_nothing(staff_client):
    response = preview(
        staff_client,
        [upload(TELEGRAM), upload(TELCON), upload(TELCON, b"", name="empty.txt")],
    )

    assert response.status_code == 200
    rows = {row["path"]: row for row in response.context["rows"]}
    telegram = rows[TELEGRAM.name]
    assert (
        telegram["title"]
        == "Telegram From the Mission to the United Nations to the Department of State"
    )
    assert telegram["doc_type"] == "Telegram"
    assert telegram["classification"] == "Confidential"
    assert telegram["unit_path"] == "USUN Files / NYFRC 84-84-001 / October-November Meetings"
    assert telegram["repository"] == "New York Federal Records Center"
    assert telegram["agents"] == [
        {"name": "Mission to the United Nations", "role": "sender", "office": ""},
        {"name": "Department of State", "role": "recipient", "office": ""},
        {"name": "Akalovsky", "role": "drafter", "office": ""},
        {"name": "McCloy", "role": "concurred", "office": ""},
    ]
    assert telegram["would_be"] == "created"
    assert rows["empty.txt"]["error"].startswith("empty.txt: empty")
    content = response.content.decode()
    assert "Ball Papers / Lot 74 D 272 / Telcons--Cuba" in content
    assert "Import 2 files" in content
    assert not m.Document.objects.exists() and not m.ImportRun.objects.exists()
    assert not m.Agent.objects.exists()


def test_confirm_imports_records_the_run_and_redirects(staff_client):
    response = preview(
        staff_client, [upload(TELEGRAM), upload(TELCON, b"\x00\x01", name="bin.txt")]
    )
    token = response.context["token"]

    response = staff_client.post(reverse(URL), {"token": token})

    run = m.ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:catalogue_importrun_change", args=[run.pk])
    assert (run.channel, run.user, run.username) == ("admin", staff_client.user, "archivist")
    assert (run.created_count, run.failed_count, run.status) == (1, 1, "partial")
    assert sorted(run.files.values_list("path", "outcome")) == [
        (TELEGRAM.name, "created"),
        ("bin.txt", "failed"),
    ]
    doc = m.Document.objects.get()
    assert doc.status == "draft" and doc.import_run == run and doc.source_file == TELEGRAM.name
    assert not any(folder.name == token for folder in staged_folders())
    page = staff_client.get(response.url)
    assert b"bin.txt" in page.content

    # The staged upload is gone: confirming twice imports nothing more.
    again = staff_client.post(reverse(URL), {"token": token})
    assert again.status_code == 302 and m.ImportRun.objects.count() == 1


def test_publish_and_collection_are_carried_to_the_import(staff_client):
    response = preview(
        staff_client, [upload(TELEGRAM)], publish="on", collection="Missile Crisis Telegrams"
    )
    staff_client.post(reverse(URL), {"token": response.context["token"]})
    doc = m.Document.objects.get()
    assert doc.status == "published" and doc.collection.name == "Missile Crisis Telegrams"


def test_another_user_cannot_confirm_a_staged_upload(staff_client, client):
    token = preview(staff_client, [upload(TELEGRAM)]).context["token"]
    other = SuperuserFactory(username="intruder")
    client.force_login(other)
    response = client.post(reverse(URL), {"token": token})
    assert response.status_code == 302 and response.url == reverse(URL)
    assert not m.ImportRun.objects.exists()


def test_abandoned_staged_uploads_expire(staff_client):
    import os
    import time

    old = preview(staff_client, [upload(TELEGRAM)]).context["token"]
    folder = Path(settings.MEDIA_ROOT) / STAGING_DIR / old
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(folder, (long_ago, long_ago))
    preview(staff_client, [upload(TELCON)])
    assert not folder.exists()


@pytest.mark.parametrize("token", ["../../etc", "a/b", "", "x" * 40])
def test_forged_tokens_import_nothing(staff_client, token):
    response = staff_client.post(reverse(URL), {"token": token})
    assert response.status_code in (200, 302)
    assert not m.ImportRun.objects.exists()


def test_oversized_upload_is_refused(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    before = set(staged_folders())
    response = preview(staff_client, [upload(TELEGRAM)])
    assert response.status_code == 200
    assert "Larger than the limit of 1000 bytes" in response.content.decode()
    assert set(staged_folders()) == before


def test_needs_permission_to_add_documents(client):
    client.force_login(StaffFactory(username="reader"))
    assert client.get(reverse(URL)).status_code == 403
    response = client.get(reverse("admin:catalogue_importrun_changelist"))
    assert reverse(URL).encode() not in getattr(response, "content", b"")


def test_import_view_query_count_does_not_grow_with_files(
    staff_client, django_assert_max_num_queries
):
    # Preview reads the catalogue once for identities, however many files.
    with django_assert_max_num_queries(12) as one:
        preview(staff_client, [upload(TELEGRAM)])
    variants = [
        upload(
            TELEGRAM,
            TELEGRAM.read_bytes().replace(b"1581.", f"{1700 + i}.".encode()),
            name=f"t{i}.txt",
        )
        for i in range(10)
    ]
    with django_assert_max_num_queries(len(one.captured_queries)):
        preview(staff_client, variants)
