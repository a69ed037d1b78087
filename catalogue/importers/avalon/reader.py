"""Bytes to text: decode, refuse what is not a text, normalise line endings.

The transcriptions come from many hands and tools.  Most are UTF-8, some were
saved by Windows tools (cp1252 curly quotes and dashes), a few are Latin-1.
UTF-8 is tried first because it is self-validating: random cp1252 text almost
never decodes as UTF-8.  cp1252 comes before Latin-1 because it is a superset in
the printable range and leaves five bytes undefined, so it fails on some binary
data; Latin-1 never fails and is the last resort.  Whatever was used is recorded
so that an archivist can see it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass

from catalogue.importers.avalon.errors import ParseError

# C0 controls other than tab, newline, vertical tab, form feed, carriage return;
# DEL; and the C1 range (which cp1252/UTF-8 text should not contain).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_RATIO = 0.02
_SAMPLE = 64 * 1024


@dataclass
class DecodedText:
    text: str  # line endings normalised to "\n", BOM removed
    raw_text: str  # as decoded, BOM removed, line endings untouched
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "latin-1"
    checksum: str  # sha256 of the bytes


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ParseError(f"undecodable UTF-16 text at byte {exc.start}") from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = exc.start + len(codecs.BOM_UTF8)
            raise ParseError(
                f"undecodable text: invalid UTF-8 after a UTF-8 byte-order mark at byte {offset}",
                line=_line_of(data, offset),
            ) from None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ParseError("undecodable text")  # pragma: no cover - latin-1 decodes anything


def decode(data: bytes, *, max_bytes: int | None = None) -> DecodedText:
    """Decode ``data`` or raise :class:`ParseError` naming why it is not a text."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    size = len(data)
    if max_bytes is not None and size > max_bytes:
        raise ParseError(f"file too large: {size} bytes (limit {max_bytes})")
    if size == 0:
        raise ParseError("empty file")
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise ParseError(f"binary content: NUL byte at offset {nul}", line=_line_of(data, nul))
    text, encoding = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ParseError("empty file: only whitespace")
    sample = text[:_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > MAX_CONTROL_RATIO * len(sample):
        raise ParseError(
            f"binary content: {controls} control characters in {len(sample)} characters"
        )
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(
        text=normalised,
        raw_text=text,
        encoding=encoding,
        checksum=hashlib.sha256(data).hexdigest(),
    )
