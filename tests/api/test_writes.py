import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from catalogue import models as m
from tests import factories as f

LIST = "/api/v1/documents/"


def detail(pk):
    return reverse("api:document-detail", kwargs={"pk": pk})


def payload(**extra):
    return {
        "title": "Telegram From the Mission to the UN to the Department of State",
        "doc_type": "telegram",
        "collection": f.CollectionFactory().name,
        "date": "1962-10-26",
        "date_precision": "day",
        "classification": "Secret",
        "caveats": ["Eyes Only", "Niact"],
        "routing": ["Dept pass White House."],
        "status": "draft",
        **extra,
    }


@pytest.fixture
def api(client, archivist):
    client.force_login(archivist)
    return client


def test_anonymous_and_unpermitted_users_cannot_write(client, db):
    anonymous = client.post(LIST, payload(), content_type="application/json")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    client.force_login(f.UserFactory(username="reader"))
    assert client.post(LIST, payload(), content_type="application/json").status_code == 403
    assert not m.Document.objects.exists()


def test_an_archivist_creates_a_document(api):
    response = api.post(LIST, payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    doc = m.Document.objects.get(pk=data["id"])
    assert doc.status == "draft" and doc.version == 1
    assert sorted(doc.caveats.values_list("name", flat=True)) == ["Eyes Only", "Niact"]
    assert data["caveats"] == [c.name for c in doc.caveats.all()]
    assert data["date"]["value"] == "1962-10-26"


def test_validation_errors_are_field_level_400s(api):
    bad = payload(title="", doc_type="no-such-type", caveats=["Nonsense"], routing="text")
    response = api.post(LIST, bad, content_type="application/json")
    assert response.status_code == 400
    assert {"title", "doc_type", "caveats", "routing"} <= response.json().keys()

    # The model's own rules come back per field too.
    month = payload(date="1962-10-26", date_precision="month")
    assert "date" in api.post(LIST, month, content_type="application/json").json()
    unsure = payload(date_certainty="conjectural")
    assert "date_note" in api.post(LIST, unsure, content_type="application/json").json()
    assert not m.Document.objects.exists()


def test_update_with_the_version_read_succeeds_and_bumps_it(api):
    doc = f.DocumentFactory(status="draft")
    response = api.patch(
        detail(doc.pk), {"title": "New title", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    doc.refresh_from_db()
    assert (doc.title, doc.version) == ("New title", 2)


def test_a_stale_update_is_rejected_with_409_and_changes_nothing(api):
    doc = f.DocumentFactory(status="draft", title="Theirs")
    m.Document.objects.filter(pk=doc.pk).update(version=2)  # someone else saved first
    response = api.patch(
        detail(doc.pk), {"title": "Mine", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    doc.refresh_from_db()
    assert doc.title == "Theirs"


def test_if_match_carries_the_version_in_the_etag(api):
    doc = f.DocumentFactory(status="draft")
    etag = api.get(detail(doc.pk))["ETag"]
    ok = api.patch(
        detail(doc.pk),
        {"place": "New York"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert ok.status_code == 200
    stale = api.patch(
        detail(doc.pk),
        {"place": "Moscow"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert stale.status_code == 409
    doc.refresh_from_db()
    assert doc.place == "New York"


def test_an_update_without_a_version_is_a_400(api):
    doc = f.DocumentFactory(status="draft")
    response = api.patch(detail(doc.pk), {"title": "x"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()


def test_put_replaces_and_sets_vocabularies(api):
    doc = f.DocumentFactory(status="draft")
    doc.caveats.add(m.Caveat.objects.get(name="Exdis"))
    body = payload(version=1, caveats=["Nodis"], subjects=[f.SubjectFactory(name="UN").name])
    response = api.put(detail(doc.pk), body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["caveats"] == ["Nodis"] and response.json()["subjects"] == ["UN"]


def test_delete_needs_permission_and_honours_if_match(api, client):
    doc = f.DocumentFactory(status="draft")
    stale = api.delete(detail(doc.pk), headers={"If-Match": '"v7-abc"'})
    assert stale.status_code == 409
    assert api.delete(detail(doc.pk)).status_code == 204
    assert not m.Document.objects.filter(pk=doc.pk).exists()


def test_token_authentication(client, archivist):
    token = Token.objects.create(user=archivist)
    response = client.post(
        LIST,
        payload(),
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201
    bad = client.post(
        LIST, payload(), content_type="application/json", headers={"Authorization": "Token nope"}
    )
    assert bad.status_code == 401


def test_units_validate_their_tree_and_refuse_protected_deletes(api):
    repository = f.RepositoryFactory()
    series = f.UnitFactory(repository=repository, level=m.UnitLevel.SERIES)
    url = reverse("api:unit-list")
    wrong = api.post(
        url,
        {"repository": repository.pk, "parent": series.pk, "level": "collection", "title": "X"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "level" in wrong.json()
    made = api.post(
        url,
        {"repository": repository.pk, "parent": series.pk, "level": "file", "title": "Folder"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["tree_path"] == f"{series.tree_path}{made.json()['id']}/"
    refused = api.delete(reverse("api:unit-detail", kwargs={"pk": series.pk}))
    assert refused.status_code == 409
    assert m.ArchivalUnit.objects.filter(pk=series.pk).exists()


def test_agents_and_vocabulary_are_writable_with_permissions(api):
    agent = api.post(
        reverse("api:agent-list"),
        {"authorised_name": "Kuznetsov, Vasily", "kind": "person"},
        content_type="application/json",
    )
    assert agent.status_code == 201 and agent.json()["slug"] == "kuznetsov-vasily"
    subject = api.post(
        reverse("api:subject-list"), {"name": "Blockade"}, content_type="application/json"
    )
    assert subject.status_code == 201 and subject.json()["slug"] == "blockade"
    # No permission on classification levels was granted to this archivist.
    level = api.post(
        reverse("api:classification-list"),
        {"name": "Cosmic", "rank": 99},
        content_type="application/json",
    )
    assert level.status_code == 403


def test_dates_round_trip_through_writes(api):
    response = api.post(
        LIST,
        payload(time="10:59", received_time="22:05", date="1962-10-01", date_precision="month"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    doc = m.Document.objects.get(pk=response.json()["id"])
    assert doc.time == datetime.time(10, 59) and response.json()["received_time"] == "22:05"
