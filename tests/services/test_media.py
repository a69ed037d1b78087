import hashlib
import io
import re
import struct
import zlib

import pytest
from PIL import Image

from catalogue.services.media import ImageRejected, ingest_page_image, prepare_image
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def two_colour(size=(200, 100), fmt="JPEG", **save_kwargs) -> bytes:
    """Left half red, right half blue: orientation is visible in the pixels."""
    image = Image.new("RGB", size, "blue")
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, fmt, **save_kwargs)
    return out.getvalue()


def exif_with_gps_and_orientation(orientation=6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Scanner Maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (23.0, 8.0, 0.0)  # Havana
    gps[3] = "W"
    gps[4] = (82.0, 23.0, 0.0)
    return exif


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_ingest_records_metadata_checksums_and_derivatives(media_root):
    doc = DocumentFactory()
    obj = ingest_page_image(
        document=doc, upload=two_colour((2400, 1200)), original_name="../../etc/x.jpg"
    )
    assert (obj.page_number, obj.width, obj.height, obj.format) == (1, 2400, 1200, "JPEG")
    assert re.fullmatch(rf"pages/{doc.pk}/[0-9a-f]{{32}}\.jpg", obj.image.name)
    master = (media_root / obj.image.name).read_bytes()
    assert obj.file_size == len(master)
    assert obj.checksum_sha256 == hashlib.sha256(master).hexdigest()
    thumb = Image.open(media_root / obj.thumbnail.name)
    web = Image.open(media_root / obj.web_image.name)
    assert thumb.format == web.format == "JPEG"
    assert max(thumb.size) == 300 and max(web.size) == 1600
    assert (
        obj.thumbnail_sha256
        == hashlib.sha256((media_root / obj.thumbnail.name).read_bytes()).hexdigest()
    )
    assert obj.original_name == "../../etc/x.jpg"
    second = ingest_page_image(document=doc, upload=two_colour(fmt="PNG"))
    assert second.page_number == 2 and second.format == "PNG"
    assert second.image.name.endswith(".png")


def test_exif_gps_is_stripped_and_orientation_applied(media_root):
    data = two_colour((200, 100), exif=exif_with_gps_and_orientation(6).tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload has GPS
    obj = ingest_page_image(document=DocumentFactory(), upload=data)
    stored = Image.open(media_root / obj.image.name)
    assert not stored.getexif()
    assert b"Exif" not in (media_root / obj.image.name).read_bytes()
    # orientation 6 = rotate 90° clockwise: the red left half ends up on top
    assert (obj.width, obj.height) == stored.size == (100, 200)
    top, bottom = stored.getpixel((50, 30)), stored.getpixel((50, 170))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


@pytest.mark.parametrize("fmt", ["TIFF", "WEBP", "PNG"])
def test_other_allowed_formats(fmt):
    prepared = prepare_image(two_colour(fmt=fmt))
    assert prepared.format == fmt
    assert Image.open(io.BytesIO(prepared.master)).format == fmt


def test_png_text_metadata_is_stripped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Location", "23.13N 82.38W")
    prepared = prepare_image(two_colour(fmt="PNG", pnginfo=info))
    assert b"23.13N" not in prepared.master
    assert "Location" not in Image.open(io.BytesIO(prepared.master)).info


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"<html><script>alert(1)</script></html>", "not an image in an accepted format"),
        (b"%PDF-1.4\n1 0 obj\n", "not an image in an accepted format"),
        (b"", "empty"),
    ],
)
def test_non_images_are_refused_whatever_their_name(payload, message):
    upload = io.BytesIO(payload)
    upload.name = "page1.jpg"
    with pytest.raises(ImageRejected, match=message):
        prepare_image(upload)


def test_gif_is_refused_by_content():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ImageRejected, match="accepted format"):
        prepare_image(out.getvalue())


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_polyglot_with_appended_payload_is_refused(fmt):
    zip_like = b"PK\x03\x04" + b"<?php system($_GET['c']); ?>" * 4
    with pytest.raises(ImageRejected, match="data after the end"):
        prepare_image(two_colour(fmt=fmt) + zip_like)


def test_decompression_bomb_header_is_refused_without_decoding():
    # a 64 Kpx × 64 Kpx PNG in a few hundred bytes: IHDR promises 4 gigapixels
    ihdr = struct.pack(">IIBBBBB", 65_535, 65_535, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
    bomb += png_chunk(b"IEND", b"")
    assert len(bomb) < 2000
    with pytest.raises(ImageRejected, match="decompression bomb"):
        prepare_image(bomb)


def test_pixel_limit_is_configurable(settings):
    settings.IMAGE_MAX_PIXELS = 15_000
    with pytest.raises(ImageRejected, match="pixels"):
        prepare_image(two_colour((150, 120)))  # 18 000 px: above the limit, below 2×
    with pytest.raises(ImageRejected, match="pixels"):
        prepare_image(two_colour((400, 400)))
    assert prepare_image(two_colour((100, 100))).width == 100


def test_oversized_file_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = two_colour((400, 400), fmt="PNG", compress_level=0)
    with pytest.raises(ImageRejected, match=r"at most|larger than"):
        prepare_image(data)
    upload = io.BytesIO(data)
    upload.size = len(data)
    with pytest.raises(ImageRejected, match="page images may be at most 1,000 bytes"):
        prepare_image(upload)


def test_duplicate_page_number_is_refused_and_nothing_stored(media_root):
    doc = DocumentFactory()
    ingest_page_image(document=doc, upload=two_colour(), page_number=1)
    files_before = sorted(p for p in media_root.rglob("*") if p.is_file())
    with pytest.raises(ImageRejected, match="already has a page 1"):
        ingest_page_image(document=doc, upload=two_colour(), page_number=1)
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == files_before
    assert doc.digital_objects.count() == 1
