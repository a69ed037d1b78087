"""The search page evaluates the full-text match once and reuses the matched ids for
its count and every facet; the counts must equal what each filter combination gives."""

import pytest
from django.http import QueryDict

from catalogue.filters import DocumentFilterSet
from catalogue.models import ClassificationLevel, Document, DocumentType, PublicationStatus
from tests.factories import DocumentFactory


@pytest.fixture
def mixed(db):
    telegram = DocumentType.objects.get(key="telegram")
    other_type = DocumentType.objects.exclude(pk=telegram.pk).order_by("key").first()
    secret = ClassificationLevel.objects.get(name="Secret")
    other_level = ClassificationLevel.objects.exclude(pk=secret.pk).order_by("slug").first()
    word = "The quarantine line holds."
    DocumentFactory(title="A", text=word, doc_type=telegram, classification=secret)
    DocumentFactory(title="B", text=word, doc_type=telegram, classification=other_level)
    DocumentFactory(title="C", text=word, doc_type=other_type, classification=secret)
    DocumentFactory(title="D", text="Nothing here.", doc_type=telegram, classification=secret)
    DocumentFactory(
        title="E",
        text=word,
        doc_type=telegram,
        classification=secret,
        status=PublicationStatus.DRAFT,
    )
    return telegram, other_type, secret, other_level


def filterset(query):
    fs = DocumentFilterSet(
        QueryDict(query), queryset=Document.objects.published().with_card(), public=True
    )
    assert fs.is_valid(), fs.errors
    return fs


def counts(fs, name):
    return {v.value: v.count for v in next(f for f in fs.facets() if f.name == name).values}


def test_count_and_facets_leave_out_only_their_own_filter(mixed):
    telegram, other_type, secret, other_level = mixed
    fs = filterset(f"q=quarantine&type=telegram&classification={secret.slug}&sort=relevance")
    assert fs.count() == 1 == len(fs.qs)
    # Type facet: quarantine + secret = A, C.
    assert counts(fs, "type") == {"telegram": 1, other_type.key: 1}
    # Classification facet: quarantine + telegram = A, B (the draft E never counts).
    assert counts(fs, "classification") == {secret.slug: 1, other_level.slug: 1}
    # Facets whose own filter is not in force count the result itself (A).
    assert sum(counts(fs, "unit").values()) == 1


def test_count_and_facets_without_other_filters(mixed):
    fs = filterset("q=quarantine&sort=date")
    assert fs.count() == 3 == len(fs.qs)
    assert sum(counts(fs, "type").values()) == 3


def test_query_with_nothing_searchable_matches_nothing(mixed):
    fs = filterset("q=the&sort=relevance")
    assert fs.count() == 0
    assert all(not f.values for f in fs.facets())
