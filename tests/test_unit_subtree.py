"""Subtree counts and ``public()`` on units use a ``tree_path`` range: a path must not
catch a sibling whose id merely starts with the same digits (``/1/`` vs ``/12/``)."""

import pytest

from catalogue.models import ArchivalUnit, PublicationStatus
from tests.factories import DocumentFactory, RepositoryFactory, UnitFactory


@pytest.fixture
def tree(db):
    repository = RepositoryFactory()
    root, child, lookalike, empty = (UnitFactory(repository=repository) for _ in range(4))
    # Paths set directly so the prefix collision is certain whatever ids the database gives.
    for unit, path in [(root, "/1/"), (child, "/1/2/"), (lookalike, "/12/"), (empty, "/13/")]:
        ArchivalUnit.objects.filter(pk=unit.pk).update(tree_path=path)
    DocumentFactory(unit=root)
    DocumentFactory(unit=child)
    DocumentFactory(unit=child)
    DocumentFactory(unit=lookalike)
    DocumentFactory(unit=empty, status=PublicationStatus.DRAFT)
    return root, child, lookalike, empty


def test_counts_roll_up_the_subtree_only(tree):
    root, child, lookalike, empty = tree
    counts = dict(
        ArchivalUnit.objects.filter(pk__in=[u.pk for u in tree])
        .with_public_document_counts()
        .values_list("pk", "public_document_count")
    )
    assert counts == {root.pk: 3, child.pk: 2, lookalike.pk: 1, empty.pk: 0}


def test_public_units_have_a_published_document_below(tree):
    root, child, lookalike, empty = tree
    public = set(ArchivalUnit.objects.filter(pk__in=[u.pk for u in tree]).public())
    assert public == {root, child, lookalike}
