"""Every public page: one h1, a language, labelled controls, no outside assets."""

import pytest
from django.urls import reverse

from .conftest import parse


def public_urls(world):
    return [
        "/",
        "/search/",
        "/search/?q=quarantine&type=telegram",
        world["published"].get_absolute_url(),
        f"/documents/{world['published'].pk}/history/",
        world["withdrawn"].get_absolute_url(),
        "/agents/",
        world["agent"].get_absolute_url(),
        "/repositories/",
        world["repository"].get_absolute_url(),
        world["file"].get_absolute_url(),
        "/chronology/",
        "/no-such-page/",
    ]


@pytest.mark.django_db
def test_pages_are_accessible_and_self_contained(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        tree = parse(response)
        assert tree.get("lang") == "en", url
        assert len(tree.cssselect("h1")) == 1, url
        assert tree.cssselect('meta[name="viewport"]'), url
        assert tree.cssselect("a.skip-link[href='#main']") and tree.cssselect("main#main"), url
        labels = {label.get("for") for label in tree.cssselect("label[for]")}
        for control in tree.cssselect("input, select, textarea"):
            if control.get("type") in ("hidden", "submit"):
                continue
            assert control.get("id") in labels or control.get("aria-label"), (url, control.attrib)
        for element, attribute in [("link", "href"), ("script", "src"), ("img", "src")]:
            for node in tree.cssselect(f"{element}[{attribute}]"):
                if element == "link" and node.get("rel") in ("canonical", "schema.DC"):
                    continue
                value = node.get(attribute)
                assert value.startswith("/") or value.startswith("http://testserver"), (url, value)
        ids = [node.get("id") for node in tree.cssselect("[id]")]
        assert len(ids) == len(set(ids)), url


def test_stylesheet_is_served_by_the_project(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("catalogue/site.css")
    assert path
    with open(path, encoding="utf-8") as handle:
        css = handle.read()
    assert "@import" not in css and "url(http" not in css
    assert ":focus-visible" in css and "@media (max-width" in css
    assert reverse("catalogue:home") == "/"
