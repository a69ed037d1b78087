"""Leak-proof publication: no public channel shows draft, in-review or withdrawn
records, their agents' roles or their events — not in pages, search results, facet
counts, API lists/details/exports, the sitemap, OAI-PMH, EAD/EAC/PROV/IIIF/CSV.

Every URL pattern of the project is enumerated. Each is either covered here (requested
anonymously with the ids and slugs of unpublished records, and of a published control)
or allow-listed as not being a public channel. A new URL pattern that is neither makes
``test_every_url_pattern_is_covered_or_allow_listed`` fail until someone decides which
it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from catalogue import models as m
from tests.factories import UserFactory
from tests.security.world import CONTROL, World, build_world

# Patterns that are not public channels, and why.
ALLOW_LIST = {
    "admin/": "the staff admin: every view requires a staff login (tested by Django)",
}


GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def canonical(route: str) -> str:
    """``api/v1/^documents/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$`` and its path()
    spelling both become ``api/v1/documents/<pk>.<format>``: a changed lookup regex is
    not a new channel, a new resource is."""
    route = GROUP.sub(r"<\1>", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
    return route.replace("^", "").replace("$", "").replace("/?", "").replace("\\.", ".")


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if canonical(route) in ALLOW_LIST:
                yield route
                continue
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def all_routes() -> set[str]:
    return {canonical(route) for route in walk(get_resolver().url_patterns)}


# --- URL generators: (url, is_about_an_unpublished_record) ----------------------------

Url = tuple[str, bool]


def public(*urls) -> list[Url]:
    return [(u, False) for u in urls]


def per_document(build: Callable[[m.Document], str]):
    def urls(world: World) -> list[Url]:
        result = [(build(d), not d.is_public) for d in world.documents]
        return result

    return urls


def per_agent(build):
    def urls(world: World) -> list[Url]:
        return [(build(world.shared_agent), False)] + [
            (build(a), True) for a in world.secret_agents.values()
        ]

    return urls


def per_unit(build):
    def urls(world: World) -> list[Url]:
        return [(build(u), False) for u in world.units]

    return urls


def per_page(build):
    def urls(world: World) -> list[Url]:
        return [(build(p), not p.document.is_public) for p in world.pages.values()]

    return urls


def per_event(build):
    def urls(world: World) -> list[Url]:
        return [
            (build(e), not e.document.is_public)
            for e in m.ProvenanceEvent.objects.select_related("document")
        ]

    return urls


def search_queries(world: World) -> list[str]:
    queries = [
        {},
        {"q": "Memorandum"},
        {"q": "title"},
        {"q": CONTROL},
        {"status": "draft"},
        {"status": ["draft", "in_review", "withdrawn", "published"]},
        {"unit": world.secret_unit.pk},
        {"unit": world.shared_unit.pk},
        {"repository": world.repository.pk},
        {"agent": world.shared_agent.pk},
        {"subject": m.Subject.objects.order_by("pk").first().pk},
        {"page_size": 500},
        {"sort": "date"},
        {"date_from": "1962-10-01", "date_to": "1962-10-31"},
    ]
    # Queries that match the unpublished records without spelling a whole marker, so
    # a page echoing the query back is not mistaken for a leak.
    queries += [{"q": "zqleak*"}, {"q": "zqleak"}, {"q": "Body"}, {"q": "Footnote"}]
    for agent in world.secret_agents.values():
        queries.append({"agent": agent.pk})
    return [("?" + urlencode(q, doseq=True)) if q else "" for q in queries]


def with_queries(base: str):
    def urls(world: World) -> list[Url]:
        return public(*(base + q for q in search_queries(world)))

    return urls


def api_detail(name):
    def build(obj):
        return reverse(f"api:{name}-detail", kwargs={"pk": obj.pk})

    return build


def oai_urls(world: World) -> list[Url]:
    from catalogue.formats.oai import records

    prefixes = list(records.METADATA_FORMATS)
    urls = public(
        "/oai/?verb=Identify",
        "/oai/?verb=ListSets",
        "/oai/?verb=ListMetadataFormats",
    )
    for prefix in prefixes:
        urls += public(
            f"/oai/?verb=ListRecords&metadataPrefix={prefix}",
            f"/oai/?verb=ListIdentifiers&metadataPrefix={prefix}",
        )
        for document in world.documents:
            identifier = records.oai_identifier(document.pk)
            # OAI-PMH answers errors (idDoesNotExist) and deleted records with HTTP 200:
            # what it says is checked in test_oai_hides_drafts_and_tombstones_withdrawn.
            urls.append(
                (f"/oai/?verb=GetRecord&metadataPrefix={prefix}&identifier={identifier}", False)
            )
    return urls


def export_urls(world: World) -> list[Url]:
    from catalogue.formats import ndjson

    return public(*(f"/api/v1/export/{kind}.ndjson" for kind in ndjson.KINDS))


def doc_url(d, suffix=""):
    return f"/documents/{d.pk}/{suffix}"


COVERAGE: dict[str, Callable[[World], list[Url]]] = {
    # Public HTML
    "": with_queries("/"),
    "search/": with_queries("/search/"),
    "chronology/": with_queries("/chronology/"),
    "documents/<pk>/": per_document(lambda d: doc_url(d)),
    "documents/<pk>/history/": per_document(lambda d: doc_url(d, "history/")),
    "documents/<pk>/<slug>/": lambda w: (
        per_document(lambda d: doc_url(d, f"{d.slug}/"))(w)
        + per_document(lambda d: doc_url(d, "guessed-slug/"))(w)
    ),
    "agents/": with_queries("/agents/"),
    "agents/<pk>/<slug>/": per_agent(lambda a: f"/agents/{a.pk}/{a.slug or 'x'}/"),
    "units/<pk>/<slug>/": per_unit(lambda u: f"/units/{u.pk}/{u.slug or 'x'}/"),
    "repositories/": lambda w: public("/repositories/"),
    "repositories/<slug>/": lambda w: public(f"/repositories/{w.repository.slug}/"),
    "sitemap.xml": lambda w: public("/sitemap.xml"),
    "sitemap-<section>.xml": lambda w: public(
        *(f"/sitemap-{s}.xml" for s in ("pages", "documents", "agents", "units", "repositories")),
        "/sitemap-documents.xml?p=2",
    ),
    "robots.txt": lambda w: public("/robots.txt"),
    # Exchange formats
    "data/": lambda w: public("/data/"),
    "units/<pk>/ead.xml": per_unit(lambda u: f"/units/{u.pk}/ead.xml"),
    "agents/<pk>/eac.xml": per_agent(lambda a: f"/agents/{a.pk}/eac.xml"),
    "oai/": oai_urls,
    "documents/<pk>/prov.jsonld": per_document(lambda d: doc_url(d, "prov.jsonld")),
    "documents/<pk>/prov.ttl": per_document(lambda d: doc_url(d, "prov.ttl")),
    "prov/catalogue.ttl": lambda w: public("/prov/catalogue.ttl"),
    "prov/catalogue.jsonld": lambda w: public("/prov/catalogue.jsonld"),
    "documents/<pk>/manifest.json": per_document(lambda d: doc_url(d, "manifest.json")),
    "iiif/<pk>": per_page(lambda p: f"/iiif/{p.pk}"),
    "media/<path>": lambda w: [
        (getattr(p, role).url, not p.document.is_public)
        for p in w.pages.values()
        for role in ("image", "thumbnail", "web_image")
        if getattr(p, role)
    ],
    "iiif/<pk>/info.json": per_page(lambda p: f"/iiif/{p.pk}/info.json"),
    "iiif/<pk>/full/max/0/default.jpg": per_page(lambda p: f"/iiif/{p.pk}/full/max/0/default.jpg"),
    "export/documents.csv": with_queries("/export/documents.csv"),
    "export/agents.csv": lambda w: public("/export/agents.csv"),
    # API
    "api/v1/export/<kind>.ndjson": export_urls,
    "api/v1/documents/": with_queries("/api/v1/documents/"),
    "api/v1/documents.<format>": lambda w: public("/api/v1/documents.json"),
    "api/v1/documents/<pk>/": per_document(api_detail("document")),
    "api/v1/documents/<pk>.<format>": per_document(lambda d: f"/api/v1/documents/{d.pk}.json"),
    "api/v1/agents/": with_queries("/api/v1/agents/"),
    "api/v1/agents.<format>": lambda w: public("/api/v1/agents.json"),
    "api/v1/agents/<pk>/": per_agent(api_detail("agent")),
    "api/v1/agents/<pk>.<format>": per_agent(lambda a: f"/api/v1/agents/{a.pk}.json"),
    "api/v1/repositories/": lambda w: public("/api/v1/repositories/"),
    "api/v1/repositories.<format>": lambda w: public("/api/v1/repositories.json"),
    "api/v1/repositories/<pk>/": lambda w: public(f"/api/v1/repositories/{w.repository.pk}/"),
    "api/v1/repositories/<pk>.<format>": lambda w: public(
        f"/api/v1/repositories/{w.repository.pk}.json"
    ),
    "api/v1/units/": with_queries("/api/v1/units/"),
    "api/v1/units.<format>": lambda w: public("/api/v1/units.json"),
    "api/v1/units/<pk>/": per_unit(api_detail("unit")),
    "api/v1/units/<pk>.<format>": per_unit(lambda u: f"/api/v1/units/{u.pk}.json"),
    "api/v1/units/<pk>/ancestors/": per_unit(lambda u: f"/api/v1/units/{u.pk}/ancestors/"),
    "api/v1/units/<pk>/ancestors.<format>": per_unit(
        lambda u: f"/api/v1/units/{u.pk}/ancestors.json"
    ),
    "api/v1/units/<pk>/children/": per_unit(lambda u: f"/api/v1/units/{u.pk}/children/"),
    "api/v1/units/<pk>/children.<format>": per_unit(
        lambda u: f"/api/v1/units/{u.pk}/children.json"
    ),
    "api/v1/classifications/": lambda w: public("/api/v1/classifications/"),
    "api/v1/classifications.<format>": lambda w: public("/api/v1/classifications.json"),
    "api/v1/classifications/<pk>/": lambda w: public(
        *(
            f"/api/v1/classifications/{pk}/"
            for pk in m.ClassificationLevel.objects.values_list("pk", flat=True)
        )
    ),
    "api/v1/classifications/<pk>.<format>": lambda w: public(
        *(
            f"/api/v1/classifications/{pk}.json"
            for pk in m.ClassificationLevel.objects.values_list("pk", flat=True)
        )
    ),
    "api/v1/caveats/": lambda w: public("/api/v1/caveats/"),
    "api/v1/caveats.<format>": lambda w: public("/api/v1/caveats.json"),
    "api/v1/caveats/<pk>/": lambda w: public(
        *(f"/api/v1/caveats/{pk}/" for pk in m.Caveat.objects.values_list("pk", flat=True))
    ),
    "api/v1/caveats/<pk>.<format>": lambda w: public(
        *(f"/api/v1/caveats/{pk}.json" for pk in m.Caveat.objects.values_list("pk", flat=True))
    ),
    "api/v1/subjects/": lambda w: public("/api/v1/subjects/"),
    "api/v1/subjects.<format>": lambda w: public("/api/v1/subjects.json"),
    "api/v1/subjects/<pk>/": lambda w: public(
        *(f"/api/v1/subjects/{pk}/" for pk in m.Subject.objects.values_list("pk", flat=True))
    ),
    "api/v1/subjects/<pk>.<format>": lambda w: public(
        *(f"/api/v1/subjects/{pk}.json" for pk in m.Subject.objects.values_list("pk", flat=True))
    ),
    "api/v1/events/": with_queries("/api/v1/events/"),
    "api/v1/events.<format>": lambda w: public("/api/v1/events.json"),
    "api/v1/events/<pk>/": per_event(api_detail("event")),
    "api/v1/events/<pk>.<format>": per_event(lambda e: f"/api/v1/events/{e.pk}.json"),
    "api/v1/import-runs/": lambda w: public("/api/v1/import-runs/"),
    "api/v1/import-runs.<format>": lambda w: public("/api/v1/import-runs.json"),
    "api/v1/import-runs/<pk>/": lambda w: public(f"/api/v1/import-runs/{w.import_run.pk}/"),
    "api/v1/import-runs/<pk>.<format>": lambda w: public(
        f"/api/v1/import-runs/{w.import_run.pk}.json"
    ),
    "api/v1/": lambda w: public("/api/v1/"),
    "api/v1/<format>": lambda w: public("/api/v1/.json"),
    "api/schema/": lambda w: public("/api/schema/"),
    "api/docs/": lambda w: public("/api/docs/"),
    "api/redoc/": lambda w: public("/api/redoc/"),
}


def test_every_url_pattern_is_covered_or_allow_listed():
    routes = all_routes()
    unknown = sorted(r for r in routes if r not in COVERAGE and r not in ALLOW_LIST)
    assert unknown == [], (
        "New URL patterns must be covered by the leak test (COVERAGE) or allow-listed "
        f"with a reason (ALLOW_LIST): {unknown}"
    )
    stale = sorted(r for r in COVERAGE if r not in routes)
    assert stale == [], f"COVERAGE names patterns that no longer exist: {stale}"


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return data.decode("utf-8", errors="replace")


def leaks_in(response, body, secrets) -> list[str]:
    text = body.lower()
    headers = " ".join(f"{k}: {v}" for k, v in response.items()).lower()
    found = []
    for secret in secrets:
        for where, haystack in (("body", text), ("headers", headers)):
            index = haystack.find(secret)
            if index >= 0:
                found.append(f"{secret} in {where}: …{haystack[max(0, index - 80) : index + 40]}…")
    return found


@dataclass
class Crawl:
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)
    count: int = 0


def crawl(client, world) -> Crawl:
    """Request every covered URL; a server error is recorded (and the crawl goes on)
    so one broken view does not hide leaks elsewhere."""
    client.raise_request_exception = False
    result = Crawl()
    leaks, bodies = result.leaks, result.bodies
    secrets = world.markers
    for route, urls_for in COVERAGE.items():
        for url, about_unpublished in urls_for(world):
            response = client.get(url)
            result.count += 1
            if response.status_code >= 500:
                result.errors.append(f"{url} [{route}]: {response.status_code}")
                continue
            body = body_of(response)  # once: a streaming response can be read only once
            for leak in leaks_in(response, body, secrets):
                leaks.append(f"{url} [{route}] {response.status_code}: {leak}")
            if about_unpublished and response.status_code == 200:
                leaks.append(f"{url} [{route}]: 200 for an unpublished record")
            if response.status_code == 200:
                bodies[url] = body
    return result


@pytest.fixture
def world(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
    }
    return build_world()


def test_no_public_channel_shows_unpublished_records(client, world):
    result = crawl(client, world)
    assert result.leaks == [], "\n".join(result.leaks[:40])
    assert result.count > 150
    bodies = result.bodies
    # The channels are live: the published control is visible where it should be.
    for url in (
        world.control.get_absolute_url(),
        "/search/?q=" + CONTROL,
        "/api/v1/documents/",
        "/api/v1/export/documents.ndjson",
        "/export/documents.csv",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "/sitemap-documents.xml",  # /sitemap.xml is the index of sections
    ):
        assert url in bodies, f"{url} did not answer 200"
        assert CONTROL in bodies[url].lower() or str(world.control.pk) in bodies[url], url


def test_no_channel_shows_unpublished_records_to_a_signed_in_non_staff_user(client, world):
    client.force_login(UserFactory(username="reader"))
    result = crawl(client, world)
    assert result.leaks == [], "\n".join(result.leaks[:40])


def test_no_public_channel_answers_with_a_server_error(client, world):
    result = crawl(client, world)
    assert result.errors == [], "\n".join(result.errors)


VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"),
    re.compile(r"<responseDate>[^<]*</responseDate>"),
    re.compile(r"_:N[0-9a-f]{32}"),  # RDF blank-node labels are random per serialisation
]


def normalise(response) -> str:
    text = body_of(response)
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    content_type = response.get("Content-Type", "")
    if "ld+json" in content_type or "turtle" in content_type:
        # RDF serialisers do not keep triple order: compare the lines as a multiset.
        text = "\n".join(sorted(line.strip().rstrip(",") for line in text.splitlines()))
    return text


def test_lists_facets_and_counts_are_the_same_with_or_without_unpublished_records(client, world):
    """Counts leak even when titles do not ("3 results", "Telegram (4)"): every public
    list must answer exactly as if the unpublished records did not exist."""
    list_urls = [
        url
        for route, urls_for in COVERAGE.items()
        if route not in ("api/schema/", "api/docs/", "api/redoc/")
        for url, about_unpublished in urls_for(world)
        if not about_unpublished
    ]
    client.raise_request_exception = False
    before = {}
    for url in list_urls:
        response = client.get(url)
        before[url] = (response.status_code, normalise(response))
    # Drafts and records in review vanish entirely. A withdrawn record stays visible
    # in OAI-PMH only, as a deleted-record header (so harvesters drop it): by design.
    unpublished = list(world.unpublished.values())
    m.DocumentRelation.objects.filter(target__in=unpublished).delete()
    for document in unpublished:
        document.delete()
    list_urls = [u for u in list_urls if not u.startswith("/oai/")]
    differences = []
    for url in list_urls:
        response = client.get(url)
        after = (response.status_code, normalise(response))
        if after != before[url]:
            differences.append(diff_summary(url, before[url], after))
    assert differences == [], f"{len(differences)} URLs differ:\n" + "\n\n".join(differences[:15])


def diff_summary(url, before, after) -> str:
    import difflib

    lines = list(
        difflib.unified_diff(
            before[1].splitlines(), after[1].splitlines(), "with", "without", n=0, lineterm=""
        )
    )
    return f"{url} (status {before[0]} -> {after[0]}):\n" + "\n".join(lines[:12])


def test_oai_hides_drafts_and_tombstones_withdrawn(client, world):
    from catalogue.formats.oai import records

    for status, document in world.unpublished.items():
        for prefix in records.METADATA_FORMATS:
            identifier = records.oai_identifier(document.pk)
            body = body_of(
                client.get(
                    "/oai/",
                    {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": identifier},
                )
            )
            if status == "withdrawn":
                assert 'status="deleted"' in body and "<metadata" not in body
            else:
                assert 'code="idDoesNotExist"' in body
