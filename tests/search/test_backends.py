"""The same search cases on whichever database the suite runs on (SQLite FTS5 locally,
PostgreSQL under scripts/with-postgres.sh): both backends must behave alike."""

import pytest
from django.core.management import call_command
from django.db import connection

from catalogue.models import Agent, Document, Footnote, PublicationStatus
from catalogue.search import get_backend, schema
from catalogue.search.signals import ensure_search_index
from tests.factories import AgentNameFactory, DocumentFactory, FootnoteFactory
from tests.search.helpers import index_segments

pytestmark = pytest.mark.django_db


def hits(query, queryset=None):
    queryset = Document.objects.published() if queryset is None else queryset
    return list(get_backend().filter(queryset, query).order_by("-rank", "pk"))


def ids(query):
    return {d.pk for d in hits(query)}


def test_backend_matches_the_database():
    expected = {"sqlite": "sqlite-fts5", "postgresql": "postgresql"}[connection.vendor]
    assert get_backend().name == expected


def test_searches_title_text_footnotes_source_note_and_agent_names(corpus):
    assert ids("quarantine") == {corpus["titled"].pk}
    assert ids("reconnaissance") == {corpus["body"].pk}
    assert ids("gilpatric") == {corpus["noted"].pk}
    assert ids("telcons") == {corpus["noted"].pk}
    assert ids("akalovsky") == {corpus["agented"].pk}
    assert ids("akalovskii") == {corpus["agented"].pk}


def test_stemming_prefix_phrase_and_or(corpus):
    assert ids("dismantle") == {corpus["body"].pk}
    assert ids("dismantl*") == {corpus["body"].pk}
    assert ids('"lay off the aerial"') == {corpus["body"].pk}
    assert ids('"aerial lay"') == set()
    assert ids("quarantine OR reconnaissance") == {corpus["titled"].pk, corpus["body"].pk}
    assert ids("quarantine reconnaissance") == set()


def test_drafts_are_never_found_through_the_published_queryset(corpus):
    assert ids("zanzibar") == set()
    assert corpus["draft"].pk not in ids("dismantling")


def test_title_match_ranks_above_body_match(db):
    in_body = DocumentFactory(title="Memorandum", text="The blockade was discussed at length.")
    in_title = DocumentFactory(title="The blockade", text="Discussed at length.")
    ranked = hits("blockade")
    assert [d.pk for d in ranked] == [in_title.pk, in_body.pk]
    assert ranked[0].rank > ranked[1].rank


def test_rank_annotation_survives_use_as_a_subquery(corpus):
    matching = get_backend().filter(Document.objects.published(), "quarantine")
    assert list(Document.objects.filter(pk__in=matching.values("pk"))) == [corpus["titled"]]


def test_snippets_highlight_and_escape(db):
    document = DocumentFactory(title="T", text="<script>alert(1)</script> the blockade held & so")
    snippet = get_backend().snippets([document.pk], "blockade")[document.pk]
    assert "<mark>blockade</mark>" in snippet
    rest = str(snippet).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in rest and ">" not in rest


def test_index_follows_saves_updates_and_deletes(db):
    document = DocumentFactory(title="Alpha", text="nothing here")
    assert ids("alpha") == {document.pk}
    document.title = "Bravo"
    document.save()
    assert ids("alpha") == set() and ids("bravo") == {document.pk}
    Document.objects.filter(pk=document.pk).update(text="charlie appears")
    assert ids("charlie") == {document.pk}
    footnote = FootnoteFactory(document=document, number=1, text="delta in a note")
    assert ids("delta") == {document.pk}
    Footnote.objects.filter(pk=footnote.pk).update(text="echo in a note")
    assert ids("delta") == set() and ids("echo") == {document.pk}
    footnote.delete()
    assert ids("echo") == set()
    Footnote.objects.bulk_create([Footnote(document=document, number=2, text="foxtrot")])
    assert ids("foxtrot") == {document.pk}
    document.delete()
    assert ids("bravo") == set()
    assert get_backend().indexed_count() == Document.objects.count()


def test_index_follows_agent_renames_and_new_variant_names(corpus):
    agent = Agent.objects.get(pk=corpus["drafter"].pk)
    agent.authorised_name = "Aleksandr Akalovskiy"
    agent.save()
    assert ids("aleksandr") == {corpus["agented"].pk}
    AgentNameFactory(agent=agent, name="Akalowski")
    assert ids("akalowski") == {corpus["agented"].pk}


def test_status_changes_do_not_need_reindexing(corpus):
    draft = corpus["draft"]
    draft.status = PublicationStatus.PUBLISHED
    draft.save()
    assert ids("zanzibar") == {draft.pk}


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "NEAR(castro khrushchev",
        "castro AND OR NOT",
        "((((",
        ")))",
        "*",
        "a*",
        "-castro",
        "title:castro",
        "castro^2",
        "' OR 1=1 --",
        "\x00\x07\x1b[31m",
        "x" * 5000,
        " ".join(["castro"] * 500),
        "Кузнецов",
        "中文 搜索",
        "مرحبا",
        "😀 castro",
        "\\",
        "'",
        "''",
        ":*",
        "!castro",
        "castro & khrushchev | !x <-> y",
        "&",
        "_",
        "{}[]",
    ],
)
def test_hostile_queries_never_raise(corpus, query):
    results = hits(query)
    get_backend().snippets([d.pk for d in results], query)


def test_index_documents_repairs_a_missing_row(db):
    document = DocumentFactory(title="Golf", text="hotel")
    get_backend().clear()
    assert ids("golf") == set()
    get_backend().index_documents([document.pk])
    assert ids("golf") == {document.pk}


def test_rebuild_command(db, capsys):
    DocumentFactory(title="India", text="juliet")
    get_backend().clear()
    call_command("rebuild_search_index", "--dry-run")
    assert "would index 1 documents" in capsys.readouterr().out
    assert ids("india") == set()
    call_command("rebuild_search_index")
    assert "Indexed 1 of 1 documents" in capsys.readouterr().out
    assert ids("india") != set()


def test_post_migrate_restores_lost_triggers_and_rebuilds(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER catalogue_search_doc_ins")
        else:
            cursor.execute("DROP TRIGGER catalogue_search_doc ON catalogue_document")
    document = DocumentFactory(title="Kilo", text="lima")
    assert ids("kilo") == set()
    ensure_search_index(sender=None, using="default")
    assert ids("kilo") == {document.pk}
    other = DocumentFactory(title="Mike", text="november")
    assert ids("mike") == {other.pk}


def test_schema_reports_installed(db):
    assert schema.is_installed(connection)


def test_index_rows_are_not_data(db, capsys):
    """dumpdata and other model-walking tools see no index rows (they are derived)."""
    DocumentFactory(title="Oscar")
    call_command("dumpdata", "catalogue", "--all")
    assert "documentsearchentry" not in capsys.readouterr().out
    assert ids("oscar")


def test_optimize_compacts_the_index_and_finds_the_same(db):
    documents = [DocumentFactory(title=f"Oscar {n}", text="papa quebec") for n in range(6)]
    before = {query: ids(query) for query in ("oscar", "papa", '"papa quebec"')}
    assert before["papa"] == {d.pk for d in documents}
    if connection.vendor == "sqlite":
        assert index_segments() > 1  # each write added one
    assert get_backend().optimize() is (connection.vendor == "sqlite")
    assert {query: ids(query) for query in before} == before
    if connection.vendor == "sqlite":
        assert index_segments() == 1


def test_rebuild_command_compacts_and_its_optimize_option_only_compacts(db, capsys, monkeypatch):
    """A rebuild ends compacted (at 100,000 documents its refill leaves many segments;
    a test's few documents fit in one, so the calls are counted)."""
    backend = get_backend()
    compactions = []
    real = type(backend).optimize

    def counted(self):
        compactions.append(1)
        return real(self)

    monkeypatch.setattr(type(backend), "optimize", counted)
    for n in range(4):
        DocumentFactory(title=f"Romeo {n}", text="sierra")
    sqlite = connection.vendor == "sqlite"
    call_command("rebuild_search_index", "--optimize", "--dry-run")
    out = capsys.readouterr().out
    assert ("would compact" if sqlite else "Nothing to compact") in out
    assert not compactions
    if sqlite:
        assert index_segments() > 1
    call_command("rebuild_search_index", "--optimize")
    out = capsys.readouterr().out
    assert (
        "Compacted the sqlite-fts5 index of 4 documents" if sqlite else "Nothing to compact"
    ) in out
    assert len(compactions) == int(sqlite)
    if sqlite:
        assert index_segments() == 1
    assert len(ids("sierra")) == 4
    DocumentFactory(title="Tango", text="sierra")
    call_command("rebuild_search_index")
    assert "Indexed 5 of 5 documents" in capsys.readouterr().out
    assert len(ids("sierra")) == 5
    assert len(compactions) == 1 + int(sqlite)
    backend.rebuild()  # on SQLite it compacts too; PostgreSQL has nothing to compact
    assert len(compactions) == 1 + 2 * int(sqlite)
    assert len(ids("sierra")) == 5


@pytest.mark.parametrize(
    "query",
    [
        "quarantine",
        "dismantl*",
        '"lay off the aerial"',
        "quarantine OR reconnaissance",
        "akalovskii",
        "zanzibar",
        "the",
    ],
)
def test_restricting_by_scan_finds_what_restricting_by_id_finds(corpus, query):
    """The two plans of ``restrict`` are one restriction: drafts stay out of the
    published queryset, variant names still find their agents' documents."""
    published = Document.objects.published()
    by_id = get_backend().restrict(published, query).values_list("pk", flat=True)
    by_scan = get_backend().restrict(published, query, by_scan=True)
    assert set(by_scan.values_list("pk", flat=True)) == set(by_id)
    assert by_scan.count() == len(by_id)


def test_the_share_of_documents_a_query_matches(db):
    for n in range(8):
        DocumentFactory(title=f"Memo {n}", text="The quarantine." if n < 6 else "Nothing.")
    share = get_backend().matched_share
    if connection.vendor == "sqlite":
        # Over the highest id: documents made by other tests' factories are gone.
        highest = Document.objects.order_by("-pk").values_list("pk", flat=True)[0]
        assert share("quarantine") == pytest.approx(6 / highest)
        assert share("zanzibar") == 0.0
        assert share("the") == 0.0  # only stop words: nothing is searched
    else:
        assert share("quarantine") is None
