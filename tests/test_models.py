"""Model rules: constraints, validation, derived fields, named QuerySets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_vocabulary_is_ordered_and_complete():
    names = list(m.ClassificationLevel.objects.values_list("name", flat=True))
    assert (
        names.index("Unclassified") < names.index("Official Use Only") < names.index("Confidential")
    )
    assert names.index("Confidential") < names.index("Secret") < names.index("Top Secret")
    assert m.ClassificationLevel.objects.get(name="No classification marking").is_marking is False
    assert m.Caveat.objects.get(name="Niact").kind == m.CaveatKind.PRECEDENCE
    assert m.Caveat.objects.get(name="Eyes Only").kind == m.CaveatKind.CAVEAT
    assert m.DocumentType.objects.filter(key="memorandum_of_telephone_conversation").exists()


def test_unit_tree_path_and_descendants():
    top = f.UnitFactory(title="Ball Papers", identifier="Lot 74 D 272", identifier_scheme="lot")
    child = f.UnitFactory(
        repository=top.repository, parent=top, title="Telcons--Cuba", level=m.UnitLevel.FILE
    )
    assert top.tree_path == f"/{top.pk}/"
    assert child.tree_path == f"/{top.pk}/{child.pk}/"
    assert child.depth == 1
    assert child.path_labels() == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert list(m.ArchivalUnit.objects.descendants_of(top)) == [child]


def test_moving_a_unit_moves_its_descendants():
    repo = f.RepositoryFactory()
    a = f.UnitFactory(repository=repo, title="A")
    b = f.UnitFactory(repository=repo, title="B")
    file_ = f.UnitFactory(repository=repo, parent=a, title="F", level=m.UnitLevel.SERIES)
    item = f.UnitFactory(repository=repo, parent=file_, title="I", level=m.UnitLevel.ITEM)
    file_.parent = b
    file_.save()
    item.refresh_from_db()
    assert item.tree_path == f"/{b.pk}/{file_.pk}/{item.pk}/"
    assert set(m.ArchivalUnit.objects.descendants_of(b)) == {file_, item}


def test_unit_parent_must_be_in_same_repository():
    parent = f.UnitFactory()
    other = f.RepositoryFactory()
    unit = m.ArchivalUnit(repository=other, parent=parent, title="x", level=m.UnitLevel.FILE)
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "same repository" in str(exc.value)


def test_unit_cannot_sit_above_its_parent_level():
    parent = f.UnitFactory(level=m.UnitLevel.FILE)
    unit = m.ArchivalUnit(
        repository=parent.repository, parent=parent, title="x", level=m.UnitLevel.SERIES
    )
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_unit_identifier_unique_within_repository():
    unit = f.UnitFactory(identifier="Lot 74 D 272", identifier_scheme="lot")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UnitFactory(
            repository=unit.repository, identifier="Lot 74 D 272", identifier_scheme="lot"
        )
    # Another repository may reuse the number.
    f.UnitFactory(identifier="Lot 74 D 272", identifier_scheme="lot")


def test_sibling_titles_unique():
    top = f.UnitFactory(title="Papers")
    f.UnitFactory(repository=top.repository, parent=top, title="File", level="file")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UnitFactory(repository=top.repository, parent=top, title="File", level="file")


@pytest.mark.parametrize(
    "value,precision,ok",
    [
        (datetime.date(1962, 10, 27), "day", True),
        (datetime.date(1962, 10, 1), "month", True),
        (datetime.date(1962, 10, 27), "month", False),
        (datetime.date(1962, 1, 1), "year", True),
        (datetime.date(1962, 3, 1), "year", False),
        (None, "unknown", True),
        (None, "day", False),
        (datetime.date(1962, 10, 27), "unknown", False),
    ],
)
def test_document_date_matches_precision(value, precision, ok):
    document = f.DocumentFactory.build(
        date=value,
        date_precision=precision,
        collection=f.CollectionFactory(),
        unit=None,
    )
    if ok:
        document.full_clean(exclude=["slug"])
    else:
        with pytest.raises(ValidationError):
            document.full_clean(exclude=["slug"])


def test_database_refuses_date_without_precision():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.DocumentFactory(date=None, date_precision="day")


def test_uncertain_date_needs_its_reasoning():
    document = f.DocumentFactory.build(
        date_certainty="inferred", collection=f.CollectionFactory(), unit=None
    )
    with pytest.raises(ValidationError) as exc:
        document.full_clean(exclude=["slug"])
    assert "date_note" in exc.value.message_dict
    document.date_note = "Rusk's Appointment Book shows a meeting with Ball at 11:09 p.m."
    document.full_clean(exclude=["slug"])


def test_withdrawn_needs_a_reason():
    document = f.DocumentFactory.build(
        status="withdrawn", collection=f.CollectionFactory(), unit=None
    )
    with pytest.raises(ValidationError):
        document.full_clean(exclude=["slug"])


def test_identity_key_unique_but_blank_allowed():
    f.DocumentFactory(identity_key="")
    f.DocumentFactory(identity_key="")
    f.DocumentFactory(identity_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.DocumentFactory(identity_key="k")


def test_document_slug_and_url():
    document = f.DocumentFactory(title="Telegram From the Embassy in the Soviet Union")
    assert document.slug == "telegram-from-the-embassy-in-the-soviet-union"
    assert document.get_absolute_url() == f"/documents/{document.pk}/{document.slug}/"
    assert "October 27, 1962" in str(document)


def test_footnote_numbers_unique_per_document():
    note = f.FootnoteFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.FootnoteFactory(document=note.document, number=1)


def test_relation_cannot_point_to_itself():
    document = f.DocumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.DocumentRelation.objects.create(source=document, target=document, relation_type="cites")


def test_relation_needs_a_target_or_label():
    document = f.DocumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.DocumentRelation.objects.create(source=document, relation_type="cites")


def test_agent_names_are_normalised():
    agent = f.AgentFactory(authorised_name="Vasily V. Kuznetsóv")
    name = m.AgentName.objects.create(agent=agent, name="KUZNETZOV,")
    assert agent.normalised_name == "vasily v kuznetsov"
    assert name.normalised == "kuznetzov"
    assert list(m.Agent.objects.named("Kuznetzov")) == [agent]
    assert list(m.Agent.objects.named("vasily v. KUZNETSOV")) == [agent]


def test_position_dates_in_order():
    agent = f.AgentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Position.objects.create(
            agent=agent,
            title="Secretary of State",
            start_date=datetime.date(1969, 1, 1),
            end_date=datetime.date(1961, 1, 1),
        )


def test_published_querysets_hide_drafts():
    published = f.DocumentFactory(status="published")
    draft = f.DocumentFactory(status="draft", unit=published.unit)
    agent = f.AgentFactory()
    f.DocumentAgentFactory(document=draft, agent=agent)
    assert list(m.Document.objects.published()) == [published]
    assert draft in m.Document.objects.unpublished()
    assert not m.Agent.objects.public().filter(pk=agent.pk).exists()
    f.DocumentAgentFactory(document=published, agent=agent)
    assert m.Agent.objects.public().filter(pk=agent.pk).exists()
    unit = m.ArchivalUnit.objects.with_public_document_counts().get(pk=published.unit.pk)
    assert unit.public_document_count == 1


def test_documents_in_unit_include_descendants():
    top = f.UnitFactory()
    child = f.UnitFactory(repository=top.repository, parent=top, level="file")
    inside = f.DocumentFactory(unit=child)
    f.DocumentFactory()
    assert list(m.Document.objects.in_unit(top)) == [inside]


def test_with_agent_filters_by_role():
    document = f.DocumentFactory()
    agent = f.AgentFactory()
    f.DocumentAgentFactory(document=document, agent=agent, role="drafter")
    assert list(m.Document.objects.with_agent(agent)) == [document]
    assert list(m.Document.objects.with_agent(agent, role="drafter")) == [document]
    assert list(m.Document.objects.with_agent(agent, role="approved")) == []


def test_every_model_has_a_useful_str():
    document = f.DocumentFactory()
    objects = [
        document,
        document.unit,
        document.unit.repository,
        f.AgentFactory(authorised_name="Dean Rusk"),
        f.FootnoteFactory(document=document),
        f.EventFactory(document=document),
        f.DocumentAgentFactory(document=document),
        m.ClassificationLevel.objects.first(),
        m.Caveat.objects.first(),
        f.ImportRunFactory(),
    ]
    for obj in objects:
        text = str(obj)
        assert text and "object (" not in text


@pytest.mark.django_db
def test_published_counts_per_agent_for_a_page_agree_with_every_agents():
    """Each document once, drafts never; a page's agents (their index entries) get the
    same counts as the scan of every agent."""
    agents = [f.AgentFactory() for _ in range(3)]
    for n, agent in enumerate(agents):
        for _ in range(n + 1):
            document = f.DocumentFactory()
            f.DocumentAgentFactory(document=document, agent=agent, role=m.AgentRole.SENDER)
            f.DocumentAgentFactory(document=document, agent=agent, role=m.AgentRole.PARTICIPANT)
    draft = f.DocumentFactory(status=m.PublicationStatus.DRAFT)
    f.DocumentAgentFactory(document=draft, agent=agents[0])
    every = m.DocumentAgent.objects.published_counts_by_agent()
    assert [every.get(a.pk) for a in agents] == [1, 2, 3]
    page = m.DocumentAgent.objects.published_counts_by_agent([a.pk for a in agents[1:]])
    assert page == {agents[1].pk: 2, agents[2].pk: 3}


@pytest.mark.django_db
def test_published_counts_for_many_agents_start_from_the_agents_index():
    """SQLite's planner, left alone, drove a page of 726 agents' counts from the
    published documents, probing the (document, agent) index once per document per
    agent: 15.7 s at 100,000 documents. The page's counts must read the agents' entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner")
    with CaptureQueriesContext(connection) as captured:
        m.DocumentAgent.objects.published_counts_by_agent(range(1, 727))
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = [row[-1] for row in cursor.fetchall()]
    role_rows = next(step for step in plan if "catalogue_documentagent" in step)
    assert "documentagent_agent_role (agent_id=?)" in role_rows, plan


@pytest.mark.parametrize("kind", ["year", "month", "day"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_document_dates_are_djangos_dates(kind, order):
    """The admin's date hierarchy reads ``dates()``: the same dates in the same order as
    Django's own, with SQLite's C date functions instead of a Python call per row."""
    from django.db import connection
    from django.db.models import QuerySet
    from django.test.utils import CaptureQueriesContext

    days = [(1962, 10, 22), (1962, 10, 27), (1962, 11, 2), (1963, 1, 7), (1961, 12, 31)]
    for year, month, day in days:
        f.DocumentFactory(date=datetime.date(year, month, day), date_precision="day")
    f.DocumentFactory(date=None, date_precision="unknown")
    documents = m.Document.objects.all()
    with CaptureQueriesContext(connection) as queries:
        ours = list(documents.dates("date", kind, order))
    djangos = list(QuerySet.dates(documents, "date", kind, order))
    assert ours == djangos
    assert len(ours) == {"year": 3, "month": 4, "day": 5}[kind]
    if connection.vendor == "sqlite":
        assert "django_date_trunc" not in queries.captured_queries[0]["sql"]
    with pytest.raises(ValueError):
        documents.dates("date", kind, "sideways")


def test_document_dates_of_a_date_time_are_in_the_active_time_zone():
    """A date-time is truncated where the reader is (Django's way), which SQLite's own
    ``date()`` cannot do: late on 31 October in UTC is November in Tokyo."""
    from django.db.models import QuerySet
    from django.utils import timezone

    late = datetime.datetime(1962, 10, 31, 23, 30, tzinfo=datetime.UTC)
    f.DocumentFactory(status="published", published_at=late)
    documents = m.Document.objects.filter(published_at=late)
    with timezone.override("Asia/Tokyo"):
        ours = list(documents.dates("published_at", "month"))
        assert ours == list(QuerySet.dates(documents, "published_at", "month"))
        assert ours == [datetime.date(1962, 11, 1)]
