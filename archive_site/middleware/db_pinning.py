"""Read-your-writes for a visitor who just saved, when reads go to replicas.

A replica replays the primary's changes a little later; someone who saves a record and
is redirected to its page must not see the old version. Unsafe requests and requests
that wrote are answered with a short-lived signed cookie; while it is valid, that
visitor's reads go to the primary. Everyone else keeps reading from the replicas.
A cookie, not the session: reading the session would itself be a read to route.
"""

import time

from django.conf import settings
from django.core import signing

from archive_site import db_router

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SALT = "archive_site.db_pinning"


def pin_seconds() -> int:
    return int(getattr(settings, "DATABASE_PIN_SECONDS", 10))


def cookie_name() -> str:
    return getattr(settings, "DATABASE_PIN_COOKIE", "primary_pin")


class PrimaryPinningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        tokens = db_router.begin_request(unsafe or self._pinned_by_cookie(request))
        wrote = False
        try:
            response = self.get_response(request)
        finally:
            wrote = db_router.end_request(tokens)
        if wrote or unsafe:
            seconds = pin_seconds()
            response.set_signed_cookie(
                cookie_name(),
                str(int(time.time()) + seconds),
                salt=SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def _pinned_by_cookie(self, request) -> bool:
        try:
            until = request.get_signed_cookie(
                cookie_name(), default=None, salt=SALT, max_age=pin_seconds()
            )
        except signing.BadSignature:
            return False
        try:
            return until is not None and int(until) >= time.time()
        except ValueError:
            return False
