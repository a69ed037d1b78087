"""The documents' export built by a worker process: the same bytes as the single-process
path and as the API's records, and a failure on either side leaves nothing behind."""

import datetime
import hashlib
import io
import json
import os
import re

import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from catalogue import models as m
from catalogue.api.serializers import UnitPaths, document_record
from catalogue.formats import ndjson, ndjson_build, ndjson_pipeline, ndjson_rows
from tests.api.conftest import build_tree, rich_document
from tests.commands.test_export_import_catalogue import build_catalogue


def files_of(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.ndjson"))}


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


@pytest.fixture
def catalogue(db):
    published = build_catalogue()
    # Values whose text form differs between drivers and transports: microseconds,
    # seconds on a time, non-ASCII text.
    published.published_at = timezone.make_aware(datetime.datetime(1962, 10, 31, 8, 5, 7, 12))
    published.received_time = datetime.time(23, 59, 30)
    published.title = "Telegram «to» Moscow — 1962"
    published.save()
    return published


@pytest.mark.django_db
def test_worker_writes_the_same_bytes_as_the_single_process_path(catalogue, tmp_path):
    call_command("export_catalogue", str(tmp_path / "worker"), "--worker", verbosity=0)
    call_command("export_catalogue", str(tmp_path / "local"), "--in-process", verbosity=0)

    worker, local = files_of(tmp_path / "worker"), files_of(tmp_path / "local")
    assert worker == local
    assert worker["documents.ndjson"].count(b"\n") == m.Document.objects.count()
    assert worker["documents.ndjson"] == b"".join(ndjson.stream("documents"))
    manifests = [
        json.loads((tmp_path / name / "manifest.json").read_text())["files"]
        for name in ("worker", "local")
    ]
    assert manifests[0] == manifests[1]
    assert leftovers(tmp_path / "worker") == leftovers(tmp_path / "local") == []


@pytest.mark.django_db
def test_records_are_the_api_records_byte_for_byte(catalogue):
    records = list(ndjson.records("documents", chunk_size=2))
    assert len(records) == m.Document.objects.count()
    for record in records:
        api = document_record(record["id"], UnitPaths())
        assert orjson.dumps(record) == orjson.dumps(api)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(1962, 10, 31, 8, 5, 7, 12), "1962-10-31T08:05:07.000012Z"),
        (datetime.datetime(1962, 10, 31, 8, 5), "1962-10-31T08:05:00Z"),
        (
            datetime.datetime(1962, 10, 31, 8, 5, 7, 12, tzinfo=datetime.UTC),
            "1962-10-31T08:05:07.000012Z",
        ),
        (
            datetime.datetime(
                1962, 10, 31, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=3))
            ),
            "1962-10-31T08:05:00+03:00",
        ),
    ],
)
def test_datetimes_read_as_text_keep_the_api_form(value, expected):
    # Naive values are UTC as Django stores them on SQLite. The worker receives
    # datetimes as orjson's ISO text; SQLite's raw text has a space.
    assert ndjson_build.iso_datetime(value) == expected
    assert ndjson_build.iso_datetime(orjson.loads(orjson.dumps(value))) == expected
    if value.tzinfo is None:
        assert ndjson_build.iso_datetime(value.isoformat(" ")) == expected


@pytest.mark.django_db
def test_public_batches_with_scattered_ids_read_an_in_list():
    _, _, folder = build_tree()
    first = rich_document(unit=folder)
    for _ in range(4):
        rich_document(unit=folder, status=m.PublicationStatus.DRAFT)
    last = rich_document(unit=folder)
    m.Document.objects.exclude(pk__in=[first.pk, last.pk]).update(status="draft")
    published = m.Document.objects.published()
    ids = sorted(published.values_list("pk", flat=True))
    # One batch of two whose id range would mostly be drafts' rows.
    assert ids == [first.pk, last.pk] and last.pk - first.pk >= 2 * len(ids)

    public = list(ndjson.records("documents", user=AnonymousUser(), chunk_size=2))
    assert [r["id"] for r in public] == ids
    for record in public:
        api = document_record(record["id"], UnitPaths(), queryset=published, public=True)
        assert orjson.dumps(record) == orjson.dumps(api)


@pytest.mark.django_db
def test_unit_paths_load_units_created_after_the_preload():
    _, _, folder = build_tree()
    paths = ndjson_build.Paths({}, load=ndjson_rows.load_units)
    assert paths.labels(folder.tree_path) == UnitPaths().labels(folder.tree_path)
    assert paths.labels(folder.tree_path) == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]


@pytest.mark.django_db
def test_a_failing_worker_leaves_the_previous_export_as_it_was(catalogue, tmp_path):
    call_command("export_catalogue", str(tmp_path), "--worker", verbosity=0)
    before = files_of(tmp_path)
    manifest = (tmp_path / "manifest.json").read_bytes()
    # A routing that is not a list: only the builder, in the worker, notices.
    m.Document.objects.filter(pk=catalogue.pk).update(routing=5)

    with pytest.raises(CommandError, match=r"nothing written: .*TypeError") as failure:
        call_command("export_catalogue", str(tmp_path), "--worker", "--force", verbosity=0)
    first, last = map(int, re.search(r"documents (\d+)–(\d+)", str(failure.value)).groups())
    assert first <= catalogue.pk <= last
    assert files_of(tmp_path) == before
    assert (tmp_path / "manifest.json").read_bytes() == manifest
    assert leftovers(tmp_path) == []


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["--worker", "--in-process"])
def test_a_failed_export_into_a_new_directory_leaves_no_directory(catalogue, tmp_path, mode):
    m.Document.objects.filter(pk=catalogue.pk).update(routing=5)
    target = tmp_path / "new" / "export"
    with pytest.raises((CommandError, TypeError)):
        call_command("export_catalogue", str(target), mode, verbosity=0)
    assert not target.exists()


@pytest.mark.django_db
def test_a_failed_read_stops_the_worker_and_removes_its_file(catalogue, tmp_path):
    queryset = m.Document.objects.order_by("pk")
    path = tmp_path / "documents.ndjson"

    def batches():
        yield from ndjson_rows.read_batches(queryset, chunk_size=1)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        ndjson_pipeline.write_documents(
            path,
            batches(),
            units=ndjson_rows.unit_labels(),
            urls=ndjson_rows.urls(),
            block_bytes=1,
        )
    assert not path.exists()


@pytest.mark.django_db
def test_the_worker_reports_what_it_wrote(catalogue, tmp_path):
    path = tmp_path / "documents.ndjson"
    seen = []
    report = ndjson_pipeline.write_documents(
        path,
        ndjson_rows.read_batches(m.Document.objects.all(), chunk_size=2),
        units=ndjson_rows.unit_labels(),
        urls=ndjson_rows.urls(),
        block_bytes=64,
        progress=seen.append,
    )
    data = path.read_bytes()
    assert report["records"] == sum(seen) == m.Document.objects.count() == data.count(b"\n")
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    assert report["bytes"] == len(data)
    assert data == b"".join(ndjson.stream("documents"))


@pytest.mark.django_db
def test_the_summary_names_both_processes_peaks(catalogue, tmp_path):
    out = io.StringIO()
    call_command("export_catalogue", str(tmp_path), "--worker", stdout=out)
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc to read a peak from")
    main, worker, total = map(
        int, re.search(r"peak RSS (\d+) MB \+ worker (\d+) MB = (\d+) MB", out.getvalue()).groups()
    )
    assert main > worker > 0 and abs(total - main - worker) <= 1
