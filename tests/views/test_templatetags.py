"""catalogue/templatetags/archive.py: the fast link helpers give what Django's general
machinery gives (QueryDict copies and urlencode, ``reverse``, the template loop)."""

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from catalogue.filters import Facet, FacetValue
from catalogue.models import Document
from catalogue.templatetags import archive
from tests.factories import DocumentFactory

from .conftest import parse

# --- the implementations the helpers replaced, kept here as the reference -------------


def _old_encode(params):
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def old_facet_url(params, facet, value):
    query = params.copy()
    query.pop("page", None)
    if facet.name in archive.MULTI_VALUED:
        param = facet.params[0]
        chosen = query.getlist(param)
        if value.value in chosen:
            chosen.remove(value.value)
        else:
            chosen.append(value.value)
        query.setlist(param, chosen)
    elif value.selected:
        for param in facet.params:
            query.pop(param, None)
    else:
        for param in facet.params:
            query.pop(param, None)
        for key, item in value.params.items():
            query[key] = item
    return _old_encode(query)


def old_remove_url(params, removal):
    query = params.copy()
    query.pop("page", None)
    for key, item in removal.items():
        if item is None:
            query.pop(key, None)
        else:
            query.setlist(key, [v for v in query.getlist(key) if v != item])
    return _old_encode(query)


def old_page_url(params, number):
    query = params.copy()
    query["page"] = number
    return _old_encode(query)


OLD_LOOP = Template(
    "{% load archive %}"
    "{% for value in facet.values %}\n"
    '        <li><a href="{% facet_url params facet value %}"{% if value.selected %}'
    ' aria-current="true" class="selected"{% endif %}><span class="facet-label">'
    '{% if value.selected %}<span aria-hidden="true">✓ </span>{% endif %}{{ value.label }}'
    '{% if value.note %} <span class="facet-note">({{ value.note|lower }})</span>{% endif %}'
    '</span> <span class="count">{{ value.count }}<span class="visually-hidden">'
    " {{ value.count|plural }}{% if value.selected %}, selected; activate to remove"
    "{% endif %}</span></span></a></li>\n        {% endfor %}"
)
NEW_TAG = Template("{% load archive %}{% facet_items params facet %}")

QUERIES = [
    "",
    "q=missiles",
    "q=missiles&type=telegram&classification=secret&repository=dos&sort=relevance",
    "type=telegram&type=memorandum&page=3&q=%22offensive+weapons%22",
    "agent=12&role=sender&q=Rusk&caveat=eyes-only&caveat=nodis",
    "date_from=1962-10-22&date_to=1962-10-22&sort=date",
    "q=caf%C3%A9+%26+%3Cb%3E&subject=cuba%2Fsoviet&type=",
]


def facets():
    """One facet of each shape: multi-valued, single-valued, agent/role pairs, days."""
    return [
        Facet(
            "type",
            "Type",
            [
                FacetValue("telegram", "Telegram", 1, selected=True, params={"type": "telegram"}),
                FacetValue("letter", "Letter", 12, params={"type": "letter"}),
            ],
            ("type",),
        ),
        Facet(
            "caveat",
            "Caveat",
            [FacetValue("nodis", "NODIS", 3, True, {"caveat": "nodis"})],
            ("caveat",),
        ),
        Facet(
            "subject",
            "Subject",
            [FacetValue("cuba/soviet", "Cuba & <Soviet>", 2, False, {"subject": "cuba/soviet"})],
            ("subject",),
        ),
        Facet(
            "repository",
            "Repository",
            [
                FacetValue("dos", "Department of State", 40, True, {"repository": "dos"}),
                FacetValue("jfk", "Kennedy Library", 0, False, {"repository": "jfk"}),
            ],
            ("repository",),
        ),
        Facet(
            "agent",
            "Person or office",
            [
                FacetValue(
                    "12:sender", "Rusk, Dean", 5, True, {"agent": "12", "role": "sender"}, "Sender"
                ),
                FacetValue(
                    "7:drafter", "Ball & Co", 1, False, {"agent": "7", "role": "drafter"}, "Drafter"
                ),
            ],
            ("agent", "role"),
        ),
        Facet(
            "day",
            "Day",
            [
                FacetValue(
                    "1962-10-22",
                    "Mon 22 Oct 1962",
                    9,
                    True,
                    {"date_from": "1962-10-22", "date_to": "1962-10-22"},
                ),
                FacetValue(
                    "1962-10-23",
                    "Tue 23 Oct 1962",
                    1,
                    False,
                    {"date_from": "1962-10-23", "date_to": "1962-10-23"},
                ),
            ],
            ("date_from", "date_to"),
        ),
    ]


@pytest.mark.parametrize("query", QUERIES)
def test_facet_url_equals_the_querydict_version(query):
    params = QueryDict(query)
    checked = 0
    for facet in facets():
        for value in facet.values:
            assert archive.facet_url(params, facet, value) == old_facet_url(params, facet, value)
            checked += 1
    assert checked == 10


@pytest.mark.parametrize("query", QUERIES)
def test_remove_and_page_urls_equal_the_querydict_version(query):
    params = QueryDict(query)
    removals = [
        {"type": "telegram"},
        {"type": "absent"},
        {"repository": None},
        {"agent": None, "role": None},
        {"caveat": "nodis"},
        {"nothere": "x"},
    ]
    for removal in removals:
        assert archive.remove_url(params, removal) == old_remove_url(params, removal)
    for number in [1, 2, "7"]:
        assert archive.page_url(params, number) == old_page_url(params, number)


def test_facet_url_does_not_change_the_parameters():
    params = QueryDict("type=telegram&q=x", mutable=True)
    for facet in facets():
        for value in facet.values:
            archive.facet_url(params, facet, value)
    assert params.lists() and dict(params.lists()) == {"type": ["telegram"], "q": ["x"]}


@pytest.mark.parametrize("query", QUERIES)
def test_facet_items_render_as_the_template_loop(query):
    params = QueryDict(query)
    for facet in facets():
        context = {"params": params, "facet": facet}
        old = OLD_LOOP.render(Context(context))
        assert NEW_TAG.render(Context(context)) == old
        assert "<Soviet>" not in old
        raw = OLD_LOOP.render(Context(context, autoescape=False))
        assert NEW_TAG.render(Context(context, autoescape=False)) == raw


def test_fixed_url_is_reverse_under_the_script_prefix():
    assert archive.fixed_url("catalogue:search") == reverse("catalogue:search") == "/search/"
    try:
        set_script_prefix("/archive/")
        assert archive.fixed_url("catalogue:search") == "/archive/search/"
        assert archive.fixed_url("catalogue:home") == reverse("catalogue:home") == "/archive/"
    finally:
        set_script_prefix("/")
    assert archive.fixed_url("catalogue:search") == "/search/"


def test_fixed_url_for_a_missing_route():
    assert archive.fixed_url("catalogue:no-such-page", missing_ok=True) == ""
    with pytest.raises(NoReverseMatch):
        archive.fixed_url("catalogue:no-such-page")


@pytest.mark.django_db
def test_document_url_is_get_absolute_url():
    for title in ["Telegram From the Embassy", "Café — Ñandú?", "x"]:
        document = DocumentFactory(title=title)
        assert archive.document_url(document) == document.get_absolute_url()
    document = Document.objects.first()
    document.slug = "a b/c"  # what reverse refuses, it refuses here too
    with pytest.raises(NoReverseMatch):
        archive.document_url(document)


@pytest.mark.django_db
def test_pages_link_under_the_script_prefix(client):
    """The prefix WSGIHandler sets from SCRIPT_NAME (the test client does not set it)."""
    document = DocumentFactory(title="Letter", status="published")
    try:
        set_script_prefix("/archive/")
        tree = parse(client.get("/search/", {"q": "Letter"}))
    finally:
        set_script_prefix("/")
    nav = [a.get("href") for a in tree.cssselect("header a, footer a")]
    assert "/archive/search/" in nav and "/archive/" in nav
    assert all(href.startswith("/archive/") for href in nav)
    results = [a.get("href") for a in tree.cssselect(".result-title a")]
    assert results == [f"/archive{document.get_absolute_url()}"]
    # the next request without a prefix is not served the prefixed links
    tree = parse(client.get("/search/", {"q": "Letter"}))
    assert "/search/" in [a.get("href") for a in tree.cssselect("header a")]
    assert [a.get("href") for a in tree.cssselect(".result-title a")] == [
        document.get_absolute_url()
    ]
