"""Ingest page images: trust the content, not the name; keep what an archive needs.

An uploaded scan is decoded by Pillow, restricted to TIFF, JPEG, PNG and WebP, and
refused when it is too large in bytes or in pixels (a small file can declare a
gigapixel canvas: a decompression bomb) or carries data after the image (a polyglot
that is also an HTML page or an archive). What is stored is re-encoded from the
decoded pixels with EXIF orientation applied, so no metadata survives: no GPS
position, no camera serial, no embedded payload. Width, height, format, size and a
SHA-256 of every stored file (master, thumbnail, web JPEG) are recorded so that
``check_fixity`` can later prove none of them changed.
"""

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from catalogue.models import DigitalObject, Document

ALLOWED_FORMATS = ("TIFF", "JPEG", "PNG", "WEBP")
EXTENSIONS = {"TIFF": "tif", "JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (300, 300)
WEB_SIZE = (1600, 1600)
PNG_END = b"IEND\xaeB`\x82"


class ImageRejected(ValidationError):
    """An upload that is not an acceptable page image; the message says why."""


@dataclass
class PreparedImage:
    """A validated, cleaned image ready to be stored."""

    master: bytes
    thumbnail: bytes
    web: bytes
    format: str
    width: int
    height: int
    original_sha256: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _read_bounded(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > settings.IMAGE_MAX_BYTES:
            raise ImageRejected(
                f"The file is {_megabytes(size)}; page images may be at most "
                f"{_megabytes(settings.IMAGE_MAX_BYTES)}."
            )
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(settings.IMAGE_MAX_BYTES + 1)
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ImageRejected(
            f"The file is larger than {_megabytes(settings.IMAGE_MAX_BYTES)}, the limit for "
            "page images."
        )
    if not data:
        raise ImageRejected("The file is empty.")
    return data


def _check_trailing_data(data: bytes, fmt: str):
    """Refuse bytes after the image's end marker: the usual way to build a polyglot."""
    trailing = False
    if fmt == "PNG":
        end = data.rfind(PNG_END)
        trailing = end == -1 or data[end + len(PNG_END) :].strip(b"\x00") != b""
    elif fmt == "JPEG":
        trailing = not data.rstrip(b"\x00").endswith(b"\xff\xd9")
    elif fmt == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        trailing = len(data.rstrip(b"\x00")) > declared + (declared % 2)
    if trailing:
        raise ImageRejected(
            f"The file has data after the end of its {fmt} image (a file that is also "
            "something else is not accepted as a page image)."
        )


def _open(data: bytes):
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
    limit = f"{settings.IMAGE_MAX_PIXELS:,} pixels"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            fmt = probe.format
            width, height = probe.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ImageRejected(
                    f"The image is {width} × {height} pixels; page images may have at most {limit}."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ImageRejected(
            f"The image declares more pixels than the limit of {limit} (a possible "
            "decompression bomb); it was not opened."
        ) from error
    except UnidentifiedImageError as error:
        raise ImageRejected(
            "The file is not an image in an accepted format (TIFF, JPEG, PNG or WebP), "
            "whatever its name says."
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(
            f"The image is damaged or truncated and cannot be read ({error})."
        ) from error
    if fmt not in ALLOWED_FORMATS:  # pragma: no cover - Image.open(formats=...) enforces it
        raise ImageRejected(f"{fmt} images are not accepted.")
    return image, fmt


def _as_rgb(image: Image.Image) -> Image.Image:
    """Flatten to 8-bit RGB on white for the JPEG derivatives."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": image.info["icc_profile"]} if "icc_profile" in image.info else {}
    if fmt == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = _as_rgb(image)
        image.save(out, "JPEG", quality=95, optimize=True, **extra)
    elif fmt == "TIFF":
        image.save(out, "TIFF", compression="tiff_lzw", **extra)
    elif fmt == "WEBP":
        image.save(out, "WEBP", lossless=True, **extra)
    else:
        image.save(out, "PNG", optimize=True, **extra)
    return out.getvalue()


def _derivative(image: Image.Image, size: tuple[int, int], quality: int) -> bytes:
    copy = _as_rgb(image)
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def prepare_image(upload) -> PreparedImage:
    """Validate and clean an upload (bytes or a file); raises ``ImageRejected``.

    Forms call this in ``clean`` so a bad file is reported beside the field before
    anything is written.
    """
    data = _read_bounded(upload)
    image, fmt = _open(data)
    _check_trailing_data(data, fmt)
    image = ImageOps.exif_transpose(image)
    icc_profile = image.info.get("icc_profile")
    # A fresh image from the decoded pixels carries no EXIF, XMP, GPS or trailing payload.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    if icc_profile:
        clean.info["icc_profile"] = icc_profile
    master = _encode(clean, fmt)
    return PreparedImage(
        master=master,
        thumbnail=_derivative(clean, THUMBNAIL_SIZE, 80),
        web=_derivative(clean, WEB_SIZE, 85),
        format=fmt,
        width=clean.width,
        height=clean.height,
        original_sha256=sha256(data),
    )


def ingest_page_image(
    *,
    document: Document,
    upload=None,
    prepared: PreparedImage | None = None,
    page_number: int | None = None,
    caption: str = "",
    original_name: str = "",
) -> DigitalObject:
    """Store a page image of ``document`` with its derivatives and technical metadata.

    Files get generated names (never the uploader's); if the database write fails the
    files just written are removed again, so nothing is left half-stored.
    """
    if prepared is None:
        prepared = prepare_image(upload)
    stem = uuid.uuid4().hex
    obj = DigitalObject(
        document=document,
        caption=caption,
        format=prepared.format,
        file_size=len(prepared.master),
        checksum_sha256=sha256(prepared.master),
        thumbnail_sha256=sha256(prepared.thumbnail),
        web_sha256=sha256(prepared.web),
        original_name=(original_name or getattr(upload, "name", "") or "")[:255],
        original_sha256=prepared.original_sha256,
    )
    written = []
    try:
        with transaction.atomic():
            taken = DigitalObject.objects.select_for_update().filter(document=document)
            if page_number is None:
                page_number = (taken.aggregate(n=Max("page_number"))["n"] or 0) + 1
            elif taken.filter(page_number=page_number).exists():
                raise ImageRejected(
                    f"Document {document.pk} already has a page {page_number}; choose another "
                    "number or remove that page first."
                )
            obj.page_number = page_number
            ext = EXTENSIONS[prepared.format]
            obj.image.save(f"{stem}.{ext}", ContentFile(prepared.master), save=False)
            written.append(obj.image)
            obj.thumbnail.save(f"{stem}.jpg", ContentFile(prepared.thumbnail), save=False)
            written.append(obj.thumbnail)
            obj.web_image.save(f"{stem}.jpg", ContentFile(prepared.web), save=False)
            written.append(obj.web_image)
            obj.width, obj.height = prepared.width, prepared.height
            obj.save()
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return obj


def stored_files(obj: DigitalObject):
    """(role, field file, expected checksum) for each file of a page that fixity checks."""
    from catalogue.models import FixityCheck

    yield FixityCheck.Role.MASTER, obj.image, obj.checksum_sha256
    if obj.thumbnail:
        yield FixityCheck.Role.THUMBNAIL, obj.thumbnail, obj.thumbnail_sha256
    if obj.web_image:
        yield FixityCheck.Role.WEB, obj.web_image, obj.web_sha256


def file_checksum(field_file) -> str | None:
    """SHA-256 of a stored file, streamed; None when the file is missing."""
    storage = field_file.storage
    if not field_file.name or not storage.exists(field_file.name):
        return None
    digest = hashlib.sha256()
    with storage.open(field_file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
