"""Playwright driving Debian's Chromium (never a browser downloaded by Playwright).

Playwright's sync API runs an event loop in the test thread, which makes Django think
it is in async code; the tests only touch the database from that thread before and
after driving the browser, so the guard is lifted here.
"""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="module", autouse=True)
def _allow_database_access_beside_playwright():
    # Only while a browser module runs: a process-wide setting would leak into other
    # tests (and into `check --deploy` subprocesses, which rightly refuse it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests are required under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot


@pytest.fixture
def published_seed(transactional_db):
    """The bundled seed catalogue, every document published."""
    from django.core.management import call_command

    from catalogue.models import Document

    call_command("loaddata", "fixtures/seed_catalogue.json", verbosity=0)
    Document.objects.update(status="published")
    return Document.objects.order_by("pk")
