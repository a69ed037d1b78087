"""Hostile content: markup and script in every field renders escaped on every page, and
uploads that are not clean images (other files renamed, polyglots, decompression bombs,
damaged or oversized files) are refused without leaving anything behind."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalogue import models as m
from catalogue.services.media import ImageRejected, ingest_page_image
from tests.factories import DocumentFactory, SuperuserFactory
from tests.security.test_headers import inline_handlers, inline_scripts
from tests.security.test_publication_leaks import COVERAGE, body_of
from tests.security.world import build_world, marker

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'


def hostile(status: str) -> str:
    return f"{SCRIPT}{ATTRIBUTE}{marker(status)}"


@pytest.fixture
def hostile_world(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
    }
    world = build_world(text_for=hostile, title_for=lambda status: f"{hostile(status)} title")
    # Everything published, so every page shows the hostile text.
    m.Document.objects.update(status=m.PublicationStatus.PUBLISHED, withdrawn_reason="")
    for document in world.unpublished.values():
        document.refresh_from_db()
    world.repository.name = f"Repository {SCRIPT}"
    world.repository.description = ATTRIBUTE
    world.repository.save()
    for unit in world.units:
        unit.title = f"{unit.title} {SCRIPT}"
        unit.scope_note = ATTRIBUTE
        unit.save()
    world.shared_agent.authorised_name = f"Shared {SCRIPT}"
    world.shared_agent.save()
    m.Subject.objects.update(name=f"Subject {SCRIPT}")
    m.ImportedFile.objects.update(path=f"/imports/{SCRIPT}.txt")
    return world


def test_hostile_text_renders_escaped_on_every_page(client, hostile_world):
    client.raise_request_exception = False
    checked, rendered_escaped, problems = 0, 0, []
    for route, urls_for in COVERAGE.items():
        for url, _ in urls_for(hostile_world):
            response = client.get(url)
            if response.status_code >= 500:  # test_publication_leaks reports server errors
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            html = body_of(response)
            checked += 1
            if SCRIPT in html or "<img src=x" in html:
                index = html.find(SCRIPT) if SCRIPT in html else html.find("<img src=x")
                problems.append(
                    f"{url} [{route}]: unescaped …{html[max(0, index - 80) : index + 60]}…"
                )
            if inline_scripts(html) or inline_handlers(html):
                problems.append(f"{url}: {inline_scripts(html) + inline_handlers(html)}")
            if "&lt;script&gt;alert(1)&lt;/script&gt;" in html:
                rendered_escaped += 1
    assert problems == [], "\n".join(problems[:30])
    assert checked > 30
    assert rendered_escaped > 10  # the hostile text really was on the pages


def test_hostile_text_is_escaped_in_the_admin(client, hostile_world):
    client.force_login(SuperuserFactory(username="admin-xss"))
    document = hostile_world.unpublished["draft"]
    agent = hostile_world.secret_agents["draft"]
    for url in (
        "/admin/catalogue/document/",
        f"/admin/catalogue/document/{document.pk}/change/",
        f"/admin/catalogue/document/{document.pk}/history/",
        "/admin/catalogue/agent/",
        f"/admin/catalogue/agent/{agent.pk}/change/",
        "/admin/catalogue/archivalunit/",
        "/admin/catalogue/repository/",
        "/admin/catalogue/importrun/",
        "/admin/catalogue/digitalobject/",
    ):
        response = client.get(url)
        if response.status_code == 404:  # a model the admin does not register
            continue
        assert response.status_code == 200, url
        html = body_of(response)
        assert SCRIPT not in html and "<img src=x" not in html, url
        assert inline_scripts(html) == [], url


# --- uploads ---------------------------------------------------------------------------


def png(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A tiny PNG that declares 900 million pixels of zeros: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", SCRIPT)
    return buffer.getvalue()


BAD_UPLOADS = {
    "html renamed .png": ("page.png", f"<html><body>{SCRIPT}</body></html>".encode()),
    "svg with script": (
        "page.svg",
        f'<svg xmlns="http://www.w3.org/2000/svg">{SCRIPT}</svg>'.encode(),
    ),
    "png + html polyglot": ("page.png", png() + f"<html>{SCRIPT}</html>".encode()),
    "png + zip polyglot": ("page.png", png() + zip_bytes()),
    "gif (not accepted)": ("page.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    "truncated png": ("page.png", png()[:60]),
    "empty file": ("page.png", b""),
    "decompression bomb": ("bomb.png", png_bomb()),
    "pdf": ("page.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
}


def media_files(root) -> set[str]:
    root = Path(root)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_are_refused_and_leave_nothing(case, settings):
    document = DocumentFactory()
    name, data = BAD_UPLOADS[case]
    before = media_files(settings.MEDIA_ROOT)
    with pytest.raises(ImageRejected):
        ingest_page_image(document=document, upload=SimpleUploadedFile(name, data))
    assert m.DigitalObject.objects.filter(document=document).count() == 0
    assert media_files(settings.MEDIA_ROOT) == before


@pytest.mark.django_db
def test_oversized_upload_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    document = DocumentFactory()
    with pytest.raises(ImageRejected, match="at most"):
        ingest_page_image(document=document, upload=SimpleUploadedFile("big.png", png(400, 400)))


@pytest.mark.django_db
def test_a_clean_image_is_stored_under_a_generated_name(settings):
    document = DocumentFactory()
    page = ingest_page_image(
        document=document,
        upload=SimpleUploadedFile(f"../../{SCRIPT}.png", png()),
        caption=SCRIPT,
    )
    assert page.width == 64 and page.height == 48
    stored = Path(page.image.path)
    assert stored.is_file()
    assert Path(settings.MEDIA_ROOT).resolve() in stored.resolve().parents
    assert "script" not in stored.name and ".." not in page.image.name


def admin_form_data(html: str) -> dict:
    """Every field of the admin change form as the browser would submit it."""
    import lxml.html

    form = next(f for f in lxml.html.fromstring(html).forms if f.get("id", "").endswith("_form"))
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def upload_through_admin(client, document, name, data):
    url = f"/admin/catalogue/document/{document.pk}/change/"
    form = admin_form_data(client.get(url).content.decode())
    prefix = next(
        k[: -len("-TOTAL_FORMS")] for k in form if "digital" in k and k.endswith("-TOTAL_FORMS")
    )
    form[f"{prefix}-TOTAL_FORMS"] = "1"
    form[f"{prefix}-0-document"] = str(document.pk)
    form[f"{prefix}-0-caption"] = "uploaded"
    form[f"{prefix}-0-upload"] = SimpleUploadedFile(name, data)
    form["_continue"] = "Save"
    return client.post(url, form)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["html renamed .png", "png + zip polyglot", "decompression bomb"])
def test_admin_upload_refuses_bad_files(client, case, settings):
    client.force_login(SuperuserFactory(username="uploader"))
    document = DocumentFactory()
    before = media_files(settings.MEDIA_ROOT)
    response = upload_through_admin(client, document, *BAD_UPLOADS[case])
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "errorlist" in response.content.decode()
    assert m.DigitalObject.objects.filter(document=document).count() == 0
    assert media_files(settings.MEDIA_ROOT) == before


@pytest.mark.django_db
def test_admin_upload_accepts_a_clean_image(client):
    client.force_login(SuperuserFactory(username="uploader"))
    document = DocumentFactory()
    response = upload_through_admin(client, document, "page.png", png())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert m.DigitalObject.objects.filter(document=document).count() == 1
