"""Large public downloads kept as files until the catalogue changes.

The whole-catalogue CSV sheets and PROV dump, and the finding aids and authority
records of large units and agents, read the whole catalogue or tens of thousands of
rows: seconds to minutes of a web worker's CPU per request at 100,000 documents, on
URLs anyone can fetch repeatedly. Each is written once per state of the catalogue: the
first request streams it while a copy goes to ``CATALOGUE_DOWNLOADS_DIR``, and later
requests are sent that file, until the change stamp moves (any write to a table these
files show, ``catalogue.search.facets.change_stamp``).

Nothing stale is ever served, so a withdrawn document cannot linger in a download:

- files live in a directory named after the stamp, so a new stamp finds none, and the
  first file kept under it removes the directories of every older stamp;
- a copy is kept only if the stamp is the same after the last byte as before the first
  (a write in between could leave the file half old, half new);
- the rows are read on the primary, like ``catalogue.stamped``'s figures: a replica
  that has not replayed a withdrawal must not fill a file kept under the new stamp.
"""

import hashlib
import os
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
from catalogue.search.facets import change_stamp

# A partial file older than this was left by a worker that died mid-download.
STALE_PARTIAL_SECONDS = 3600


def downloads_dir() -> Path:
    return Path(settings.CATALOGUE_DOWNLOADS_DIR)


def kept_file(name: str, stamp: int) -> Path:
    return downloads_dir() / _stamp_dir_name(stamp) / name


def download_response(
    request,
    *,
    name: str,
    produce: Callable[[], Iterable[bytes]],
    content_type: str,
    disposition: str = "",
):
    """The download ``produce()`` streams, sent from its kept file when the catalogue
    has not changed since it was written. ``name`` identifies the download and the
    site address its links use (``site_name``). Answers ``If-None-Match`` with 304."""
    stamp = change_stamp()
    if stamp is None:  # no stamp to key on: always fresh
        response = StreamingHttpResponse(_on_primary(produce()), content_type=content_type)
        return _described(response, disposition)
    etag = _etag(name, stamp)
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return _not_modified(etag)
    path = kept_file(name, stamp)
    try:
        response = FileResponse(path.open("rb"), content_type=content_type)
    except OSError:  # not kept yet (or the directory cannot be read: made afresh)
        # Servers iterate a HEAD response's body and then drop it: make none.
        head = request.method == "HEAD"
        chunks = iter(()) if head else _kept_while_sent(produce(), path, stamp)
        response = StreamingHttpResponse(chunks, content_type=content_type)
    response["ETag"] = etag
    return _described(response, disposition)


def document_response(
    request,
    *,
    name: str,
    produce: Callable[[], bytes],
    content_type: str,
    disposition: str = "",
):
    """``download_response`` for a document made whole in memory (a finding aid, an
    authority record: bounded to a few megabytes), sent whole, with its length."""
    stamp = change_stamp()
    if stamp is None:
        with reads_from_primary():
            return _described(HttpResponse(produce(), content_type=content_type), disposition)
    etag = _etag(name, stamp)
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return _not_modified(etag)
    path = kept_file(name, stamp)
    try:
        content = path.read_bytes()
    except OSError:
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
    for _chunk in _kept_while_sent(produce(), path, stamp):
        pass
    return (path, True) if path.exists() else (None, False)


def site_name(base_url: str, name: str) -> str:
    """``name`` for one site address: the files hold absolute links."""
    return f"{hashlib.sha1(base_url.encode()).hexdigest()[:12]}-{name}"


def _stamp_dir_name(stamp: int) -> str:
    return f"s{stamp}".replace("-", "m")


def _etag(name: str, stamp: int) -> str:
    return f'"{_stamp_dir_name(stamp)}-{hashlib.sha1(name.encode()).hexdigest()[:12]}"'


def _not_modified(etag: str):
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def _described(response, disposition: str):
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def _on_primary(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Each chunk made with every read on the primary. Set around each step, not for
    the whole iteration: between chunks the server (and its middleware) runs."""
    iterator = iter(chunks)
    while True:
        with reads_from_primary():
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def _kept_while_sent(chunks: Iterable[bytes], path: Path, stamp: int) -> Iterator[bytes]:
    """Yield the chunks while writing them to a partial file, which becomes ``path``
    if the download completes and the catalogue did not change meanwhile. A failure to
    write (a full disk) stops the copy, never the download."""
    out = _partial_file(path)
    try:
        for chunk in _on_primary(chunks):
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
    """Keep the written copy under ``path`` if the stamp has not moved since."""
    out.close()
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".partial")
        os.close(fd)
        return open(partial, "wb")  # noqa: SIM115 - closed by _kept_while_sent
    except OSError:
        return None


def _discard(out) -> None:
    out.close()
    Path(out.name).unlink(missing_ok=True)


def _remove_other_stamps(current: Path) -> None:
    """Remove the files of every other stamp, and partial files of this one that a
    dead worker left behind."""
    for entry in downloads_dir().iterdir():
        if entry.is_dir() and entry != current:
            shutil.rmtree(entry, ignore_errors=True)
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for partial in current.glob("*.partial"):
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass
