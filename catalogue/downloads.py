"""Large public downloads kept as files until the catalogue changes.

The whole-catalogue CSV sheets and PROV dump, and the finding aids and authority
records of large units and agents, read the whole catalogue or tens of thousands of
rows: seconds to minutes of a web worker's CPU per request at 100,000 documents, on
URLs anyone can fetch repeatedly. Each is written once per state of the catalogue: the
first request streams it while a copy goes to ``CATALOGUE_DOWNLOADS_DIR``, and later
requests are sent that file, until the change stamp moves (any write to a table these
files show, ``catalogue.search.facets.change_stamp``).

Nothing stale is ever served, so a withdrawn document cannot linger in a download:

- files live in a directory named after the stamp and the code that wrote them
  (``code_version``: a deploy that changes a format must not be answered by files of
  the old one), so a new stamp finds none, and the first file kept under it removes
  the directories of every other;
- a copy is kept only if the stamp is the same after the last byte as before the first
  (a write in between could leave the file half old, half new), and everything a
  download shows is read after the first;
- the rows are read on the primary, like ``catalogue.stamped``'s figures: a replica
  that has not replayed a withdrawal must not fill a file kept under the new stamp.

Copies are kept only for the site's own address (``CATALOGUE_BASE_URL``): the files
hold absolute links, and one copy per address a client can name (any port of an
allowed host) would fill the disk. Other addresses are streamed, never kept.
"""

import contextlib
import functools
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)

from archive_site.db_router import reads_from_primary
from catalogue.formats import default_base_url
from catalogue.search.facets import change_stamp

# A partial file older than this was left by a worker that died mid-download.
STALE_PARTIAL_SECONDS = 3600
# The only directories this module ever removes from the downloads directory.
KEPT_DIR = re.compile(r"^[mp]\d+-[0-9a-f]{12}$")
# Settings a kept file depends on besides the data.
FORMAT_SETTINGS = ("CATALOGUE_BASE_URL", "CATALOGUE_SITE_NAME")


def downloads_dir() -> Path:
    return Path(settings.CATALOGUE_DOWNLOADS_DIR)


def kept_file(name: str, stamp: int) -> Path:
    return downloads_dir() / _kept_dir_name(stamp) / name


def keeps_for(base_url: str) -> bool:
    """Whether downloads made for ``base_url`` are kept: the site's own address only."""
    return base_url.rstrip("/") == default_base_url()


@functools.cache
def code_version() -> str:
    """A digest of the code that writes the downloads and the settings it reads."""
    digest = hashlib.sha1()
    package = Path(__file__).parent
    for path in sorted([*package.joinpath("formats").rglob("*.py"), Path(__file__)]):
        digest.update(path.read_bytes())
    for name in FORMAT_SETTINGS:
        digest.update(repr(getattr(settings, name, None)).encode())
    return digest.hexdigest()[:12]


def download_response(
    request,
    *,
    name: str,
    base_url: str,
    produce: Callable[[], Iterable[bytes]],
    content_type: str,
    disposition: str = "",
    make_here: Callable[[], bool] | None = None,
):
    """The download ``produce()`` streams, sent from its kept file when the catalogue
    has not changed since it was written. Answers ``If-None-Match`` with 304.
    ``make_here()``: whether it may be made in this request when no copy is kept;
    if not, 503 (``build_downloads`` makes it)."""
    stamp = change_stamp() if keeps_for(base_url) else None
    if stamp is None:  # nothing to key on, or an address whose copies are not kept
        response = StreamingHttpResponse(_on_primary(produce), content_type=content_type)
        return _described(response, disposition)
    etag = _etag(name, stamp)
    if _matches(request, etag):
        return _not_modified(etag)
    path = kept_file(name, stamp)
    try:
        response = FileResponse(path.open("rb"), content_type=content_type)
    except OSError:  # not kept yet (or the directory cannot be read: made afresh)
        if make_here is not None and not make_here():
            return _not_ready()
        # Servers iterate a HEAD response's body and then drop it: make none.
        head = request.method == "HEAD"
        chunks = iter(()) if head else _kept_while_sent(produce, path, stamp)
        response = StreamingHttpResponse(chunks, content_type=content_type)
    response["ETag"] = etag
    return _described(response, disposition)


def document_response(
    request,
    *,
    name: str,
    base_url: str,
    produce: Callable[[], bytes],
    content_type: str,
    disposition: str = "",
):
    """``download_response`` for a document made whole in memory (a finding aid, an
    authority record: bounded to a few megabytes), sent whole, with its length."""
    stamp = change_stamp() if keeps_for(base_url) else None
    if stamp is None:
        with reads_from_primary():
            return _described(HttpResponse(produce(), content_type=content_type), disposition)
    etag = _etag(name, stamp)
    if _matches(request, etag):
        return _not_modified(etag)
    path = kept_file(name, stamp)
    try:
        content = path.read_bytes()
    except OSError:
        if request.method == "HEAD":  # as download_response: make nothing for a HEAD
            response = StreamingHttpResponse(iter(()), content_type=content_type)
            response["ETag"] = etag
            return _described(response, disposition)
        with reads_from_primary():
            content = produce()
        _keep(content, path, stamp)
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    return _described(response, disposition)


def build(name: str, produce: Callable[[], Iterable[bytes]]) -> tuple[Path | None, bool]:
    """Make the kept file of ``name`` for the catalogue as it is now, as the first
    request would (``build_downloads``): (its path, whether it was made now), or
    (None, False) if it could not be kept (no stamp, or the catalogue changed while
    it was being made)."""
    stamp = change_stamp()
    if stamp is None:
        return None, False
    path = kept_file(name, stamp)
    if path.exists():
        return path, False
    for _chunk in _kept_while_sent(produce, path, stamp):
        pass
    return (path, True) if path.exists() else (None, False)


def _kept_dir_name(stamp: int) -> str:
    return f"{'m' if stamp < 0 else 'p'}{abs(stamp)}-{code_version()}"


def _etag(name: str, stamp: int) -> str:
    return f'"{_kept_dir_name(stamp)}-{hashlib.sha1(name.encode()).hexdigest()[:12]}"'


def _not_modified(etag: str):
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def _not_ready():
    response = HttpResponse(
        "This download is made after each change by a scheduled job (build_downloads), "
        "as it takes longer than a request may. It is not ready yet: try again later.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "600"
    return response


def _described(response, disposition: str):
    if disposition:
        response["Content-Disposition"] = disposition
    elif "Content-Disposition" in response:  # FileResponse names the kept file
        del response["Content-Disposition"]
    return response


def _matches(request, etag: str) -> bool:
    """``If-None-Match`` names this version, or ``*`` (any version: there always is one)."""
    header = request.headers.get("If-None-Match", "")
    tags = {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
    return etag in tags or "*" in tags


def _on_primary(produce: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    """Each chunk made with every read on the primary. Set around each step, not for
    the whole iteration: between chunks the server (and its middleware) runs."""
    with reads_from_primary():
        iterator = iter(produce())
    while True:
        with reads_from_primary():
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def _kept_while_sent(
    produce: Callable[[], Iterable[bytes]], path: Path, stamp: int
) -> Iterator[bytes]:
    """Yield the chunks while writing them to a partial file, which becomes ``path``
    if the download completes and the catalogue did not change meanwhile. A failure to
    write (a full disk) stops the copy, never the download."""
    out = _partial_file(path)
    try:
        for chunk in _on_primary(produce):
            if out is not None:
                try:
                    out.write(chunk)
                except OSError:
                    _discard(out)
                    out = None
            yield chunk
        if out is not None:
            _settle(out, path, stamp)
            out = None
    finally:
        if out is not None:  # the client went away, or reading failed
            _discard(out)


def _keep(content: bytes, path: Path, stamp: int) -> None:
    out = _partial_file(path)
    if out is None:
        return
    try:
        out.write(content)
    except OSError:
        _discard(out)
    else:
        _settle(out, path, stamp)


def _settle(out, path: Path, stamp: int) -> None:
    """Keep the written copy under ``path`` if the stamp has not moved since: on disk
    first (a file cut short by a crash must not be sent), then renamed."""
    try:
        out.flush()
        os.fsync(out.fileno())
        out.close()
    except OSError:
        _discard(out)
        return
    if change_stamp() != stamp:
        _discard(out)
        return
    try:
        os.replace(out.name, path)
    except OSError:  # its directory was removed by a newer stamp's first file
        _discard(out)
    else:
        _remove_other_stamps(path.parent)


def _partial_file(path: Path):
    """A new partial file beside ``path``, readable by every user (the command that
    builds downloads may not run as the web server's user), or None if the disk
    refuses."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".partial")
        os.fchmod(fd, 0o644)
        os.close(fd)
        return open(partial, "wb")  # noqa: SIM115 - closed by _settle or _discard
    except OSError:
        return None


def _discard(out) -> None:
    with contextlib.suppress(OSError):
        out.close()
    Path(out.name).unlink(missing_ok=True)


def _remove_other_stamps(current: Path) -> None:
    """Remove the kept files of every other stamp or code version (only directories
    named as this module names them), and partial files of this one that a dead
    worker left behind."""
    for entry in downloads_dir().iterdir():
        if entry.is_dir() and entry != current and KEPT_DIR.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for partial in current.glob("*.partial"):
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass
