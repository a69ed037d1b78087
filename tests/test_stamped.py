"""Values cached until the catalogue's change stamp moves."""

import pytest

from archive_site import db_router
from catalogue.stamped import cached_until_change
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_on_the_primary_and_kept_until_the_catalogue_changes():
    calls = []

    def compute():
        # The stamp is the primary's: the value must come from there too, never from a
        # replica that has not replayed the write that moved it.
        calls.append(db_router.is_pinned())
        return len(calls)

    request = db_router.begin_request(pinned=False)  # a visitor's GET: reads may go anywhere
    try:
        assert cached_until_change("test-figure", compute) == 1
        assert cached_until_change("test-figure", compute) == 1  # from the cache
        assert not db_router.is_pinned()
        DocumentFactory()  # any write to a counted table renews the stamp
        assert cached_until_change("test-figure", compute) == 2
    finally:
        db_router.end_request(request)
    assert calls == [True, True]
