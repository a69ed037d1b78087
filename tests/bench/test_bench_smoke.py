"""A tiny run of the benchmark suite: it must produce a complete table, and the query
count of every page must not grow when the catalogue doubles. No timing assertions."""

import json
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalogue.bench import report


def _database_for_this_run() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("bench")
    stdout = StringIO()
    call_command(
        "run_benchmarks",
        "--tiers=150,300",
        f"--databases={_database_for_this_run()}",
        "--rounds=1",
        "--import-files=20",
        f"--out={out_dir}",
        stdout=stdout,
        stderr=StringIO(),
    )
    data = json.loads((out_dir / "latest.json").read_text())
    return data, stdout.getvalue(), out_dir


def test_table_is_complete(smoke):
    data, printed, out_dir = smoke
    assert [r["tier"] for r in data["runs"]] == [150, 300]
    assert report.is_complete(data), [r.get("error") for r in data["runs"]]
    for _key, label, *_ in report.ROWS:
        assert label in printed
        assert label in (out_dir / "latest.md").read_text()
    missing = {
        (run["tier"], key): m["not_available"]
        for run in data["runs"]
        for key, m in run["measurements"].items()
        if "not_available" in m
    }
    assert not missing, missing
    for run in data["runs"]:
        m = run["measurements"]
        assert m["generate"]["documents"] == run["tier"]
        assert m["search"]["requests"] == m["search"]["queries_in_set"]
        for key in report.QUERY_ROWS:
            assert m[key]["p50_ms"] <= m[key]["p95_ms"] <= m[key]["p99_ms"]
            assert m[key]["statuses"] == [200]
        # Cold requests really miss the caches: the warm page comes from the page cache.
        assert m["document_page_cold"]["queries_min"] > m["document_page"]["queries_max"]
        assert 20 < m["export"]["peak_rss_mb"] < 1000
        if data["machine"]["cores"] > 1:  # the export builds documents in a worker
            worker = m["export"]["worker_peak_rss_mb"]
            assert worker and m["export"]["peak_rss_mb"] > worker
        assert m["export"]["documents_exported"] >= run["tier"] * 0.8
        assert m["import"]["files"] == 20
        assert len(m["browse_pages"]["urls"]) == 4  # agents, chronology twice, a unit
    assert data["machine"]["cores"] and data["machine"]["python"]
    assert all(r["database_version"] for r in data["runs"])
    for run in data["runs"]:  # the machine's speed beside each tier's figures
        assert run["calibration_at_start"]["cpu_s"] > 0 < run["calibration_at_end"]["cpu_s"]
    assert "Machine speed, CPU seconds for a fixed task" in printed


def test_query_counts_do_not_grow_with_the_catalogue(smoke):
    data, _printed, _out = smoke
    small, large = data["runs"]
    for key in report.QUERY_ROWS:
        a = small["measurements"][key]["queries_max"]
        b = large["measurements"][key]["queries_max"]
        assert b <= a, f"{key}: {a} queries at 150 documents, {b} at 300"


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(CommandError, match="Unknown database"):
        call_command("run_benchmarks", "--databases=oracle", f"--out={tmp_path}")
    with pytest.raises(CommandError, match="tiers"):
        call_command("run_benchmarks", "--tiers=ten", f"--out={tmp_path}")
    out = StringIO()
    call_command("run_benchmarks", "--tiers=1000", "--dry-run", f"--out={tmp_path}", stdout=out)
    assert "dry run" in out.getvalue() and not any(tmp_path.iterdir())
