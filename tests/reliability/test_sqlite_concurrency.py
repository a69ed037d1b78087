"""SQLite on a real file, as a deployment runs it: WAL mode, a busy timeout and
IMMEDIATE write transactions, so readers never wait for an import and concurrent
writers queue instead of failing with "database is locked".

Ordering is shown with marker files, never with timings: the reader leaves a marker
*while* the writer still holds its transaction open, and the writer checks for it
before committing."""

import json
import subprocess
import sys

import pytest

from tests.reliability.helpers import ROOT, env_for, manage, postgres_available, python_json

# SQLite file databases in subprocesses: the same on both legs of the suite, so they run
# on the SQLite leg only.
sqlite_leg_only = pytest.mark.skipif(
    postgres_available(), reason="SQLite-file test; runs on the SQLite leg"
)

pytestmark = [
    sqlite_leg_only,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

PRELUDE = "import django, json, sys, time\nfrom pathlib import Path\ndjango.setup()\n"


def spawn(env, code, *args):
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + code, *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process, timeout=120):
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"process did not finish:\n{out}\n{err}") from None
    assert process.returncode == 0, f"{out}\n{err}"
    return json.loads(out.strip().splitlines()[-1])


def wait_for(path, process, limit=60.0):
    """Wait for a marker file (bounded, so a broken test fails instead of hanging)."""
    import time

    deadline = time.monotonic() + limit
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"process ended early:\n{process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.05)


@pytest.fixture
def file_db(tmp_path):
    env = env_for(f"sqlite:///{tmp_path / 'catalogue'}.sqlite3", tmp_path / "media")
    manage(env, "migrate", "--noinput")
    return env


def test_file_database_uses_wal_busy_timeout_and_immediate_transactions(file_db):
    state = python_json(
        file_db,
        """
from django.db import connection
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode"); mode = c.fetchone()[0]
    c.execute("PRAGMA busy_timeout"); busy = c.fetchone()[0]
print(json.dumps({"mode": mode, "busy": busy,
                  "tx": connection.settings_dict["OPTIONS"].get("transaction_mode")}))
""",
    )
    assert state == {"mode": "wal", "busy": 20000, "tx": "IMMEDIATE"}


LONG_WRITER = """
from django.db import transaction
from tests import factories as f
marker_dir = Path(sys.argv[1])
with transaction.atomic():
    f.DocumentFactory(title="written inside a long transaction", unit__title="long unit")
    (marker_dir / "writing").touch()
    deadline = time.monotonic() + 60
    while not (marker_dir / "read-done").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    reader_finished_while_locked = (marker_dir / "read-done").exists()
print(json.dumps({"reader_finished_while_locked": reader_finished_while_locked}))
"""

READER = """
from catalogue.models import Document
from django.db import connection
marker_dir = Path(sys.argv[1])
count = Document.objects.count()
titles = list(Document.objects.values_list("title", flat=True))
(marker_dir / "read-done").touch()
print(json.dumps({"count": count, "titles": titles}))
"""


def test_reads_do_not_wait_for_a_long_write_transaction(file_db, tmp_path):
    python_json(
        file_db,
        "from tests import factories as f\nf.DocumentFactory(title='before')\nprint(1)",
    )
    writer = spawn(file_db, LONG_WRITER, tmp_path)
    wait_for(tmp_path / "writing", writer)
    reader = spawn(file_db, READER, tmp_path)
    read = finish(reader)
    # The reader finished while the writer still held its transaction open...
    assert finish(writer) == {"reader_finished_while_locked": True}
    # ...and saw the last committed state, not the uncommitted row.
    assert read == {"count": 1, "titles": ["before"]}


QUEUED_WRITER = """
from django.db import transaction
from catalogue.models import Document
from tests import factories as f
name, rounds = sys.argv[1], int(sys.argv[2])
unit = f.UnitFactory(title=f"Unit of {name}")
for i in range(rounds):
    # Read, pause, then write in one transaction: with DEFERRED transactions a second
    # writer fails at the upgrade with "database is locked" (SQLITE_BUSY_SNAPSHOT,
    # which the busy timeout cannot wait out); IMMEDIATE makes it queue at BEGIN.
    with transaction.atomic():
        seen = Document.objects.count()
        time.sleep(0.02)
        f.DocumentFactory(title=f"{name} {i} after {seen}", unit=unit)
print(json.dumps({"wrote": rounds}))
"""


def test_concurrent_writers_queue_instead_of_failing(file_db):
    rounds = 25
    writers = [spawn(file_db, QUEUED_WRITER, name, rounds) for name in ("alpha", "beta", "gamma")]
    results = [finish(w) for w in writers]
    assert results == [{"wrote": rounds}] * 3
    total = python_json(
        file_db,
        "from catalogue.models import Document\nprint(Document.objects.count())",
    )
    assert total == 3 * rounds


BLOCKED_WRITER = """
from tests import factories as f
f.DocumentFactory(title="queued write", unit=f.UnitFactory(title="queued unit"))
print(json.dumps("ok"))
"""


def test_a_writer_waits_for_a_long_transaction_then_succeeds(file_db, tmp_path):
    holder = spawn(
        file_db,
        LONG_WRITER.replace('(marker_dir / "read-done").exists()', '(marker_dir / "go").exists()'),
        tmp_path,
    )
    wait_for(tmp_path / "writing", holder)
    queued = spawn(file_db, BLOCKED_WRITER)
    # The second writer is blocked while the first holds the lock; let the first commit.
    (tmp_path / "go").touch()
    finish(holder)
    assert finish(queued) == "ok"
    titles = python_json(
        file_db,
        "from catalogue.models import Document\n"
        "print(json.dumps(sorted(Document.objects.values_list('title', flat=True))))",
    )
    assert titles == ["queued write", "written inside a long transaction"]
