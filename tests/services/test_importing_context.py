"""What an import run remembers between batches (``CatalogueContext``) gives the
answers a fresh look-up would."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import models as m
from catalogue.importers.avalon import parse_document
from catalogue.services.cataloguing import CatalogueContext, catalogue_document

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TEXTS = Path(__file__).resolve().parent.parent / "importers" / "texts"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"  # footnote 2: "printed as Document 102"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"

pytestmark = pytest.mark.django_db


def parse(path: Path, replace: tuple[str, str] | None = None):
    data = path.read_bytes()
    if replace:
        assert replace[0].encode() in data
        data = data.replace(replace[0].encode(), replace[1].encode())
    return parse_document(data, filename=str(path), max_bytes=2_000_000)


def number(document, value):
    m.Citation.objects.filter(document=document, kind="published_in").update(document_number=value)


def test_frus_numbers_are_asked_once_and_again_after_an_update_drops_them():
    first, _ = catalogue_document(parsed=parse(TELEGRAM))
    second, _ = catalogue_document(parsed=parse(TEXTS / "letter_khrushchev_to_kennedy.txt"))
    assert first.pk < second.pk
    number(first, 102)
    number(second, 102)
    context = CatalogueContext()

    doc, outcome = catalogue_document(parsed=parse(TELCON), context=context)
    assert outcome == "created" and doc.relations.get().target == first

    with CaptureQueriesContext(connection) as queries:
        again, outcome = catalogue_document(
            parsed=parse(TELCON, ("incredible", "unbelievable")), context=context
        )
    assert outcome == "updated" and again.relations.get().target == first
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert selects and not [sql for sql in selects if "document_number" in sql]

    # Updating the first record replaces its citations (its number with them): the
    # number now points at the second, as a fresh context would say.
    _doc, outcome = catalogue_document(
        parsed=parse(TELEGRAM, ("pleasantries", "courtesies")), context=context
    )
    assert outcome == "updated"
    assert not m.Citation.objects.filter(document=first, document_number=102).exists()
    latest, outcome = catalogue_document(
        parsed=parse(TELCON, ("incredible", "astonishing")), context=context
    )
    assert outcome == "updated" and latest.relations.get().target == second
    fresh, _ = catalogue_document(
        parsed=parse(TELCON, ("incredible", "remarkable")), context=CatalogueContext()
    )
    assert fresh.relations.get().target == second


def test_units_named_by_texts_are_matched_like_a_full_load(django_assert_num_queries):
    catalogue_document(parsed=parse(TELCON))
    unit = m.Document.objects.get().unit
    context = CatalogueContext()
    parsed = parse(TELCON, ("incredible", "unbelievable"))
    repository, found = context.location(parsed.source_note.location)
    assert found.pk == unit.pk and repository.pk == unit.repository_id
    assert (found.tree_path, found.depth, found.title) == (unit.tree_path, unit.depth, unit.title)
    # The same object each time it is named, and no query once the tree is read.
    with django_assert_num_queries(0):
        assert context.location(parsed.source_note.location)[1] is found
    # A title written differently (case, punctuation) is the same unit.
    location = parsed.source_note.location
    location.units[-1].title = location.units[-1].title.upper() + "."
    assert context.location(location)[1] is found


def test_new_documents_are_what_the_constructor_makes():
    from catalogue.services.cataloguing.instances import new_instance

    made, fast, other = m.Document(), new_instance(m.Document), new_instance(m.Document)
    plain = {k: v for k, v in made.__dict__.items() if k != "_state"}
    assert {k: v for k, v in fast.__dict__.items() if k != "_state"} == plain
    assert (fast._state.adding, fast._state.db, fast._state.fields_cache) == (True, None, {})
    assert fast._state is not other._state and fast.routing is not other.routing
    fast.routing.append("S/S")
    assert other.routing == [] and new_instance(m.Document).routing == []
