"""Facet counts over in-process arrays (SQLite and PostgreSQL) must equal the SQL facet engine's for
every filter state (counts, facet values and order, page ids in every sort), follow every
kind of write at once (the change stamp renews the snapshot), and fall back to the SQL
engine where the arrays are off or cannot answer."""

import itertools
import random
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict

from catalogue.filters import FACETS, DocumentFilterSet
from catalogue.models import AgentRole, Document, DocumentAgent
from catalogue.search import facet_arrays
from catalogue.search.facet_arrays import ArrayFacetEngine
from catalogue.search.facet_engine import FacetEngine
from tests.factories import AgentFactory, DocumentAgentFactory, DocumentFactory
from tests.search.test_facet_engine import corpus  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="the facet engine's databases"
)


def filterset(state):
    fs = DocumentFilterSet(
        QueryDict(state), queryset=Document.objects.published().with_card(), public=True
    )
    assert fs.is_valid(), fs.errors
    return fs


def answers(engine_class, state, window=(0, 20)):
    """Counts with the prefetched page, then two pages asked for apart (cache emptied
    before each, so every answer is computed by this engine)."""
    cache.clear()
    engine = engine_class(filterset(state))
    if engine.can_page():
        engine.prefetch_page(*window)
    counts = engine.counts(FACETS, 100)
    prefetched = engine._pages.get(window)
    pages = []
    if engine.can_page():
        for offset, size in [(0, 100), (3, 5)]:
            cache.clear()
            pages.append(engine_class(filterset(state)).page_ids(offset, size))
    return counts, prefetched, pages


def generated_states(c, n=120, seed=1962):
    """Random combinations of every filter the arrays evaluate, each in every sort."""
    rng = random.Random(seed)
    queries = ["", "quarantine", "missiles OR blockade", "Khrushchev", "missil*", '"on day"']
    days = ["1962-10-20", "1962-10-22", "1962-10-25", "1962-10-28"]
    choices = {
        "type": [t.key for t in c["types"]],
        "classification": [level.slug for level in c["levels"]],
        "caveat": [v.slug for v in c["caveats"]],
        "subject": [s.slug for s in c["subjects"]],
        "repository": [r.slug for r in c["repositories"]],
        "unit": [u.pk for u in c["units"]],
        "agent": [a.pk for a in c["agents"]],
        "date_from": days,
        "date_to": days,
    }
    states = []
    for _ in range(n):
        params = [("q", rng.choice(queries))]
        for name in rng.sample(sorted(choices), rng.randint(0, 5)):
            many = name in ("type", "classification", "caveat", "subject")
            for value in rng.sample(choices[name], rng.randint(1, 2) if many else 1):
                params.append((name, value))
            if name == "agent" and rng.random() < 0.5:
                params.append(("role", rng.choice([AgentRole.DRAFTER, AgentRole.SIGNER])))
        sort = rng.choice(["relevance", "date", "-date"])
        params.append(("sort", sort))
        state = "&".join(f"{k}={v}" for k, v in params)
        if DocumentFilterSet(QueryDict(state), public=True).is_valid():  # no inverted range
            states.append(state)
    return states


def test_arrays_equal_the_sql_engine_over_generated_states(corpus):  # noqa: F811
    states = generated_states(corpus)
    nonempty = 0
    for state in states:
        fast = answers(ArrayFacetEngine, state)
        slow = answers(FacetEngine, state)
        assert fast == slow, state
        nonempty += fast[0]["total"] > 0
    assert (
        len(states) > 80 and nonempty > len(states) // 3
    )  # the grid exercises non-trivial answers


def test_date_ranges_equal_the_sql_engine(corpus):  # noqa: F811
    agent = corpus["agents"][0].pk
    for dates, query in itertools.product(
        [
            "date_from=1962-10-22&date_to=1962-10-26",
            "date_from=1962-10-23&date_to=1962-10-23",
            "date_to=1962-10-19",
        ],
        ["", "q=quarantine&", f"agent={agent}&"],
    ):
        state = f"{query}{dates}&sort=date"
        assert answers(ArrayFacetEngine, state) == answers(FacetEngine, state), state


def test_the_public_search_uses_the_arrays(corpus):  # noqa: F811
    engine = filterset("q=quarantine&sort=relevance").engine()
    assert type(engine) is ArrayFacetEngine


def test_setting_off_falls_back_to_sql(corpus, settings):  # noqa: F811
    settings.SEARCH_FACET_ARRAYS = False
    engine = filterset("q=quarantine&sort=relevance").engine()
    assert type(engine) is FacetEngine


def test_a_filter_the_arrays_do_not_evaluate_falls_back_to_sql(corpus, monkeypatch):  # noqa: F811
    unit = corpus["units"][0].pk
    state = f"q=quarantine&unit={unit}&sort=relevance"
    expected = answers(ArrayFacetEngine, state)
    monkeypatch.setattr(facet_arrays, "ARRAY_FILTERS", facet_arrays.ARRAY_FILTERS - {"unit"})
    engine = filterset(state).engine()
    assert type(engine) is FacetEngine
    assert answers(type(engine), state) == expected
    assert type(filterset("q=quarantine&sort=relevance").engine()) is ArrayFacetEngine


def _same_after(write, state="q=quarantine&sort=date"):
    before = facet_arrays.snapshot(filterset(state).engine().stamp())
    write()
    fast = answers(ArrayFacetEngine, state)
    assert facet_arrays._SNAPSHOT is not before  # reloaded under the new stamp
    assert fast == answers(FacetEngine, state)
    return fast


def test_snapshot_follows_every_kind_of_write(corpus):  # noqa: F811
    first = answers(ArrayFacetEngine, "q=quarantine&sort=date")
    made = []
    inserted = _same_after(
        lambda: made.append(
            DocumentFactory(title="Quarantine note", text="quarantine", doc_type=corpus["types"][0])
        )
    )
    new = made[0]
    assert inserted[0]["total"] == first[0]["total"] + 1
    _same_after(lambda: Document.objects.filter(pk=new.pk).update(doc_type=corpus["types"][1]))
    _same_after(lambda: DocumentAgentFactory(document=new, agent=corpus["agents"][2]))
    _same_after(lambda: DocumentAgent.objects.filter(document=new).update(role=AgentRole.SIGNER))
    _same_after(lambda: new.subjects.add(corpus["subjects"][1]))

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalogue_document SET date = '1962-11-02' WHERE id = %s", [new.pk]
            )

    _same_after(raw)
    gone = _same_after(lambda: Document.objects.get(pk=new.pk).delete())
    assert gone[0]["total"] == first[0]["total"]


def test_snapshot_is_reused_while_nothing_changes(corpus):  # noqa: F811
    stamp = filterset("q=&sort=date").engine().stamp()
    assert facet_arrays.snapshot(stamp) is facet_arrays.snapshot(stamp)
    assert facet_arrays.snapshot(stamp).nbytes > 0


def test_link_values_concatenate_in_document_order(corpus):  # noqa: F811
    snap = facet_arrays.snapshot(filterset("q=&sort=date").engine().stamp())
    ids = facet_arrays.np.flatnonzero(snap.published)
    offsets, values = snap.links["subject"]
    expected = [v for pk in ids.tolist() for v in values[offsets[pk] : offsets[pk + 1]].tolist()]
    assert facet_arrays._link_values(snap, "subject", ids).tolist() == expected


def test_search_view_queries_stay_fixed(client, corpus, django_assert_num_queries):  # noqa: F811
    params = {"q": "quarantine", "type": corpus["types"][0].key}
    client.get("/search/", params)  # loads the snapshot
    cache.clear()
    with django_assert_num_queries(6):  # stamp, hits, page, documents, snippets, choices
        client.get("/search/", params)
    for i in range(10):
        DocumentFactory(title=f"Quarantine {i}", text="quarantine", doc_type=corpus["types"][0])
    client.get("/search/", params)
    cache.clear()
    with django_assert_num_queries(6):
        client.get("/search/", params)


def test_after_a_write_the_reload_waits_out_its_gap_on_the_sql_path(corpus, settings):  # noqa: F811
    """A process that loaded the arrays a moment ago does not reload them for every write:
    until the gap (a multiple of the last load's time) has passed, a search under a new
    stamp takes the SQL path — with the same answers — and the old snapshot stays."""
    state = "q=quarantine&sort=date"
    settings.SEARCH_FACET_ARRAYS_RELOAD_GAP = 0
    assert type(filterset(state).engine()) is ArrayFacetEngine
    facet_arrays.snapshot(filterset(state).engine().stamp())  # loaded just now
    held = facet_arrays._SNAPSHOT

    settings.SEARCH_FACET_ARRAYS_RELOAD_GAP = 1e9
    DocumentFactory(title="Quarantine note", text="quarantine", doc_type=corpus["types"][0])
    engine = filterset(state).engine()
    assert type(engine) is FacetEngine
    assert facet_arrays._SNAPSHOT is held
    assert answers(FacetEngine, state)[0]["total"] == answers(ArrayFacetEngine, state)[0]["total"]

    settings.SEARCH_FACET_ARRAYS_RELOAD_GAP = 0
    assert type(filterset(state).engine()) is ArrayFacetEngine


def test_the_stamp_is_read_once_when_the_arrays_are_chosen(corpus, django_assert_num_queries):  # noqa: F811
    engine_state = "q=quarantine&sort=date"
    facet_arrays.snapshot(filterset(engine_state).engine().stamp())
    with django_assert_num_queries(1):  # the stamp, in for_filterset
        engine = filterset(engine_state).engine()
        assert type(engine) is ArrayFacetEngine
        engine.stamp()


def test_ties_follow_the_databases_collation_and_null_roles_its_null_order(corpus):  # noqa: F811
    """Facet values with equal counts come in the SQL branch's order: names by the
    database's collation (PostgreSQL's is the locale's, not code points), and a role
    outside the choices (no name: NULL) first on SQLite, last on PostgreSQL."""
    names = ["dean", "Dean", "de Gaulle", "D'Arcy", "Éire", "Zorin", "zorin", "a-b", "ab"]
    for name in names:
        agent = AgentFactory(authorised_name=name)
        for document in DocumentFactory.create_batch(2, title="Quarantine tie", text="tie"):
            DocumentAgentFactory(document=document, agent=agent, role=AgentRole.DRAFTER)
            odd = DocumentAgentFactory(document=document, agent=agent, role=AgentRole.SIGNER)
            DocumentAgent.objects.filter(pk=odd.pk).update(role="unlisted")
    state = "q=tie&sort=relevance"
    fast, slow = answers(ArrayFacetEngine, state), answers(FacetEngine, state)
    assert fast == slow
    agents = fast[0]["agent"]
    assert len(agents) == 2 * len(names) and {row["n"] for row in agents} == {2}
    assert {row["agent_roles__role"] for row in agents} == {AgentRole.DRAFTER, None}


def test_the_search_reads_the_routers_database(settings):
    """With replicas, an engine reads (stamp, counts, page, arrays) where the router sends
    reads: a replica, and the primary once the context has written (read-your-writes).
    No test transaction here: inside one the router keeps every read on the primary."""
    import copy

    from archive_site import db_router
    from catalogue.search.facet_engine import read_alias

    wired = {k: settings.DATABASES.pop(k) for k in list(settings.DATABASES) if k != "default"}
    db_router.reset()
    try:
        assert read_alias() == "default"
        settings.DATABASES["replica_1"] = copy.deepcopy(settings.DATABASES["default"])
        assert read_alias() == "replica_1"
        db_router.PrimaryReplicaRouter().db_for_write(Document)
        assert read_alias() == "default"
    finally:
        db_router.reset()
        settings.DATABASES.pop("replica_1", None)
        settings.DATABASES.update(wired)


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_short_facets_equal_the_sql_engine(corpus, limit, monkeypatch):  # noqa: F811
    """A facet of ``limit`` values keeps only the values counted at least as often as
    the ``limit``-th: ties at that count still order as the SQL engine orders them."""
    cuts = []
    top = facet_arrays._top

    def recording_top(distinct, counts, limit):
        kept = top(distinct, counts, limit)
        cuts.append((distinct.size, kept[0].size))
        return kept

    monkeypatch.setattr(facet_arrays, "_top", recording_top)
    for state in generated_states(corpus, n=40, seed=limit):
        cache.clear()
        fast = ArrayFacetEngine(filterset(state)).counts(FACETS, limit)
        cache.clear()
        slow = FacetEngine(filterset(state)).counts(FACETS, limit)
        assert fast == slow, state
    assert sum(kept < given for given, kept in cuts) > 20  # values were left out


def test_a_top_value_without_a_label_gives_way_to_the_next():
    """A value counted often but without a label (gone from the labels) is not shown;
    the facet then still has ``limit`` values when enough have labels."""
    engine = ArrayFacetEngine.__new__(ArrayFacetEngine)
    engine.pg = False
    spec = next(s for s in FACETS if s.name == "type")
    types = [9] * 50 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * 2
    labels = {pk: (f"key{pk}", f"Type {pk}", None, pk) for pk in (1, 2, 3, 4)}
    snap = SimpleNamespace(columns={"type": np.array(types)}, labels={"type": labels})
    ids = np.arange(len(types))
    shown = engine._facet(snap, spec, ids, 2)
    assert [(row["doc_type__key"], row["n"]) for row in shown] == [("key1", 5), ("key2", 4)]
