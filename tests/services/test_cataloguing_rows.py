"""The importer's bulk statements (``services.cataloguing.rows``): the same rows and the
same errors whichever cursor sends them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from catalogue import models as m
from catalogue.services.cataloguing.rows import (
    MAX_ROWS_PER_STATEMENT,
    bulk_cursor,
    insert_rows,
    insert_rows_returning_ids,
)
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("document_id", "number", "text", "kind", "anchor_text", "marker_offset")


def footnotes(document, numbers):
    return [(document.pk, n, f"Footnote {n}.", "note", "", None) for n in numbers]


def test_rows_and_ids_come_back_in_order_across_statements():
    document = DocumentFactory()
    rows = footnotes(document, range(1, MAX_ROWS_PER_STATEMENT + 3))  # two statements

    ids = insert_rows_returning_ids(m.Footnote, COLUMNS, rows)

    assert len(ids) == len(rows)
    stored = dict(m.Footnote.objects.filter(document=document).values_list("pk", "number"))
    assert [stored[pk] for pk in ids] == [row[1] for row in rows]


def test_unrecorded_statements_on_sqlite_skip_django_s_cursor():
    with bulk_cursor() as (cursor, mark, limit):
        pass
    if connection.vendor == "sqlite":
        assert (mark, type(cursor).__module__) == ("?", "sqlite3")
        assert limit > connection.features.max_query_params
    else:
        assert mark == "%s"


def test_recorded_statements_are_seen_by_query_counts():
    document = DocumentFactory()
    with CaptureQueriesContext(connection) as captured:
        insert_rows(m.Footnote, COLUMNS, footnotes(document, [1, 2]))
    assert any("catalogue_footnote" in q["sql"] for q in captured.captured_queries)
    assert m.Footnote.objects.filter(document=document).count() == 2


def test_a_failing_statement_raises_django_s_error_and_writes_nothing():
    document = DocumentFactory()
    rows = footnotes(document, [1, 2, 1])  # (document, number) is unique

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(m.Footnote, COLUMNS, rows)

    assert not m.Footnote.objects.filter(document=document).exists()
