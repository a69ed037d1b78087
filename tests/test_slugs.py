"""Derived slugs are never empty and never collide, whatever the name."""

import pytest

from catalogue import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model,field",
    [
        (m.Subject, "name"),
        (m.Repository, "name"),
        (m.Collection, "name"),
        (m.Caveat, "name"),
        (m.Publication, "title"),
    ],
)
def test_names_that_slugify_alike_get_distinct_slugs(model, field):
    first = model.objects.create(**{field: "Foo!"})
    second = model.objects.create(**{field: "Foo?"})
    empty = model.objects.create(**{field: "!!!"})
    control = model.objects.create(**{field: "\x01"})
    slugs = [first.slug, second.slug, empty.slug, control.slug]
    assert first.slug == "foo"
    assert second.slug == "foo-2"
    assert all(slugs) and len(set(slugs)) == 4


def test_classification_slugs_unique():
    level = m.ClassificationLevel.objects.create(name="Secret!", rank=99)
    assert level.slug == "secret-2"


def test_cited_document_cannot_be_deleted():
    from django.db.models import RestrictedError

    cited = f.DocumentFactory()
    citing = f.DocumentFactory()
    m.DocumentRelation.objects.create(source=citing, target=cited, relation_type="cites")
    with pytest.raises(RestrictedError):
        cited.delete()
    assert m.DocumentRelation.objects.filter(target=cited).exists()
    # Deleting the citing document with it is allowed: nothing is left dangling.
    m.Document.objects.filter(pk__in=[cited.pk, citing.pk]).delete()
    assert not m.DocumentRelation.objects.exists()
