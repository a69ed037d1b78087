import pytest
from django.urls import reverse

from catalogue import models as m
from tests import factories as f
from tests.api.conftest import build_tree, rich_document


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def holdings(db):
    repository, papers, folder = build_tree()
    empty = f.UnitFactory(repository=repository, title="Draft-only papers")
    f.DocumentFactory(unit=folder)
    f.DocumentFactory(unit=empty, status=m.PublicationStatus.DRAFT)
    return {"repository": repository, "papers": papers, "folder": folder, "empty": empty}


def test_units_anonymous_see_only_units_with_published_documents(client, holdings):
    anon = {u["id"] for u in results(client.get(reverse("api:unit-list")))}
    assert anon == {holdings["papers"].pk, holdings["folder"].pk}
    assert (
        client.get(reverse("api:unit-detail", kwargs={"pk": holdings["empty"].pk})).status_code
        == 404
    )


def test_staff_see_every_unit(staff_client, holdings):
    staff = {u["id"] for u in results(staff_client.get(reverse("api:unit-list")))}
    assert holdings["empty"].pk in staff


def test_unit_tree_children_ancestors_and_filters(client, holdings):
    papers, folder = holdings["papers"], holdings["folder"]
    children = results(client.get(reverse("api:unit-children", kwargs={"pk": papers.pk})))
    assert [u["id"] for u in children] == [folder.pk]
    ancestors = client.get(reverse("api:unit-ancestors", kwargs={"pk": folder.pk})).json()
    assert [u["id"] for u in ancestors] == [papers.pk]
    detail = client.get(reverse("api:unit-detail", kwargs={"pk": folder.pk})).json()
    assert detail["path"] == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert detail["parent"] == papers.pk and detail["depth"] == 1
    roots = results(client.get(reverse("api:unit-list"), {"root": "true"}))
    assert [u["id"] for u in roots] == [papers.pk]
    within = results(client.get(reverse("api:unit-list"), {"within": papers.pk}))
    assert [u["id"] for u in within] == [folder.pk]


def test_unit_list_query_count_is_fixed(client, django_assert_num_queries, db):
    repository = f.RepositoryFactory()
    parent = f.UnitFactory(repository=repository)
    for _ in range(3):
        f.DocumentFactory(unit=f.UnitFactory(repository=repository, parent=parent, level="file"))
    with django_assert_num_queries(2):
        assert len(results(client.get(reverse("api:unit-list")))) == 4
    deeper = f.UnitFactory(repository=repository, parent=parent, level="file")
    for _ in range(8):
        unit = f.UnitFactory(repository=repository, parent=deeper, level="item")
        f.DocumentFactory(unit=unit)
    with django_assert_num_queries(2):
        assert len(results(client.get(reverse("api:unit-list")))) == 13


def test_agents_public_only_and_fixed_queries(client, django_assert_num_queries, db):
    shown = f.AgentFactory(authorised_name="Rusk, Dean")
    f.AgentNameFactory(agent=shown, name="Sec")
    hidden = f.AgentFactory(authorised_name="Secret Source")
    f.DocumentAgentFactory(agent=shown, document=f.DocumentFactory())
    f.DocumentAgentFactory(agent=hidden, document=f.DocumentFactory(status="draft"))
    with django_assert_num_queries(4):
        rows = results(client.get(reverse("api:agent-list")))
    assert [a["id"] for a in rows] == [shown.pk]
    assert [n["name"] for n in rows[0]["names"]] == ["Sec"]
    assert client.get(reverse("api:agent-detail", kwargs={"pk": hidden.pk})).status_code == 404
    for _ in range(5):
        agent = f.AgentFactory()
        f.AgentNameFactory(agent=agent)
        m.Position.objects.create(agent=agent, title="Ambassador")
        f.DocumentAgentFactory(agent=agent, document=f.DocumentFactory())
    with django_assert_num_queries(4):
        assert len(results(client.get(reverse("api:agent-list")))) == 6
    named = results(client.get(reverse("api:agent-list"), {"name": "sec"}))
    assert [a["id"] for a in named] == [shown.pk]


def test_repositories_and_vocabularies(client, django_assert_num_queries, holdings):
    with django_assert_num_queries(1):
        repos = results(client.get(reverse("api:repository-list")))
    assert repos[0]["name"] == "Department of State" and repos[0]["url"].endswith(
        "/repositories/department-of-state/"
    )
    with django_assert_num_queries(1):
        levels = results(client.get(reverse("api:classification-list")))
    assert [lv["rank"] for lv in levels] == sorted(lv["rank"] for lv in levels)
    assert "Niact" in {c["name"] for c in results(client.get(reverse("api:caveat-list")))}
    f.SubjectFactory(name="Quarantine")
    assert [s["slug"] for s in results(client.get(reverse("api:subject-list")))] == ["quarantine"]


def test_events_public_only_filterable_and_fixed_queries(client, django_assert_num_queries, db):
    doc = rich_document(n_related=2)
    f.EventFactory(document=f.DocumentFactory(status="draft"))
    with django_assert_num_queries(2):
        events = results(client.get(reverse("api:event-list")))
    assert {e["document"] for e in events} == {doc.pk}
    for e in events:
        assert e["agents"] == [r["name"] for r in e["agent_roles"]]
    agent_id = events[0]["agent_roles"][0]["id"]
    mine = results(client.get(reverse("api:event-list"), {"agent": agent_id}))
    assert [e["id"] for e in mine] == [events[0]["id"]]
    rich_document(n_related=5)
    with django_assert_num_queries(2):
        assert len(results(client.get(reverse("api:event-list")))) == 7


def test_import_runs_are_staff_only(client, db):
    run = f.ImportRunFactory(username="archivist")
    assert client.get(reverse("api:import-run-list")).status_code == 401
    client.force_login(f.UserFactory(username="plain"))
    assert client.get(reverse("api:import-run-list")).status_code == 403
    client.force_login(f.StaffFactory(username="staffer"))
    rows = results(client.get(reverse("api:import-run-list")))
    assert [r["id"] for r in rows] == [run.pk]
    detail = client.get(reverse("api:import-run-detail", kwargs={"pk": run.pk}))
    assert detail.json()["username"] == "archivist"


def test_detail_query_counts_are_fixed(client, django_assert_num_queries, holdings):
    agent = f.AgentFactory()
    f.DocumentAgentFactory(agent=agent, document=f.DocumentFactory())
    checks = [
        (reverse("api:unit-detail", kwargs={"pk": holdings["folder"].pk}), 2),
        (reverse("api:unit-ancestors", kwargs={"pk": holdings["folder"].pk}), 3),
        (reverse("api:agent-detail", kwargs={"pk": agent.pk}), 4),
        (reverse("api:repository-detail", kwargs={"pk": holdings["repository"].pk}), 1),
    ]
    for url, queries in checks:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
