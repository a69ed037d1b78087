"""Response headers and admin-login throttling that Django does not provide itself.

Django's ``SecurityMiddleware`` already sends HSTS, X-Content-Type-Options,
Referrer-Policy and Cross-Origin-Opener-Policy, and ``XFrameOptionsMiddleware`` the
X-Frame-Options header; this module adds what is missing rather than a second copy:

* ``ContentSecurityPolicyMiddleware`` — a strict policy (``script-src 'self'``, no inline
  script, ``frame-ancestors 'none'``). A dozen lines of our own instead of django-csp:
  the policy is one fixed header with no nonces or per-view exceptions, so a dependency
  (whose settings format changed incompatibly in 4.0) would buy nothing.
* ``AdminLoginRateLimitMiddleware`` — refuses admin login attempts after too many
  failures for one username from one address, so a password cannot be brute-forced.
  It counts in the catalogue's database (``catalogue.models.LoginFailure``), which
  every worker process and host shares, with one atomic statement per attempt.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

DEFAULT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # style="" attributes (a few admin templates use them) cannot run script; <style>
    # elements, which can exfiltrate through selectors, stay limited to our own files.
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy (and Permissions-Policy) to every response that does
    not already carry one, so a view with special needs can still set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        directives = getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_CSP
        self.policy = build_policy(directives)
        self.report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
        self.permissions = getattr(
            settings, "PERMISSIONS_POLICY", "camera=(), microphone=(), geolocation=(), payment=()"
        )

    def __call__(self, request):
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only" if self.report_only else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = self.policy
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response


class AdminLoginRateLimitMiddleware:
    """After ``LOGIN_RATE_LIMIT_ATTEMPTS`` failed admin logins for one username from one
    client address within ``LOGIN_RATE_LIMIT_WINDOW`` seconds, further attempts for that
    pair are refused with 429 until the window passes without an attempt. A successful
    login clears the count. A failure is what Django's login view does on bad credentials: it re-renders
    the form (200) instead of redirecting."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.attempts = int(getattr(settings, "LOGIN_RATE_LIMIT_ATTEMPTS", 5))
        self.window = int(getattr(settings, "LOGIN_RATE_LIMIT_WINDOW", 15 * 60))
        self._login_path = None
        from catalogue.models import LoginFailure

        self.failures = LoginFailure.objects

    @property
    def login_path(self):
        if self._login_path is None:
            try:
                self._login_path = reverse("admin:login")
            except NoReverseMatch:
                self._login_path = ""
        return self._login_path

    def __call__(self, request):
        if request.method != "POST" or not self.login_path or request.path != self.login_path:
            return self.get_response(request)
        failures = self.failures
        key = self.key_for(request)
        # Counted before the password is checked, so that attempts still in flight
        # count: checking first let a burst of N parallel requests all pass a count of
        # limit - 1. The count's window restarts at every attempt.
        if failures.add_attempt(key, window=self.window) > self.attempts:
            return self.refusal()
        try:
            response = self.get_response(request)
        except BaseException:
            failures.withdraw_attempt(key)
            raise
        if response.status_code in (301, 302, 303):
            failures.clear(key)
        elif response.status_code != 200:
            failures.withdraw_attempt(key)  # not a failed sign-in (CSRF, error page)
        return response

    def key_for(self, request) -> str:
        username = request.POST.get("username", "").strip().lower()
        address = request.META.get("REMOTE_ADDR", "")
        return hashlib.sha256(f"{username}\0{address}".encode()).hexdigest()

    def refusal(self) -> HttpResponse:
        minutes = max(1, self.window // 60)
        response = HttpResponse(
            f"Too many failed sign-in attempts for this account from your address. "
            f"Try again in {minutes} minutes.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(self.window)
        return response
