"""Regressions for what the security tests (tests/security/) found in the API."""

import json

import pytest
from django.urls import reverse

from catalogue import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    """A published document linking to a draft (bare link, and one with a printed
    label) and to a published document."""
    source = f.DocumentFactory(title="Published source")
    draft = f.DraftDocumentFactory(title="Secret draft target")
    shown = f.DocumentFactory(title="Published target")
    m.DocumentRelation.objects.create(
        source=source, target=draft, relation_type=m.RelationType.REFERS_TO
    )
    m.DocumentRelation.objects.create(
        source=source,
        target=draft,
        target_label="FRUS vol. XI, Document 97",
        target_document_number="97",
        relation_type=m.RelationType.REFERS_TO,
    )
    m.DocumentRelation.objects.create(
        source=source, target=shown, relation_type=m.RelationType.REFERS_TO
    )
    return source, draft, shown


def detail(document):
    return reverse("api:document-detail", kwargs={"pk": document.pk})


def export_lines(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def test_anonymous_detail_hides_links_to_unpublished_documents(client, linked):
    source, draft, shown = linked
    relations = client.get(detail(source)).json()["relations"]
    assert [r["target_id"] for r in relations] == [None, shown.pk]
    labelled = relations[0]
    assert labelled["target"] == "FRUS vol. XI, Document 97"
    assert labelled["target_document_number"] is None
    assert str(draft.pk) not in json.dumps(labelled)
    assert "Secret draft" not in json.dumps(relations)


def test_public_export_hides_links_to_unpublished_documents(client, linked):
    source, draft, shown = linked
    lines = export_lines(client.get(reverse("api:export", kwargs={"kind": "documents"})))
    (record,) = [line for line in lines if line["id"] == source.pk]
    assert [r["target_id"] for r in record["relations"]] == [None, shown.pk]
    assert record == client.get(detail(source)).json()


def test_staff_see_every_link(staff_client, linked):
    source, draft, shown = linked
    relations = staff_client.get(detail(source)).json()["relations"]
    assert [r["target_id"] for r in relations] == [draft.pk, draft.pk, shown.pk]
    lines = export_lines(staff_client.get(reverse("api:export", kwargs={"kind": "documents"})))
    (record,) = [line for line in lines if line["id"] == source.pk]
    assert record["relations"] == relations


def test_backup_records_keep_every_link(linked):
    from catalogue.formats import ndjson

    source, draft, shown = linked
    (record,) = [r for r in ndjson.records("documents") if r["id"] == source.pk]
    assert [r["target_id"] for r in record["relations"]] == [draft.pk, draft.pk, shown.pk]


@pytest.mark.parametrize("action", ["ancestors", "children"])
def test_unit_actions_accept_a_format_suffix(client, action):
    top = f.UnitFactory(title="Ball Papers")
    middle = f.UnitFactory(repository=top.repository, parent=top, title="Telcons")
    bottom = f.UnitFactory(repository=top.repository, parent=middle, title="Cuba")
    f.DocumentFactory(unit=bottom)  # units are public once they hold a published record
    url = f"/api/v1/units/{middle.pk}/{action}.json"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == client.get(f"/api/v1/units/{middle.pk}/{action}/").json()


@pytest.mark.parametrize(
    ("route", "names"),
    [
        ("subject", ["!!!", "???"]),
        ("repository", ["\u0001", "\u0002"]),
        ("classification", ["!!!", "???"]),
    ],
)
def test_names_that_slugify_alike_never_500(staff_client, route, names):
    url = reverse(f"api:{route}-list")
    extra = {"rank": 99} if route == "classification" else {}
    for name in names:
        response = staff_client.post(url, {"name": name, **extra}, content_type="application/json")
        assert response.status_code in (201, 400, 409), response.content
    slugs = [
        r["slug"]
        for r in staff_client.get(url, {"page_size": 100}).json()["results"]
        if r["name"] in names
    ]
    assert len(slugs) == len(set(slugs))


def test_a_taken_slug_is_a_field_level_400(staff_client):
    url = reverse("api:subject-list")
    first = staff_client.post(url, {"name": "Blockade"}, content_type="application/json")
    assert first.status_code == 201
    clash = staff_client.post(
        url, {"name": "Quarantine", "slug": first.json()["slug"]}, content_type="application/json"
    )
    assert clash.status_code == 400
    assert "slug" in clash.json()


def test_schema_declares_anonymous_reads_and_client_errors(client, db):
    schema = client.get("/api/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/documents/"]
    assert {} in listing["get"]["security"]
    assert {} not in listing["post"]["security"]
    assert {"400", "404"} <= set(listing["get"]["responses"])
    assert {"400", "401", "403", "409"} <= set(listing["post"]["responses"])
    runs = schema["paths"]["/api/v1/import-runs/"]["get"]
    assert {} not in runs["security"]
    assert {"401", "403"} <= set(runs["responses"])


def test_an_invalid_cursor_is_a_documented_404(client, db):
    response = client.get(reverse("api:document-list"), {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    schema = client.get("/api/schema/?format=json").json()
    assert "404" in schema["paths"]["/api/v1/documents/"]["get"]["responses"]
