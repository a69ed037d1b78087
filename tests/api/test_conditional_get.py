import pytest
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def doc(db):
    return f.DocumentFactory()


def test_detail_etag_answers_304_until_the_record_changes(client, doc):
    url = reverse("api:document-detail", kwargs={"pk": doc.pk})
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"v1-')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    doc.title = "Changed"
    doc.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag and changed.json()["title"] == "Changed"


def test_detail_last_modified_answers_if_modified_since(client, doc):
    url = reverse("api:document-detail", kwargs={"pk": doc.pk})
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}).status_code
        == 200
    )


def test_list_etag_changes_when_a_related_row_changes(client, doc):
    url = reverse("api:document-list")
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # A caveat added changes what the list shows, though the document row did not change.
    from catalogue.models import Caveat

    doc.caveats.add(Caveat.objects.get(name="Niact"))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_other_endpoints_are_conditional_too(client, doc):
    for url in (
        reverse("api:unit-detail", kwargs={"pk": doc.unit_id}),
        reverse("api:repository-list"),
        reverse("api:classification-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
