"""Security headers on every kind of page, and pages that keep working under them."""

import contextlib

import lxml.html
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import DocumentFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def inline_scripts(html: str) -> list[str]:
    """<script> elements without src that are not JSON-LD data blocks: what the CSP
    would block."""
    if not html.strip():
        return []
    tree = lxml.html.fromstring(html)
    found = []
    for script in tree.iter("script"):
        if script.get("src"):
            continue
        if (script.get("type") or "").strip().lower() in {
            "application/ld+json",
            "application/json",
        }:
            continue
        found.append(lxml.html.tostring(script, encoding="unicode")[:200])
    return found


def inline_handlers(html: str) -> list[str]:
    """on* event-handler attributes and javascript: URLs, also blocked by the CSP."""
    if not html.strip():
        return []
    tree = lxml.html.fromstring(html)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def assert_secure_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    unsafe = [name for name, values in directives.items() if "'unsafe-inline'" in values]
    assert unsafe == ["style-src-attr"]
    assert "'unsafe-eval'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_csp_clean(response):
    assert_secure_headers(response)
    if "html" in response.get("Content-Type", ""):
        html = response.content.decode()
        assert inline_scripts(html) == [], response.request["PATH_INFO"]
        assert inline_handlers(html) == [], response.request["PATH_INFO"]


def public_paths(document):
    paths = ["/", document.get_absolute_url()]
    if document.unit_id:
        paths.append(document.unit.get_absolute_url())
    for name in (
        "catalogue:search",
        "catalogue:chronology",
        "catalogue:agent-list",
        "catalogue:repository-list",
        "api-docs",
        "api-redoc",
    ):
        with contextlib.suppress(NoReverseMatch):  # pages other work may not have added
            paths.append(reverse(name))
    return paths


def test_public_pages_send_security_headers_and_no_inline_script(client, seed_catalogue):
    from catalogue.models import Document

    document = Document.objects.published().first() or DocumentFactory()
    for path in public_paths(document):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_csp_clean(response)


def test_not_found_and_errors_carry_headers_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_secure_headers(response)


def admin_paths():
    paths = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if admin.site._registry[model].has_add_permission is not None:
            paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return paths


def test_admin_works_under_the_csp(client, seed_catalogue):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_csp_clean(response)

    client.force_login(SuperuserFactory(username="csp-admin"))
    from catalogue.models import Document

    document = Document.objects.first()
    paths = admin_paths() + [
        reverse("admin:catalogue_document_change", args=[document.pk]),
        reverse("admin:catalogue_document_history", args=[document.pk]),
    ]
    checked = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            assert_csp_clean(response)
            checked += 1
    assert checked >= 10


def test_inline_script_detector_finds_inline_script():
    html = (
        '<html><body><script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/ld+json">{}</script><a onclick="x()">x</a></body></html>'
    )
    assert len(inline_scripts(html)) == 1
    assert len(inline_handlers(html)) == 1


def test_session_cookie_is_httponly(client):
    user = SuperuserFactory(username="cookie-admin")
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": "pw", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
