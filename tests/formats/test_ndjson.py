"""The NDJSON export's batching: records built many at a time (id ranges, raw rows)
are exactly the records built one at a time, whatever falls inside a batch's range."""

import datetime
import gc

import orjson
import pytest
from django.utils import timezone

from catalogue import models as m
from catalogue.api.serializers import UnitPaths, document_record, document_records
from catalogue.formats import ndjson
from tests.api.conftest import build_tree, rich_document


@pytest.fixture
def mixed(db):
    """Published documents with drafts between them, so a public batch has gaps whose
    related rows fall inside the batch's id range."""
    _, _, folder = build_tree()
    docs = []
    for i in range(7):
        status = m.PublicationStatus.DRAFT if i % 3 == 1 else m.PublicationStatus.PUBLISHED
        doc = rich_document(unit=folder, n_related=2, status=status)
        docs.append(doc)
    first = docs[0]
    first.routing = ["Dept pass White House.", "Eyes only — «Secretary»."]
    first.time = datetime.time(22, 50)
    first.received_time = datetime.time(23, 59, 30)
    first.needs_review = True
    first.published_at = timezone.make_aware(datetime.datetime(1962, 10, 31, 8, 5, 7, 12))
    first.save()
    m.DigitalObject.objects.create(
        document=first, page_number=1, image="pages/1/p1.png", width=10, height=12
    )
    return docs


def one_at_a_time(queryset, *, public):
    return [
        document_record(pk, UnitPaths(), queryset=queryset, public=public)
        for pk in queryset.order_by("pk").values_list("pk", flat=True)
    ]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1000])
def test_batched_records_equal_single_records(mixed, chunk_size):
    everything = list(ndjson.records("documents", chunk_size=chunk_size))
    assert everything == one_at_a_time(m.Document.objects.all(), public=False)
    assert [r["id"] for r in everything] == sorted(d.pk for d in m.Document.objects.all())


@pytest.mark.parametrize("chunk_size", [2, 1000])
def test_public_batches_leave_out_what_their_range_covers(mixed, client, chunk_size):
    from django.contrib.auth.models import AnonymousUser

    public = list(ndjson.records("documents", user=AnonymousUser(), chunk_size=chunk_size))
    published = m.Document.objects.published()
    assert [r["id"] for r in public] == sorted(published.values_list("pk", flat=True))
    assert public == one_at_a_time(published, public=True)
    drafts = set(m.Document.objects.exclude(status="published").values_list("pk", flat=True))
    body = orjson.dumps(public).decode()
    assert all(f'"target_id":{pk},' not in body for pk in drafts)


def test_scattered_ids_take_the_in_list_path(mixed):
    # Ids far apart relative to their number: the range would be mostly other rows.
    ids = [mixed[0].pk, mixed[-1].pk]
    assert ids[1] - ids[0] >= 2 * len(ids)
    found = dict(
        document_records(m.Document.objects.filter(pk__in=ids).order_by("pk"), UnitPaths())
    )
    assert list(found) == ids
    for pk in ids:
        assert found[pk] == document_record(pk, UnitPaths())
        assert {a["id"] for a in found[pk]["agents"]} == set(
            m.DocumentAgent.objects.filter(document_id=pk).values_list("agent_id", flat=True)
        )


def test_raw_rows_are_formatted_as_the_model_values_are(mixed):
    doc = m.Document.objects.get(pk=mixed[0].pk)
    (record,) = [r for r in ndjson.records("documents") if r["id"] == doc.pk]
    assert record["routing"] == ["Dept pass White House.", "Eyes only — «Secretary»."]
    assert record["time"] == "22:50"
    assert record["received_time"] == "23:59"
    assert record["needs_review"] is True
    assert record["published_at"] == "1962-10-31T08:05:07.000012Z"
    assert record["created_at"] == doc.created_at.isoformat().replace("+00:00", "Z")
    assert record["updated_at"] == doc.updated_at.isoformat().replace("+00:00", "Z")
    (page,) = record["pages"]
    created = m.DigitalObject.objects.get(document=doc).created_at
    assert page["created_at"] == created.isoformat().replace("+00:00", "Z")
    other = next(r for r in ndjson.records("documents") if r["id"] == mixed[2].pk)
    assert other["needs_review"] is False and other["published_at"] is None


def test_blocks_hold_whole_lines_in_order(mixed):
    lines = list(ndjson.encoded_lines("documents"))
    blocks = list(ndjson.encoded_blocks("documents", block_bytes=len(lines[0]) + 1))
    assert b"".join(b for b, _ in blocks) == b"".join(lines)
    assert sum(n for _, n in blocks) == len(lines) == m.Document.objects.count()
    assert all(b.endswith(b"\n") and b.count(b"\n") == n for b, n in blocks)
    assert 1 < len(blocks) < len(lines)
    assert b"".join(ndjson.stream("documents")) == b"".join(lines)


def test_fewer_collections_restores_the_collector():
    before = gc.get_threshold()
    with ndjson.fewer_collections():
        assert gc.get_threshold()[0] > before[0]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
