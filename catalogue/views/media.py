"""Page images (files under MEDIA_ROOT), served only when their document is public.

A web server pointed at MEDIA_ROOT would hand out the scans of drafts and withdrawn
documents to anyone holding a link — the names are random, but links leak (a staff
member's shared URL, a browser history, a proxy log). So every ``/media/`` request comes
here: the path must be one of a DigitalObject's stored files (master, thumbnail or web
derivative — nothing else under MEDIA_ROOT is ever served), and the object's document
must be published, unless the visitor is staff allowed to see page images. Anything
else is a plain 404, the same answer as for a file that does not exist, so a guess
learns nothing.

Sending the bytes is left to the front-end server when it can: with
``MEDIA_ACCEL_REDIRECT_PREFIX`` set (nginx), the answer is an empty response carrying
``X-Accel-Redirect: <prefix><name>`` and nginx serves the file from an ``internal``
location; with ``MEDIA_X_SENDFILE`` (Apache mod_xsendfile, lighttpd), ``X-Sendfile``
with the absolute path. Otherwise Django streams it (development, tests, small sites).
Either way the response carries the file's Content-Type, an ETag (its recorded SHA-256
when there is one) and Last-Modified, and answers conditional requests with 304.
"""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views import View

from catalogue.models import DigitalObject

# The stored file, and the field holding its recorded checksum.
ROLES = (
    ("image", "checksum_sha256"),
    ("thumbnail", "thumbnail_sha256"),
    ("web_image", "web_sha256"),
)


def clean_name(path: str) -> str:
    """The storage name a request asks for, or 404 for anything that is not a plain
    relative path inside MEDIA_ROOT (``..``, absolute paths, backslashes, NUL, empty
    segments). The URL is already percent-decoded here, so an encoded slash or dot
    arrives as the character itself and meets the same test."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise Http404
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise Http404
    name = posixpath.normpath(path)
    if name != path:
        raise Http404
    return name


def visible_objects(user):
    if user.is_authenticated and user.is_staff and user.has_perm("catalogue.view_digitalobject"):
        return DigitalObject.objects.all()
    return DigitalObject.objects.public()


def lookup(queryset, name: str):
    """The object storing ``name``, and the checksum recorded for that file. Masters
    live under ``pages/<document id>/``, so their lookup goes through the document's
    index; derivatives are matched on their own columns."""
    parts = name.split("/")
    document_id = parts[1] if len(parts) == 3 and parts[0] == "pages" else ""
    # At most 18 ASCII digits: a longer number overflows the id column (a 500 on SQLite).
    if document_id.isascii() and document_id.isdigit() and len(document_id) <= 18:
        queryset = queryset.filter(document_id=int(document_id), image=name)
    elif name.startswith(DigitalObject._meta.get_field("thumbnail").upload_to):
        queryset = queryset.filter(thumbnail=name)
    elif name.startswith(DigitalObject._meta.get_field("web_image").upload_to):
        queryset = queryset.filter(web_image=name)
    else:
        queryset = queryset.filter(Q(image=name) | Q(thumbnail=name) | Q(web_image=name))
    fields = [field for role in ROLES for field in role]
    # width and height too: ImageField reads them when the object is loaded.
    obj = (
        queryset.select_related("document")
        .only(*fields, "width", "height", "document__status")
        .first()
    )
    if obj is None:
        raise Http404
    for file_field, checksum_field in ROLES:
        if getattr(obj, file_field).name == name:
            return obj, getattr(obj, checksum_field)
    raise Http404


class MediaFileView(View):
    http_method_names = ["get", "head"]

    def get(self, request, path):
        name = clean_name(path)
        obj, checksum = lookup(visible_objects(request.user), name)
        try:
            full_path = Path(default_storage.path(name))
            stat = full_path.stat()
        except (FileNotFoundError, NotADirectoryError) as missing:
            raise Http404 from missing
        etag = f'"{checksum}"' if checksum else f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        last_modified = int(stat.st_mtime)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"

        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = self.file_response(name, full_path, content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        # A withdrawn document's scans must not outlive it in shared caches for long;
        # an unpublished one's, seen by staff, must not enter them at all.
        if obj.document.is_public:
            response["Cache-Control"] = "public, max-age=3600"
        else:
            response["Cache-Control"] = "private, no-store"
        return response

    def file_response(self, name: str, full_path: Path, content_type: str):
        prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "")
        if prefix:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
            return response
        if getattr(settings, "MEDIA_X_SENDFILE", False):
            response = HttpResponse(content_type=content_type)
            response["X-Sendfile"] = str(full_path)
            return response
        return FileResponse(full_path.open("rb"), content_type=content_type)
