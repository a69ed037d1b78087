import codecs
import hashlib

import pytest

from catalogue.importers.avalon import ParseError, parse_document
from catalogue.importers.avalon.reader import decode

from . import load

TEXT = "The Cuban Missile Crisis\nEditorial Note\n\nOn October 28 the crisis ended.\n"


def test_utf8_is_tried_first_and_recorded():
    decoded = decode("Chargé d’Affaires\n".encode())
    assert decoded.encoding == "utf-8"
    assert decoded.text == "Chargé d’Affaires\n"


def test_utf8_byte_order_mark_is_removed_and_recorded():
    decoded = decode(codecs.BOM_UTF8 + b"Editorial Note\n")
    assert decoded.encoding == "utf-8-sig"
    assert decoded.text == "Editorial Note\n"
    assert not decoded.raw_text.startswith("\ufeff")


def test_cp1252_curly_quotes_and_dashes():
    decoded = decode("“quarantine” — Chargé".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text == "“quarantine” — Chargé"


def test_latin1_is_the_last_resort():
    # 0x81 is undefined in cp1252, so only Latin-1 decodes this.
    decoded = decode(
        b"Editorial Note\nChar\xe9 and one odd byte \x81 in a long enough line of text."
    )
    assert decoded.encoding == "latin-1"
    assert "Chargé" not in decoded.text  # é decoded from Latin-1 0xE9
    assert "Char\xe9" in decoded.text


def test_utf16_with_byte_order_mark():
    decoded = decode(TEXT.encode("utf-16"))
    assert decoded.encoding == "utf-16"
    assert decoded.text == TEXT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(b"a\r\nb\r\n", "a\nb\n"), (b"a\rb\r", "a\nb\n"), (b"a\r\n\rb", "a\n\nb")],
)
def test_line_endings_are_normalised(raw, expected):
    assert decode(raw).text == expected


def test_raw_text_keeps_original_line_endings():
    assert decode(b"a\r\nb").raw_text == "a\r\nb"


def test_checksum_is_sha256_of_the_bytes():
    data = load("seeds/000_edb94c0bc4a3a32d.txt")
    assert decode(data).checksum == hashlib.sha256(data).hexdigest()


def test_empty_file_is_rejected():
    with pytest.raises(ParseError, match="empty file") as info:
        decode(b"")
    assert info.value.line is None


def test_whitespace_only_file_is_rejected():
    with pytest.raises(ParseError, match="empty file: only whitespace"):
        decode(b" \r\n\t\n")


def test_nul_byte_means_binary_with_line_number():
    with pytest.raises(ParseError, match="binary content: NUL byte at offset 9") as info:
        decode(b"line one\n\x00line two")
    assert info.value.line == 2


def test_many_control_characters_mean_binary():
    with pytest.raises(ParseError, match="binary content: .* control characters"):
        decode(bytes(range(1, 32)) * 10)


def test_a_few_control_characters_are_tolerated():
    assert decode(b"Editorial Note\x0c\n" + b"text " * 100).text.startswith("Editorial Note")


def test_oversized_input_is_rejected_before_decoding():
    with pytest.raises(ParseError, match=r"file too large: 11 bytes \(limit 10\)"):
        decode(b"x" * 11, max_bytes=10)
    assert decode(b"x" * 10, max_bytes=10).text == "x" * 10


def test_invalid_utf8_after_a_utf8_bom_is_undecodable():
    with pytest.raises(ParseError, match="undecodable text") as info:
        decode(codecs.BOM_UTF8 + b"ok\n\xff\xfe broken")
    assert info.value.line == 2


def test_non_bytes_input_is_a_parse_error():
    with pytest.raises(ParseError, match="expected bytes, got str"):
        decode("text")  # type: ignore[arg-type]


def test_parse_document_names_the_file_in_the_message():
    with pytest.raises(ParseError) as info:
        parse_document(b"", filename="box/empty.txt")
    assert str(info.value) == "box/empty.txt: empty file"
    assert info.value.message == "empty file"


def test_parse_document_message_with_line_number():
    with pytest.raises(ParseError) as info:
        parse_document(b"\n\nhello there\nworld\n", filename="x.txt")
    assert info.value.line == 3
    assert str(info.value).startswith("x.txt:3: no recognisable heading")


def test_parse_document_records_encoding_and_raw_text():
    doc = parse_document(load("minutes_cp1252.txt"))
    assert doc.encoding == "cp1252"
    assert "Chargé" in doc.body and "“quarantine”" in doc.body
    bom = parse_document(load("draft_message_bom_crlf.txt"))
    assert bom.encoding == "utf-8-sig"
    assert "\r\n" in bom.raw_text and "\r" not in bom.body
