"""A visitor's path through the public catalogue, in a real browser."""

import re

import pytest

pytestmark = [pytest.mark.browser]


def in_viewport(page, selector):
    return page.evaluate(
        """(selector) => {
            const r = document.querySelector(selector).getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight;
        }""",
        selector,
    )


def test_search_narrow_read_footnote_agent_and_tree(
    browser, live_server, published_seed, screenshots
):
    telegram = published_seed.get(pk=2)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    base = live_server.url

    # Home: search for a word from a seed text.
    page.goto(base + "/")
    screenshots(page, "01-home-desktop")
    page.get_by_label("Search the full text, footnotes, source notes and names").fill("dismantling")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=dismantling"))
    assert page.locator(".result").count() == 2
    assert page.locator(".snippet mark").first.inner_text().lower() == "dismantling"
    screenshots(page, "02-search-results")

    # Narrow with two facets, the first by keyboard only.
    telegram_facet = page.locator("section[aria-labelledby=facet-type] a", has_text="Telegram")
    telegram_facet.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"type=telegram"))
    assert page.locator(".result").count() == 1
    page.locator("section[aria-labelledby=facet-classification] a", has_text="Confidential").click()
    page.wait_for_url(re.compile(r"classification=confidential"))
    assert "q=dismantling" in page.url and "type=telegram" in page.url
    assert page.locator(".result").count() == 1
    assert page.locator(".active-filters .chip").count() == 2
    screenshots(page, "03-search-narrowed")

    # Open the document.
    page.locator(".result-title a").first.click()
    page.wait_for_url(re.compile(re.escape(telegram.get_absolute_url()) + "$"))
    assert page.locator("h1").inner_text() == telegram.title
    screenshots(page, "04-document")

    # Footnote marker → footnote → back to the marker.
    page.locator("sup#fnref-1 a").click()
    page.wait_for_url(re.compile(r"#fn-1$"))
    assert in_viewport(page, "#fn-1")
    assert "Gilpatric" in page.locator("#fn-1").inner_text()
    page.screenshot(path=str(_path("05-footnote")))
    page.locator("#fn-1 a.fn-back").click()
    page.wait_for_url(re.compile(r"#fnref-1$"))
    assert in_viewport(page, "#fnref-1")

    # The drafter's agent page.
    page.locator("dl.roles a", has_text="Akalovsky").click()
    page.wait_for_url(re.compile(r"/agents/\d+/"))
    assert page.locator("h1").inner_text() == "Alexander Akalovsky"
    assert (
        page.locator(".role-group", has_text="Drafter")
        .locator("a", has_text=telegram.title)
        .count()
        == 1
    )
    screenshots(page, "06-agent")

    # Walk the repository tree back to the document.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Repositories").click()
    page.wait_for_url(re.compile(r"/repositories/$"))
    screenshots(page, "07-repositories")
    page.get_by_role("link", name="New York Federal Records Center").click()
    page.wait_for_url(re.compile(r"/repositories/new-york-federal-records-center/$"))
    screenshots(page, "08-repository-tree")
    page.locator("ul.tree a", has_text="USUN Files").click()
    page.wait_for_url(re.compile(r"/units/\d+/usun-files/$"))
    assert "NYFRC 84-84-001" in page.locator("main").inner_text()
    page.locator("ul.tree a", has_text="October-November Meetings").click()
    page.wait_for_url(re.compile(r"/units/\d+/october-november-meetings/$"))
    screenshots(page, "09-unit")
    page.locator(".result-title a", has_text=telegram.title).click()
    page.wait_for_url(re.compile(re.escape(telegram.get_absolute_url()) + "$"))
    assert page.locator("h1").inner_text() == telegram.title
    page.close()


def test_pages_fit_a_phone(browser, live_server, published_seed, screenshots):
    telegram = published_seed.get(pk=2)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for name, path in [
        ("10-home-phone", "/"),
        ("11-search-phone", "/search/?q=kuznetsov"),
        ("12-document-phone", telegram.get_absolute_url()),
        ("13-chronology-phone", "/chronology/"),
    ]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
        screenshots(page, name)
    # the focus ring is visible on keyboard navigation
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.close()


def _path(name):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
