"""factory_boy factories for every catalogue model; tests build their data here."""

import datetime

import factory
from django.contrib.auth import get_user_model

from catalogue import models as m


def vocab(model, **lookup):
    return model.objects.get(**lookup)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")


class StaffFactory(UserFactory):
    is_staff = True


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Repository
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Repository {n}")
    short_name = factory.Sequence(lambda n: f"R{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ArchivalUnit

    repository = factory.SubFactory(RepositoryFactory)
    level = m.UnitLevel.COLLECTION
    title = factory.Sequence(lambda n: f"Unit {n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Agent

    authorised_name = factory.Sequence(lambda n: f"Agent {n}")
    kind = m.AgentKind.PERSON


class AgentNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgentName

    agent = factory.SubFactory(AgentFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Collection
        django_get_or_create = ["name"]

    name = "The Cuban Missile Crisis"


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Subject
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Subject {n}")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Document

    title = factory.Sequence(lambda n: f"Telegram From the Embassy to the Department of State {n}")
    collection = factory.SubFactory(CollectionFactory)
    doc_type = factory.LazyFunction(lambda: vocab(m.DocumentType, key="telegram"))
    classification = factory.LazyFunction(lambda: vocab(m.ClassificationLevel, name="Secret"))
    place = "Washington"
    date = datetime.date(1962, 10, 27)
    date_precision = m.DatePrecision.DAY
    text = "The quarantine line holds. Khrushchev replied at noon."
    status = m.PublicationStatus.PUBLISHED
    unit = factory.SubFactory(UnitFactory)


class DocumentAgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DocumentAgent

    document = factory.SubFactory(DocumentFactory)
    agent = factory.SubFactory(AgentFactory)
    role = m.AgentRole.PARTICIPANT


class FootnoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Footnote

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "October 28."
    kind = m.FootnoteKind.DATE


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProvenanceEvent

    document = factory.SubFactory(DocumentFactory)
    event_type = m.EventType.DRAFTED
    date = datetime.date(1962, 10, 27)
    date_precision = m.DatePrecision.DAY


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Publication
        django_get_or_create = ["title"]

    title = factory.Sequence(lambda n: f"Publication {n}")


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ImportRun

    parser_version = "test"


def staff_in_group(group_name: str, **kwargs):
    """A staff user in one of the role groups the curation migration creates."""
    from django.contrib.auth.models import Group

    user = StaffFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


class DraftDocumentFactory(DocumentFactory):
    status = m.PublicationStatus.DRAFT
    published_at = None
