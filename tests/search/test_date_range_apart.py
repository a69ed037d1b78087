"""No query and a date range: the dates bound the counting statement's rows outright and
the date facet groups the narrow table itself (``FacetEngine._dates_apart``). Every
count, facet and page must equal the general queryset path's."""

import pytest
from django.core.cache import cache
from django.db import connection

from catalogue.search.facets import FACETS_TABLE
from tests.search.test_facet_engine import corpus, facet_counts, make  # noqa: F401

pytestmark = pytest.mark.django_db


def date_states(c):
    t, level, caveat = c["types"][0].key, c["levels"][1].slug, c["caveats"][0].slug
    return [
        "date_from=1962-10-22&date_to=1962-10-25&sort=date",
        f"date_from=1962-10-22&date_to=1962-10-25&type={t}&classification={level}&sort=date",
        f"date_to=1962-10-23&type={t}&sort=-date",
        f"date_from=1962-10-26&classification={level}&sort=date",
        "date_from=1962-10-24&date_to=1962-10-24&sort=date",
        f"date_from=1962-10-21&date_to=1962-10-27&caveat={caveat}"
        f"&subject={c['subjects'][1].slug}&repository={c['repositories'][0].slug}&sort=-date",
        f"date_from=1962-10-20&date_to=1962-10-26&agent={c['agents'][0].pk}"
        f"&unit={c['units'][1].pk}&sort=date",
        "date_from=1962-11-05&date_to=1962-11-09&sort=date",  # no document in range
    ]


def test_date_range_without_query_takes_the_dates_apart(corpus):  # noqa: F811
    assert make("date_from=1962-10-22&sort=date").engine()._dates_apart
    assert not make("q=missiles&date_from=1962-10-22&sort=date").engine()._dates_apart
    assert not make("type=telegram&sort=date").engine()._dates_apart


def test_counts_and_facets_equal_the_general_path(corpus):  # noqa: F811
    for state in date_states(corpus):
        for limit in (100, 3):
            cache.clear()
            fast, general = make(state), make(state, engine=False)
            assert fast.count() == general.count(), state
            got = {f.name: [(v.value, v.count) for v in f.values] for f in fast.facets(limit)}
            want = {f.name: [(v.value, v.count) for v in f.values] for f in general.facets(limit)}
            assert got == want, (state, limit)
        assert facet_counts(make(state)) == facet_counts(make(state, engine=False)), state


def test_pages_with_the_counts_equal_the_general_path(corpus):  # noqa: F811
    for state in date_states(corpus):
        expected = [d.pk for d in make(state, engine=False).qs]
        for offset, size in [(0, 20), (2, 4)]:
            cache.clear()
            fast = make(state)
            fast.engine().prefetch_page(offset, size)
            fast.count()
            assert fast.engine()._pages[(offset, size)] == expected[offset : offset + size], state


def test_the_date_states_are_not_trivial(corpus):  # noqa: F811
    counts = [make(state).count() for state in date_states(corpus)]
    assert sum(1 for n in counts if n > 0) >= 5 and counts[-1] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_date_range_reads_the_date_index(corpus):  # noqa: F811
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN QUERY PLAN SELECT document_id FROM {FACETS_TABLE} m "
            "WHERE m.status = 'published' AND m.date >= '1962-10-22' AND m.date <= '1962-10-25'"
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"{FACETS_TABLE}_date" in plan
