"""Deployment safety: `check --deploy` is clean in production, admin login resists brute
force, and oversized request bodies are refused rather than crashing."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.urls import reverse

from tests.factories import SuperuserFactory

ROOT = Path(__file__).resolve().parents[2]


def run_prod(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "archive_site.settings.prod", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# drf-spectacular's W001 ("unable to guess the type of a filter") is about the quality
# of the generated API schema, not about deployment safety; it is reported separately.
TOLERATED = ("drf_spectacular.W001",)


def test_check_deploy_is_clean_with_production_settings():
    result = run_prod(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="archive.example.org",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    issues = re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", output)
    assert [issue for issue in issues if issue not in TOLERATED] == [], output


def test_check_deploy_catches_a_weakened_production_setting():
    """The check is real: switching HSTS off in production makes it fail."""
    result = run_prod(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="archive.example.org",
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_headers_and_cookies():
    code = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF,"
        " 'archive_site.middleware.security.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE,"
        " 'archive_site.middleware.security.AdminLoginRateLimitMiddleware' in s.MIDDLEWARE)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"SECURE_HSTS_SECONDS", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "archive_site.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "archive.example.org",
            "SECURE_HSTS_SECONDS": "600",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "True", "True", "True", "DENY", "True", "True", "True"]


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_admin_login_is_rate_limited(client, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 3
    SuperuserFactory(username="curator")
    for _ in range(3):
        response = login(client, "curator", "wrong")
        assert response.status_code == 200  # the form again, with an error
    refused = login(client, "curator", "pw")  # even the right password, now
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session

    # Another address, or another account, is not locked out by this attacker.
    assert login(client, "curator", "pw", address="10.0.0.2").status_code == 302
    client.logout()
    SuperuserFactory(username="other")
    assert login(client, "other", "pw").status_code == 302


@pytest.mark.django_db
def test_successful_login_resets_the_count(client, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 3
    SuperuserFactory(username="curator")
    for _ in range(2):
        assert login(client, "curator", "wrong").status_code == 200
    assert login(client, "curator", "pw").status_code == 302
    client.logout()
    for _ in range(2):
        assert login(client, "curator", "wrong").status_code == 200
    assert login(client, "curator", "pw").status_code == 302


@pytest.mark.django_db
def test_username_case_does_not_evade_the_limit(client, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 2
    SuperuserFactory(username="curator")
    assert login(client, "curator", "wrong").status_code == 200
    assert login(client, "CURATOR", "wrong").status_code == 200
    assert login(client, "Curator", "pw").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_attempts_still_in_flight_count_towards_the_limit(rf, settings):
    """A burst of parallel guesses: while the first is still checking its password, the
    second is already over a limit of one (the count used to be read before and
    written after the password check, so every request of a burst saw the old count)."""
    import threading

    from archive_site.middleware.security import AdminLoginRateLimitMiddleware

    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 1
    checking, release = threading.Event(), threading.Event()

    def slow_failed_login(request):
        checking.set()
        release.wait(10)
        return HttpResponse("form again", status=200)

    middleware = AdminLoginRateLimitMiddleware(slow_failed_login)
    guess = {"username": "curator", "password": "wrong"}
    results = []
    first = threading.Thread(
        target=lambda: results.append(middleware(rf.post(reverse("admin:login"), guess)))
    )
    first.start()
    try:
        assert checking.wait(10)
        assert middleware(rf.post(reverse("admin:login"), guess)).status_code == 429
    finally:
        release.set()
        first.join(10)
    assert [r.status_code for r in results] == [200]


@pytest.mark.django_db
def test_a_request_that_is_not_a_failed_login_is_not_counted(rf, settings):
    """A CSRF refusal or an error page is not a wrong password: no lockout from them."""
    from archive_site.middleware.security import AdminLoginRateLimitMiddleware

    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 2
    forbidden = AdminLoginRateLimitMiddleware(lambda request: HttpResponse(status=403))
    guess = {"username": "curator", "password": "wrong"}
    for _ in range(5):
        assert forbidden(rf.post(reverse("admin:login"), guess)).status_code == 403
    failed = AdminLoginRateLimitMiddleware(lambda request: HttpResponse(status=200))
    assert [failed(rf.post(reverse("admin:login"), guess)).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]


@pytest.mark.django_db
def test_too_large_form_body_is_refused_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    big = "x" * 200_000
    response = client.post(reverse("admin:login"), {"username": big, "password": "x"})
    assert response.status_code in (400, 413)
    for path in ("/", "/search/"):
        response = client.post(path, {"q": big})
        assert response.status_code in (400, 403, 404, 405, 413), path


@pytest.mark.django_db
def test_too_large_api_body_is_refused_and_nothing_is_stored(client, settings):
    import json

    from catalogue.models import Subject

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client.force_login(SuperuserFactory(username="api-writer"))
    client.raise_request_exception = False
    big = json.dumps({"name": "Huge subject", "scope_note": "y" * 200_000})
    response = client.post("/api/v1/subjects/", big, content_type="application/json")
    assert response.status_code in (400, 413)
    assert not Subject.objects.filter(name="Huge subject").exists()
    small = json.dumps({"name": "Small subject", "scope_note": "y" * 1000})
    assert (
        client.post("/api/v1/subjects/", small, content_type="application/json").status_code == 201
    )
