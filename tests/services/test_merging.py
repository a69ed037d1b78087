import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict

from catalogue import models as m
from catalogue.services.merging import MergeError, merge_agents, merge_units, undo_merge
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    EventFactory,
    PublicationFactory,
    UnitFactory,
    staff_in_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return staff_in_group("Reviewer", username="rev")


# a merge and its undo are both saves: the lock counter and timestamp move on, the data not
VOLATILE = {"updated_at", "version"}


def snapshot():
    """Every row of every model a merge may touch, as plain dicts."""
    models_ = [
        m.Agent,
        m.AgentName,
        m.AgentIdentifier,
        m.Position,
        m.DocumentAgent,
        m.EventAgent,
        m.ArchivalUnit,
        m.Citation,
        m.ProvenanceEvent,
    ]
    state = {}
    for model in models_:
        state[model.__name__] = {
            row.pk: {k: v for k, v in model_to_dict(row).items() if k not in VOLATILE}
            for row in model.objects.all()
        }
    state["Document"] = {
        d.pk: (d.sender_id, d.recipient_id, d.unit_id) for d in m.Document.objects.all()
    }
    return state


@pytest.fixture
def duplicates():
    """Kuznetsov twice: once as the authority record, once as an import's misspelling."""
    survivor = AgentFactory(authorised_name="Vasily Kuznetsov")
    loser = AgentFactory(authorised_name="Vasily Kuznetzov")
    AgentNameFactory(agent=survivor, name="Vasily Kuznetsov", name_type=m.NameType.AUTHORISED)
    AgentNameFactory(agent=loser, name="Vasily Kuznetzov", name_type=m.NameType.AUTHORISED)
    AgentNameFactory(agent=loser, name="Kuznetzov", name_type=m.NameType.VARIANT)
    AgentNameFactory(agent=loser, name="Kuznetsov", name_type=m.NameType.VARIANT)
    AgentNameFactory(agent=survivor, name="Kuznetsov", name_type=m.NameType.VARIANT)
    shared = DocumentFactory(sender=loser, recipient=survivor)
    DocumentAgentFactory(document=shared, agent=loser, role=m.AgentRole.SENDER)
    DocumentAgentFactory(document=shared, agent=survivor, role=m.AgentRole.SENDER)
    DocumentAgentFactory(agent=loser, role=m.AgentRole.SPEAKER, name_as_written="Kuznetzov")
    event = EventFactory(document=shared)
    m.EventAgent.objects.create(event=event, agent=loser, role=m.AgentRole.DRAFTER)
    m.Position.objects.create(agent=loser, title="First Deputy Foreign Minister")
    m.AgentIdentifier.objects.create(
        agent=loser, source=m.IdentifierSource.WIKIDATA, url="https://www.wikidata.org/wiki/Q1"
    )
    UnitFactory(creator=loser)
    return survivor, loser


def test_merge_moves_everything_and_keeps_names_as_variants(duplicates, reviewer):
    survivor, loser = duplicates
    record = merge_agents(survivor=survivor, loser=loser, user=reviewer)

    assert not m.DocumentAgent.objects.filter(agent=loser).exists()
    assert not m.EventAgent.objects.filter(agent=loser).exists()
    assert not m.Position.objects.filter(agent=loser).exists()
    assert not m.ArchivalUnit.objects.filter(creator=loser).exists()
    assert not m.Document.objects.filter(sender=loser).exists()
    # the duplicate sender role on the shared document collapsed into one
    assert m.DocumentAgent.objects.filter(agent=survivor).count() == 2
    assert survivor.identifiers.count() == 1
    names = dict(survivor.names.values_list("name", "name_type"))
    assert names["Vasily Kuznetzov"] == m.NameType.MERGED
    assert names["Kuznetzov"] == m.NameType.VARIANT
    assert m.Agent.objects.named("Kuznetzov").get() == survivor
    loser.refresh_from_db()
    assert loser.merged_into == survivor
    assert list(m.Agent.objects.active()) == [survivor]
    assert record.moved_count >= 7
    assert "Merge #" in loser.history.latest().history_change_reason
    assert survivor.history.latest().history_user == reviewer


def test_undo_restores_exactly(duplicates, reviewer):
    survivor, loser = duplicates
    before = snapshot()
    record = merge_agents(survivor=survivor, loser=loser, user=reviewer)
    assert snapshot() != before
    undo_merge(record=record, user=reviewer)
    assert snapshot() == before
    record.refresh_from_db()
    assert record.undone_by == reviewer
    with pytest.raises(MergeError, match="already undone"):
        undo_merge(record=record, user=reviewer)


def test_chained_merges_undo_in_order(reviewer):
    a, b, c = AgentFactory.create_batch(3)
    DocumentAgentFactory(agent=c)
    before = snapshot()
    first = merge_agents(survivor=b, loser=c, user=reviewer)
    second = merge_agents(survivor=a, loser=b, user=reviewer)
    c.refresh_from_db()
    assert c.merged_into == a  # a merged record follows its survivor
    with pytest.raises(MergeError, match=f"Undo merge #{second.pk} first"):
        undo_merge(record=first, user=reviewer)
    undo_merge(record=second, user=reviewer)
    undo_merge(record=first, user=reviewer)
    assert snapshot() == before


def test_refusals(reviewer):
    person = AgentFactory()
    office = AgentFactory(kind=m.AgentKind.ORGANISATION)
    with pytest.raises(MergeError, match="same kind"):
        merge_agents(survivor=person, loser=office, user=reviewer)
    with pytest.raises(MergeError, match="itself"):
        merge_agents(survivor=person, loser=person, user=reviewer)
    cataloguer = staff_in_group("Cataloguer", username="cat")
    with pytest.raises(PermissionDenied):
        merge_agents(survivor=person, loser=AgentFactory(), user=cataloguer)
    assert not m.MergeRecord.objects.exists()


def test_merge_units_moves_documents_children_citations_and_undoes(reviewer):
    survivor = UnitFactory(title="OASD(C) A Files")
    loser = UnitFactory(title="OASD (C) A Files", repository=survivor.repository)
    child = UnitFactory(
        title="Cuba 1962", parent=loser, repository=survivor.repository, level=m.UnitLevel.FILE
    )
    doc = DocumentFactory(unit=loser)
    DocumentFactory(unit=child)
    citing = DocumentFactory()
    m.Citation.objects.create(
        document=citing, kind=m.CitationKind.CITES_ARCHIVAL, unit=loser, text="see"
    )
    EventFactory(document=doc, unit=loser, event_type=m.EventType.FILED)
    before = snapshot()
    version = doc.version

    record = merge_units(survivor=survivor, loser=loser, user=reviewer)
    doc.refresh_from_db()
    child.refresh_from_db()
    assert doc.unit == survivor
    assert doc.version == version + 1  # editors holding the old copy get a stale warning
    assert child.parent == survivor
    assert child.tree_path == f"{survivor.tree_path}{child.pk}/"
    assert m.Document.objects.in_unit(survivor).count() == 2  # its own and its child's
    assert not m.Citation.objects.filter(unit=loser).exists()

    undo_merge(record=record, user=reviewer)
    assert snapshot() == before
    child.refresh_from_db()
    assert child.tree_path == f"{loser.tree_path}{child.pk}/"


def test_unit_merge_refuses_colliding_children(reviewer):
    survivor = UnitFactory()
    loser = UnitFactory(repository=survivor.repository)
    for parent in (survivor, loser):
        UnitFactory(
            title="Cuba", parent=parent, repository=survivor.repository, level=m.UnitLevel.FILE
        )
    with pytest.raises(MergeError, match="collide"):
        merge_units(survivor=survivor, loser=loser, user=reviewer)
    assert m.ArchivalUnit.objects.get(pk=loser.pk).merged_into is None
    assert not m.MergeRecord.objects.exists()


def test_unit_merge_refuses_other_repository(reviewer):
    with pytest.raises(MergeError, match="same repository"):
        merge_units(survivor=UnitFactory(), loser=UnitFactory(), user=reviewer)


def test_position_organisation_moves_too(reviewer):
    mission = AgentFactory(kind=m.AgentKind.ORGANISATION, authorised_name="US Mission to the UN")
    dup = AgentFactory(kind=m.AgentKind.ORGANISATION, authorised_name="Mission to the UN")
    post = m.Position.objects.create(agent=AgentFactory(), title="Ambassador", organisation=dup)
    PublicationFactory()
    merge_agents(survivor=mission, loser=dup, user=reviewer)
    post.refresh_from_db()
    assert post.organisation == mission


def test_undo_refuses_cleanly_when_later_edits_conflict(reviewer):
    survivor, loser = AgentFactory.create_batch(2)
    role = DocumentAgentFactory(agent=survivor, role=m.AgentRole.SENDER)
    DocumentAgentFactory(document=role.document, agent=loser, role=m.AgentRole.SENDER)
    record = merge_agents(survivor=survivor, loser=loser, user=reviewer)
    # after the merge someone records the same role again under the deleted row's id
    deleted = next(c for c in record.changes if c["op"] == "delete")
    m.DocumentAgent.objects.create(
        pk=deleted["values"]["id"], document=role.document, agent=survivor, role="recipient"
    )
    with pytest.raises(MergeError, match="Cannot restore"):
        undo_merge(record=record, user=reviewer)
    record.refresh_from_db()
    loser.refresh_from_db()
    assert record.undone_at is None and loser.merged_into == survivor
