"""The export reads one point-in-time snapshot and lets writers carry on meanwhile."""

import sqlite3

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from catalogue.management.commands.export_catalogue import read_snapshot


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A Django connection to a WAL SQLite file, configured as the site's (IMMEDIATE
    transactions, WAL), outside the test's own transaction."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking")
    path = tmp_path / "catalogue.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE item (id INTEGER PRIMARY KEY)")
        setup.execute("INSERT INTO item VALUES (1)")
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias="snapshot")
    with django_db_blocker.unblock():  # a database of its own, not the test database
        yield wrapper, path
        wrapper.close()


def count(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM item")
        return cursor.fetchone()[0]


def test_writers_are_not_blocked_and_the_export_does_not_see_them(file_database):
    wrapper, path = file_database
    assert wrapper.settings_dict["OPTIONS"].get("transaction_mode") == "IMMEDIATE"
    writer = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    with read_snapshot(wrapper):
        assert count(wrapper) == 1
        writer.execute("BEGIN IMMEDIATE")  # "database is locked" if the export held it
        writer.execute("INSERT INTO item VALUES (2)")
        writer.execute("COMMIT")
        assert count(wrapper) == 1  # still the snapshot
    assert count(wrapper) == 2
    writer.close()


def test_the_snapshot_begins_before_the_first_query_of_the_export(file_database):
    wrapper, path = file_database
    writer = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    with read_snapshot(wrapper):
        writer.execute("INSERT INTO item VALUES (2)")  # after the snapshot, before any read
        assert count(wrapper) == 1
    writer.close()
