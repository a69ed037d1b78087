"""Consistent online backups of the whole catalogue (database and page images), and
their verified restore.

Why this shape:

* The database copy is a single consistent snapshot taken while the site keeps
  serving: SQLite's online backup API (``sqlite3.Connection.backup``) on SQLite,
  ``pg_dump --format=custom`` inside an exported snapshot on PostgreSQL.
* The manifest's record counts and per-table content checksums are computed *from that
  same snapshot* (the SQLite copy itself; the PostgreSQL snapshot the dump ran in), so a
  restore can prove that every row came back, not merely that a file was copied.
* Every file in the backup (the database copy and each media file) carries a SHA-256
  checksum. ``restore`` checks all of them before it touches anything: a damaged backup
  is refused, never half-restored.
* ``restore`` refuses to overwrite a database that already holds catalogue content
  unless told to (``force``): a restore aimed at the wrong server must not destroy it.

A backup is a directory::

    PATH/manifest.json
    PATH/database.sqlite3   (SQLite)   or   PATH/database.dump   (PostgreSQL)
    PATH/media/...          (a copy of MEDIA_ROOT)
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection as default_connection

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024

# Tables whose rows mean "an archivist's work is here": restore refuses to overwrite a
# database holding any of them unless forced. (A freshly migrated database already
# holds vocabulary, permissions and groups, which do not count.)
CONTENT_TABLES = (
    "catalogue_document",
    "catalogue_agent",
    "catalogue_repository",
    "catalogue_archivalunit",
    "catalogue_digitalobject",
    "auth_user",
)


class BackupError(Exception):
    """A backup could not be taken or restored; the message says why."""


@dataclass
class BackupResult:
    path: Path
    vendor: str
    counts: dict[str, int]
    media_files: int
    media_bytes: int
    database_bytes: int


@dataclass
class RestoreResult:
    path: Path
    counts: dict[str, int]
    media_files: int
    mismatches: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_digest(rows: Iterable[tuple]) -> str:
    """Order-independent checksum of a table's rows (sorted by their repr, so the same
    rows give the same digest whatever order the server returns them in)."""
    digest = hashlib.sha256()
    for text in sorted(repr(tuple(row)) for row in rows):
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def table_fingerprints(cursor, tables: Iterable[str]) -> dict[str, dict]:
    result = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - introspected names
        rows = cursor.fetchall()
        result[table] = {"rows": len(rows), "sha256": _row_digest(rows)}
    return result


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [name for (name,) in rows]


def _django_tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite_tables(connection.connection)
        return [
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t"
        ]


def database_fingerprint(connection=default_connection) -> dict[str, dict]:
    """Row count and content checksum of every table in the live database.

    On SQLite this reads through a plain ``sqlite3`` connection, as the backup side
    does: Django's own connection converts dates and booleans, which would make equal
    rows hash differently."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        plain = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            return table_fingerprints(plain.cursor(), _sqlite_tables(plain))
        finally:
            plain.close()
    tables = _django_tables(connection)
    with connection.cursor() as cursor:
        return table_fingerprints(cursor, tables)


def has_content(connection=default_connection) -> bool:
    connection.ensure_connection()
    tables = set(_django_tables(connection))
    with connection.cursor() as cursor:
        for table in CONTENT_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


# --- PostgreSQL client tools ---------------------------------------------------------


def pg_binary(name: str) -> str:
    """Find pg_dump/pg_restore: $PGBIN, then the newest /usr/lib/postgresql/*/bin, then
    PATH. The newest is preferred because pg_dump refuses servers newer than itself."""
    candidates = []
    if os.environ.get("PGBIN"):
        candidates.append(Path(os.environ["PGBIN"]) / name)
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
    )
    candidates += [Path(p) / name for p in reversed(versions)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} not found: set PGBIN to the directory holding the PostgreSQL tools.")


LIBPQ_KEYS = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "service",
    "options",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "application_name",
}


def _pg_args_env(connection) -> tuple[list[str], dict[str, str]]:
    """The connection as a libpq conninfo string for the client tools, built from the
    same parameters Django connects with (DATABASE_URL may put host and port in
    OPTIONS); the password travels in the environment, not on the command line."""
    from psycopg.conninfo import make_conninfo

    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in LIBPQ_KEYS and value not in (None, "")
    }
    env = {**os.environ}
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    return ["--dbname", make_conninfo(**{k: str(v) for k, v in params.items()})], env


def _run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {completed.returncode}): "
            f"{completed.stderr.strip()[-2000:]}"
        )


# --- backup ----------------------------------------------------------------------------


def _backup_sqlite(connection, target: Path) -> dict[str, dict]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot even while others write.
        connection.connection.backup(destination)
        destination.commit()
        return table_fingerprints(destination.cursor(), _sqlite_tables(destination))
    finally:
        destination.close()


def _backup_postgresql(connection, target: Path) -> dict[str, dict]:
    """pg_dump runs inside a snapshot exported by our own REPEATABLE READ transaction, so
    the counts and checksums we record describe exactly the rows the dump contains."""
    connection.ensure_connection()
    args, env = _pg_args_env(connection)
    tables = _django_tables(connection)
    raw = connection.connection
    previous_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                fingerprints = table_fingerprints(cursor, tables)
                _run(
                    [
                        pg_binary("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(target),
                        *args,
                    ],
                    env,
                )
            finally:
                cursor.execute("COMMIT")
    finally:
        connection.set_autocommit(previous_autocommit)
    return fingerprints


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup(
    path: str | os.PathLike,
    *,
    include_media: bool = True,
    connection=default_connection,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> BackupResult:
    """Write a consistent backup of the database (and MEDIA_ROOT) into ``path``, a new
    or empty directory. Writes into a temporary sibling first and renames it into place,
    so an interrupted backup never looks complete."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty directory.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        vendor = connection.vendor
        if vendor == "sqlite":
            db_name = "database.sqlite3"
            tables = _backup_sqlite(connection, staging / db_name)
        elif vendor == "postgresql":
            db_name = "database.dump"
            tables = _backup_postgresql(connection, staging / db_name)
        else:
            raise BackupError(f"Backups are not supported on {vendor}.")

        media_root = Path(settings.MEDIA_ROOT)
        media_entries = []
        files = _media_files(media_root) if include_media else []
        for source in progress(files) if progress else files:
            relative = source.relative_to(media_root)
            destination = staging / "media" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            media_entries.append(
                {
                    "path": relative.as_posix(),
                    "bytes": destination.stat().st_size,
                    "sha256": sha256_file(destination),
                }
            )

        database_file = staging / db_name
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": vendor,
            "database": {
                "file": db_name,
                "bytes": database_file.stat().st_size,
                "sha256": sha256_file(database_file),
            },
            "tables": tables,
            "media": media_entries,
            "include_media": include_media,
        }
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupResult(
        path=target,
        vendor=vendor,
        counts={name: info["rows"] for name, info in tables.items()},
        media_files=len(media_entries),
        media_bytes=sum(entry["bytes"] for entry in media_entries),
        database_bytes=manifest["database"]["bytes"],
    )


# --- restore ---------------------------------------------------------------------------


def _safe_relative(relative: str) -> Path:
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise BackupError(f"Manifest names a file outside the backup: {relative!r}.")
    return candidate


def read_manifest(path: str | os.PathLike) -> dict:
    source = Path(path)
    manifest_path = source / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST_NAME} is missing.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{manifest_path} is unreadable: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unsupported backup format {manifest.get('format')!r}.")
    return manifest


def verify(path: str | os.PathLike) -> list[str]:
    """Every problem with the backup's files (missing, wrong size or checksum); empty
    when the backup is intact."""
    source = Path(path)
    manifest = read_manifest(source)
    problems = []
    entries = [{"path": manifest["database"]["file"], **manifest["database"], "root": source}] + [
        {**entry, "root": source / "media"} for entry in manifest["media"]
    ]
    for entry in entries:
        file_path = entry["root"] / _safe_relative(entry["path"])
        if not file_path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif file_path.stat().st_size != entry["bytes"]:
            problems.append(f"{entry['path']}: size differs from the manifest")
        elif sha256_file(file_path) != entry["sha256"]:
            problems.append(f"{entry['path']}: SHA-256 differs from the manifest")
    return problems


def _restore_sqlite(connection, database_file: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(connection, database_file: Path) -> None:
    args, env = _pg_args_env(connection)
    connection.close()
    _run(
        [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(database_file),
        ],
        env,
    )


def restore(
    path: str | os.PathLike,
    *,
    force: bool = False,
    dry_run: bool = False,
    connection=default_connection,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> RestoreResult:
    """Bring a backup back: verify every checksum first, refuse a non-empty target
    unless ``force``, then replace the database and copy the media files into
    MEDIA_ROOT, and finally check that every table holds what the manifest says."""
    source = Path(path)
    manifest = read_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; "
            f"the configured database is {connection.vendor}."
        )
    problems = verify(source)
    if problems:
        raise BackupError("Backup failed verification, nothing restored: " + "; ".join(problems))
    if not force and has_content(connection):
        raise BackupError(
            "The database already holds catalogue records; refusing to overwrite it "
            "(use --force to replace its contents with the backup)."
        )
    expected = {name: info["rows"] for name, info in manifest["tables"].items()}
    if dry_run:
        return RestoreResult(path=source, counts=expected, media_files=len(manifest["media"]))

    database_file = source / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, database_file)
    else:
        _restore_postgresql(connection, database_file)

    media_root = Path(settings.MEDIA_ROOT)
    entries = manifest["media"]
    for entry in progress(entries) if progress else entries:
        relative = _safe_relative(entry["path"])
        destination = media_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "media" / relative, destination)

    mismatches = []
    actual = database_fingerprint(connection)
    for table, info in manifest["tables"].items():
        got = actual.get(table)
        if got is None:
            mismatches.append(f"{table}: missing after restore")
        elif got != info:
            mismatches.append(f"{table}: {got['rows']} rows restored, {info['rows']} expected")
    for entry in entries:
        restored = media_root / _safe_relative(entry["path"])
        if sha256_file(restored) != entry["sha256"]:
            mismatches.append(f"media/{entry['path']}: checksum differs after restore")
    return RestoreResult(
        path=source,
        counts={table: info["rows"] for table, info in actual.items()},
        media_files=len(entries),
        mismatches=mismatches,
    )
