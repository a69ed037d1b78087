import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from catalogue.models import DigitalObject, FixityCheck
from catalogue.services.media import ingest_page_image
from tests.factories import DocumentFactory, DraftDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(colour="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def pages():
    doc = DocumentFactory()
    return [ingest_page_image(document=doc, upload=png(c)) for c in ("white", "grey")]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("check_fixity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_all_unchanged_records_a_check_per_file(pages):
    out, _ = run()
    assert "Checked 6 files of 2 page images: 6 unchanged, 0 changed, 0 missing." in out
    assert FixityCheck.objects.filter(outcome="ok").count() == 6
    assert set(FixityCheck.objects.values_list("role", flat=True)) == {"master", "thumbnail", "web"}


def test_detects_modified_and_missing_files(pages, media_root):
    changed, vanished = pages
    path = media_root / changed.image.name
    path.write_bytes(path.read_bytes() + b"\x00")
    (media_root / vanished.web_image.name).unlink()

    with pytest.raises(CommandError, match="4 unchanged, 1 changed, 1 missing"):
        run()
    bad = {
        (c.digital_object_id, c.role, c.outcome) for c in FixityCheck.objects.exclude(outcome="ok")
    }
    assert bad == {(changed.pk, "master", "changed"), (vanished.pk, "web", "missing")}
    check = FixityCheck.objects.get(outcome="changed")
    assert check.expected == changed.checksum_sha256 != check.actual
    assert check.path == changed.image.name


def test_dry_run_records_nothing_but_still_fails(pages, media_root):
    (media_root / pages[0].image.name).unlink()
    with pytest.raises(CommandError, match="1 missing"):
        run("--dry-run")
    assert not FixityCheck.objects.exists()


def test_generate_demo_images_is_idempotent_and_checkable(media_root):
    published = DocumentFactory(text="Line one of the telegram.\nLine two.")
    DraftDocumentFactory()
    out = io.StringIO()
    call_command("generate_demo_images", stdout=out)
    assert "Generated 1 facsimile page images" in out.getvalue()
    page = DigitalObject.objects.get()
    assert page.document == published
    assert page.format == "PNG" and page.width == 1240
    call_command("generate_demo_images", stdout=out)
    assert DigitalObject.objects.count() == 1
    assert "Generated 0" in out.getvalue().splitlines()[-1]
    assert "Checked 3 files of 1 page images: 3 unchanged" in run()[0]
    assert FixityCheck.objects.filter(outcome="ok").count() == 3
