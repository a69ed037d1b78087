"""Vocabularies and role groups come back after a flush (transactional tests, operators)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from catalogue import models as m


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_vocabulary_and_groups():
    call_command("flush", interactive=False, verbosity=0)
    assert m.ClassificationLevel.objects.filter(name="Top Secret", rank=50).exists()
    assert m.DocumentType.objects.filter(key="telegram").exists()
    assert m.Caveat.objects.filter(name="Niact").exists()
    reviewer = Group.objects.get(name="Reviewer")
    assert reviewer.permissions.filter(codename="publish_document").exists()
    assert (
        not Group.objects.get(name="Cataloguer")
        .permissions.filter(codename="publish_document")
        .exists()
    )


@pytest.mark.django_db
def test_edited_vocabulary_is_left_alone():
    from django.apps import apps

    from catalogue.reference_data import ensure_reference_data

    level = m.ClassificationLevel.objects.get(name="Secret")
    level.description = "Edited by an archivist"
    level.save()
    ensure_reference_data(sender=None, apps=apps)
    level.refresh_from_db()
    assert level.description == "Edited by an archivist"
