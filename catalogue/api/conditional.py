"""Conditional GET for API responses: ETag and Last-Modified, answered with 304.

The ETag hashes the rendered body, so it changes whenever anything a client sees
changes, related rows included. A document's ETag starts with its edit version
(``"v3-…"``) so a client can send it back in ``If-Match`` to update safely.
"""

import hashlib
import re

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.response import Response

VERSION_ETAG = re.compile(r'^\s*(?:W/)?"v(\d+)-')


def version_from_if_match(request) -> int | None:
    match = VERSION_ETAG.match(request.headers.get("If-Match", ""))
    return int(match.group(1)) if match else None


class ConditionalGetMixin:
    etag_prefix = ""
    last_modified = None

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.note_last_modified(page or [])
        return page

    def note_last_modified(self, objects):
        stamps = [
            obj.get("updated_at") if isinstance(obj, dict) else getattr(obj, "updated_at", None)
            for obj in objects
        ]
        stamps = [stamp for stamp in stamps if stamp is not None]
        if stamps:
            self.last_modified = max(stamps)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or not isinstance(response, Response)
            or response.status_code != 200
        ):
            return response
        response.render()
        digest = hashlib.sha256(response.content).hexdigest()[:32]
        etag = f'"{self.etag_prefix}{digest}"'
        response["ETag"] = etag
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        return get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )
