import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches

from catalogue import models as m
from tests import factories as f


@pytest.fixture(autouse=True)
def _clear_throttle_cache(settings):
    caches[settings.API_THROTTLE_CACHE].clear()
    caches["default"].clear()
    yield
    caches[settings.API_THROTTLE_CACHE].clear()


def build_tree():
    """Department of State → Ball Papers (Lot 74 D 272) → Telcons--Cuba."""
    repository = f.RepositoryFactory(name="Department of State", short_name="DoS")
    papers = f.UnitFactory(
        repository=repository,
        title="Ball Papers",
        identifier="Lot 74 D 272",
        identifier_scheme="lot",
        level=m.UnitLevel.COLLECTION,
    )
    folder = f.UnitFactory(
        repository=repository, parent=papers, title="Telcons--Cuba", level=m.UnitLevel.FILE
    )
    return repository, papers, folder


def rich_document(unit=None, n_related=2, status=m.PublicationStatus.PUBLISHED, **kwargs):
    """A document with ``n_related`` of every related row (agents, notes, events …)."""
    doc = f.DocumentFactory(status=status, **({"unit": unit} if unit else {}), **kwargs)
    doc.caveats.set(m.Caveat.objects.order_by("pk")[:n_related])
    doc.subjects.set([f.SubjectFactory() for _ in range(n_related)])
    publication = f.PublicationFactory(title="FRUS 1961-1963, vol. XI")
    other = f.DocumentFactory(unit=doc.unit)
    for i in range(n_related):
        agent = f.AgentFactory()
        f.DocumentAgentFactory(document=doc, agent=agent, role=m.AgentRole.CLEARED, sequence=i)
        note = f.FootnoteFactory(document=doc, number=i + 1, text=f"Note {i + 1}. Back")
        event = f.EventFactory(document=doc, sequence=i, publication=publication)
        m.EventAgent.objects.create(event=event, agent=agent, role=m.AgentRole.CLEARED)
        m.DocumentRelation.objects.create(
            source=doc, target=other, relation_type=m.RelationType.REFERS_TO, footnote=note
        )
        m.Citation.objects.create(
            document=doc, kind=m.CitationKind.PUBLISHED_IN, publication=publication, sequence=i
        )
    return doc


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def archivist(db):
    """A staff user in no group, with the model permissions an archivist's group grants."""
    user = f.StaffFactory(username="writer")
    perms = Permission.objects.filter(
        content_type__app_label="catalogue",
        codename__in=[
            f"{action}_{model}"
            for action in ("add", "change", "delete", "view")
            for model in ("document", "agent", "archivalunit", "repository", "subject")
        ],
    )
    user.user_permissions.set(perms)
    return user


DATE = datetime.date(1962, 10, 27)
