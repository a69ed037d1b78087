"""Primary/replica routing with read-your-writes.

The first tests check the router's and the middleware's decisions without a server.
The live tests need ``scripts/with-postgres-replica.sh`` (the PostgreSQL leg of
``make test`` runs under it): a real primary and a real streaming standby, where reads
must be served by the standby (``pg_is_in_recovery()``), writes must reach it, and a
visitor who just saved must read their own write even while the standby lags.
"""

import copy
import os
import time

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from archive_site import db_router
from archive_site.middleware.db_pinning import PrimaryPinningMiddleware, cookie_name
from catalogue.models import Repository

REPLICA_URL = os.environ.get("PGTEST_REPLICA_URL", "")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


# --- a tiny site for the request-level tests ---------------------------------------------


def rename(request, pk):
    repository = Repository.objects.get(pk=pk)
    repository.name = request.POST["name"]
    repository.save()
    return HttpResponse(Repository.objects.get(pk=pk).name)


def show(request, pk):
    qs = Repository.objects.filter(pk=pk)
    return HttpResponse(f"{qs.get().name}|{qs.db}")


urlpatterns = [path("rename/<int:pk>/", rename), path("show/<int:pk>/", show)]


# --- decisions, no server needed -----------------------------------------------------------


@pytest.fixture
def no_replicas(settings):
    """Whatever the session wired in, these decisions are taken without replicas."""
    saved = {
        k: settings.DATABASES.pop(k) for k in list(settings.DATABASES) if k.startswith("replica_")
    }
    db_router.reset()
    yield
    settings.DATABASES.update(saved)
    db_router.reset()


@pytest.fixture
def fake_replicas(no_replicas, settings):
    """Two replica aliases in the settings (never connected to: only routed to)."""
    for n in (1, 2):
        settings.DATABASES[f"replica_{n}"] = copy.deepcopy(settings.DATABASES["default"])
    yield ["replica_1", "replica_2"]
    for n in (1, 2):
        settings.DATABASES.pop(f"replica_{n}", None)


def test_replica_urls_become_aliases():
    config = db_router.replica_settings(
        "postgres://reader@db-r1:5432/catalogue, postgres://reader@db-r2:5433/catalogue",
        conn_max_age=60,
        conn_health_checks=True,
    )
    assert list(config) == ["replica_1", "replica_2"]
    assert config["replica_2"]["HOST"] == "db-r2" and config["replica_2"]["PORT"] == 5433
    assert config["replica_1"]["CONN_MAX_AGE"] == 60 and config["replica_1"]["CONN_HEALTH_CHECKS"]
    assert db_router.replica_settings("") == {}


def test_without_replicas_everything_uses_the_primary(no_replicas):
    router = db_router.PrimaryReplicaRouter()
    db_router.reset()
    assert router.db_for_read(Repository) == "default"
    assert router.db_for_write(Repository) == "default"
    db_router.reset()


def test_reads_go_to_replicas_until_a_write_pins_the_context(fake_replicas):
    router = db_router.PrimaryReplicaRouter()
    seen = {router.db_for_read(Repository) for _ in range(50)}
    assert seen == set(fake_replicas)  # spread over every replica
    assert router.db_for_write(Repository) == "default"
    assert router.db_for_read(Repository) == "default"  # read-your-writes
    db_router.reset()
    assert router.db_for_read(Repository) in fake_replicas
    assert router.allow_migrate("replica_1", "catalogue") is False
    assert router.allow_migrate("default", "catalogue") is True


def _middleware_probe(write: bool):
    seen = {}

    def view(request):
        seen["pinned"] = db_router.is_pinned()
        if write:
            db_router.PrimaryReplicaRouter().db_for_write(Repository)
        return HttpResponse("ok")

    return PrimaryPinningMiddleware(view), seen


def test_middleware_pins_after_a_write_and_for_the_cookie_lifetime(fake_replicas, settings):
    factory = RequestFactory()
    middleware, seen = _middleware_probe(write=False)
    response = middleware(factory.get("/"))
    assert seen["pinned"] is False and cookie_name() not in response.cookies

    writer, seen = _middleware_probe(write=True)
    response = writer(factory.get("/"))
    morsel = response.cookies[cookie_name()]
    assert morsel["max-age"] == settings.DATABASE_PIN_SECONDS and morsel["httponly"]
    assert db_router.is_pinned() is False  # the request's state did not leak out

    middleware, seen = _middleware_probe(write=False)
    request = factory.get("/")
    request.COOKIES[cookie_name()] = morsel.value
    middleware(request)
    assert seen["pinned"] is True

    request = factory.get("/")
    request.COOKIES[cookie_name()] = morsel.value[:-2] + "xx"  # tampered signature
    middleware(request)
    assert seen["pinned"] is False

    settings.DATABASE_PIN_SECONDS = 0  # the cookie has expired
    request = factory.get("/")
    request.COOKIES[cookie_name()] = morsel.value
    time.sleep(1.1)
    middleware(request)
    assert seen["pinned"] is False

    middleware, seen = _middleware_probe(write=False)
    response = middleware(factory.post("/"))
    assert seen["pinned"] is True and cookie_name() in response.cookies  # unsafe methods


# --- live: a real primary and streaming standby ---------------------------------------------

live = pytest.mark.skipif(
    not REPLICA_URL and not (ON_POSTGRES and os.environ.get("CI") == "true"),
    reason="needs scripts/with-postgres-replica.sh (a primary and a streaming replica)",
)


def wait_until(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """Wire the standby in as ``replica_1`` (module scope: the alias must exist before
    pytest-django checks the test's ``databases``), on the replicated test database.
    As a TEST mirror of ``default`` it is never flushed or created by the test runner.
    """
    from django.conf import settings

    if not REPLICA_URL:
        pytest.fail(
            "CI=true on PostgreSQL but PGTEST_REPLICA_URL is not set: run the "
            "PostgreSQL leg under scripts/with-postgres-replica.sh"
        )
    config = db_router.replica_settings(REPLICA_URL)["replica_1"]
    config["NAME"] = connections["default"].settings_dict["NAME"]
    configured = connections.configure_settings(
        {"default": copy.deepcopy(settings.DATABASES["default"]), "replica_1": config}
    )["replica_1"]
    settings.DATABASES["replica_1"] = configured
    connections.settings["replica_1"] = configured
    yield "replica_1"
    with django_db_blocker.unblock():
        connections["replica_1"].close()
    del connections["replica_1"]
    connections.settings.pop("replica_1", None)
    settings.DATABASES.pop("replica_1", None)


@pytest.fixture
def replica(replica_alias):
    conn = connections[replica_alias]
    db_router.reset()
    try:
        yield conn
    finally:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        db_router.reset()


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


@live
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])
def test_reads_are_served_by_the_replica_and_writes_reach_it(replica):
    Repository.objects.create(name="Kennedy Library (replicated)")
    db_router.reset()  # the test itself is not a visitor who just wrote
    qs = Repository.objects.filter(name="Kennedy Library (replicated)")
    assert qs.db == "replica_1"
    assert in_recovery(qs.db) is True and in_recovery("default") is False
    assert wait_until(qs.exists), "the write never reached the replica"
    with CaptureQueriesContext(replica) as on_replica:
        assert [r.name for r in qs] == ["Kennedy Library (replicated)"]
    assert any("catalogue_repository" in q["sql"] for q in on_replica.captured_queries)
    # And it really is a read-only standby.
    from django.db import InternalError, ProgrammingError

    with pytest.raises((InternalError, ProgrammingError)), replica.cursor() as cursor:
        cursor.execute("CREATE TABLE replica_write_probe (id int)")


@live
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])
@pytest.mark.urls(__name__)
def test_read_your_writes_while_the_replica_lags(replica):
    repository = Repository.objects.create(name="Before")
    db_router.reset()
    assert wait_until(lambda: Repository.objects.filter(name="Before").exists())
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    assert wait_until(lambda: _replay_paused(replica))

    writer, reader = Client(), Client()
    response = writer.post(f"/rename/{repository.pk}/", {"name": "After"})
    assert response.content == b"After"  # same request: reads its own write
    assert cookie_name() in response.cookies
    assert writer.get(f"/show/{repository.pk}/").content == b"After|default"
    # Another visitor reads from the standby, which has not replayed the write yet.
    assert reader.get(f"/show/{repository.pk}/").content == b"Before|replica_1"

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    assert wait_until(
        lambda: reader.get(f"/show/{repository.pk}/").content == b"After|replica_1"
    ), "the write never reached the replica"


def _replay_paused(conn) -> bool:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        return cursor.fetchone()[0] == "paused"
