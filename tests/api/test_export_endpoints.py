import json

import pytest
from django.test import override_settings
from django.urls import reverse

from catalogue import models as m
from tests import factories as f
from tests.api.conftest import build_tree, rich_document


def ndjson_lines(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body == "" or body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def export(kind):
    return reverse("api:export", kwargs={"kind": kind})


@pytest.fixture
def catalogue(db):
    repository, papers, folder = build_tree()
    published = rich_document(unit=folder, n_related=2)
    draft = f.DocumentFactory(unit=f.UnitFactory(repository=repository), status="draft")
    secret = f.AgentFactory(authorised_name="Only in a draft")
    f.DocumentAgentFactory(document=draft, agent=secret)
    return {"published": published, "draft": draft, "secret": secret, "folder": folder}


def test_document_export_is_published_only_for_anonymous_clients(client, catalogue):
    rows = ndjson_lines(client.get(export("documents")))
    expected = m.Document.objects.published().order_by("pk")
    assert [r["id"] for r in rows] == list(expected.values_list("pk", flat=True))
    assert catalogue["draft"].pk not in {r["id"] for r in rows}


def test_each_exported_line_is_the_api_detail(client, catalogue):
    rows = ndjson_lines(client.get(export("documents")))
    for row in rows:
        assert row == client.get(reverse("api:document-detail", kwargs={"pk": row["id"]})).json()


def test_staff_export_everything(staff_client, catalogue):
    rows = ndjson_lines(staff_client.get(export("documents")))
    assert {r["status"] for r in rows} == {"published", "draft"}


def test_agents_units_and_repositories(client, catalogue):
    agents = ndjson_lines(client.get(export("agents")))
    assert catalogue["secret"].pk not in {a["id"] for a in agents}
    assert agents and all(set(a) >= {"id", "authorised_name", "names"} for a in agents)
    units = ndjson_lines(client.get(export("units")))
    by_id = {u["id"]: u for u in units}
    assert by_id[catalogue["folder"].pk]["path"] == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert catalogue["draft"].unit_id not in by_id
    repos = ndjson_lines(client.get(export("repositories")))
    assert [r["name"] for r in repos] == ["Department of State"]


def test_export_query_count_does_not_grow_with_the_catalogue(
    client, django_assert_max_num_queries, db
):
    unit = f.UnitFactory()
    for _ in range(3):
        rich_document(unit=unit, n_related=1)
    with django_assert_max_num_queries(12) as small:
        assert ndjson_lines(client.get(export("documents")))
    for _ in range(12):
        rich_document(unit=unit, n_related=4)
    with django_assert_max_num_queries(12) as large:
        assert len(ndjson_lines(client.get(export("documents")))) == 30
    assert len(large) == len(small)


def test_unknown_export_is_404(client, db):
    assert client.get(export("users")).status_code == 404


def test_anonymous_clients_are_throttled(client, db):
    limited = {"DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), **limited}):
        codes = [client.get(reverse("api:document-list")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        # Signed-in users are not subject to the anonymous rate.
        client.force_login(f.StaffFactory(username="boss"))
        assert client.get(reverse("api:document-list")).status_code == 200


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_staff_stream_is_byte_for_byte_the_backup_file(staff_client, catalogue, tmp_path):
    from django.core.management import call_command

    call_command("export_catalogue", str(tmp_path), verbosity=0)
    response = staff_client.get(export("documents"))
    assert b"".join(response.streaming_content) == (tmp_path / "documents.ndjson").read_bytes()
    assert (tmp_path / "documents.ndjson").read_bytes().count(b"\n") == m.Document.objects.count()
