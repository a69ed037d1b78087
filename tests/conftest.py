import pytest


@pytest.fixture
def seed_catalogue(db, django_db_blocker):
    """The bundled demo data, loaded as `make run` loads it."""
    from django.core.management import call_command

    call_command("loaddata", "fixtures/seed_catalogue.json", verbosity=0)


@pytest.fixture
def staff_client(client, db):
    from tests.factories import SuperuserFactory

    user = SuperuserFactory(username="archivist")
    client.force_login(user)
    client.user = user
    return client
