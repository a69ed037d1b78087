"""The export's manifest and its verification, before anything is written.

``export_catalogue`` writes ``manifest.json`` (format, version, and each file's record
kind, line count and SHA-256); ``import_catalogue`` checks every file against it first,
so a damaged export is refused rather than half-restored. Separate from the restoring
itself: the export command needs only the format constants, and the import command
verifies first (sizing its progress bar from the manifest) before any transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

FORMAT = "archive-catalogue-ndjson"
FORMAT_VERSION = 1


class RestoreError(Exception):
    """The export cannot be restored here; the message says why."""


@dataclass
class ManifestEntry:
    kind: str
    file: str
    records: int
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> list[ManifestEntry]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise RestoreError(f"{path} is missing: is {directory} an export_catalogue directory?")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise RestoreError(f"{path} is not a {FORMAT} manifest.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise RestoreError(
                f"{path} has format version {manifest.get('format_version')}; "
                f"this catalogue reads version {FORMAT_VERSION}."
            )
        return [ManifestEntry(**entry) for entry in manifest["files"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise RestoreError(f"{path} is not a valid manifest: {exc}") from exc


def verify_export(directory: Path) -> list[ManifestEntry]:
    """Check every file against the manifest (checksum and line count) before use."""
    entries = read_manifest(directory)
    from catalogue.formats.ndjson import KINDS

    for entry in entries:
        if entry.kind not in KINDS:
            raise RestoreError(f"manifest.json lists an unknown record kind '{entry.kind}'.")
        path = directory / entry.file
        if not path.is_file() or path.parent != directory:
            raise RestoreError(f"{entry.file} is listed in manifest.json but missing.")
        actual = sha256_of(path)
        if actual != entry.sha256:
            raise RestoreError(
                f"{entry.file} is damaged: its SHA-256 is {actual}, the manifest says "
                f"{entry.sha256}."
            )
        with path.open("rb") as handle:
            lines = sum(1 for _ in handle)
        if lines != entry.records:
            raise RestoreError(
                f"{entry.file} holds {lines} records, the manifest says {entry.records}."
            )
    missing = [kind for kind in KINDS if kind not in {e.kind for e in entries}]
    if missing:
        raise RestoreError(f"The export lacks {', '.join(missing)}.")
    return entries
