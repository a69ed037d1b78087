"""The import's background checkpoints, on real SQLite files in WAL mode (the in-memory
test database has no write-ahead log)."""

import shutil
import sqlite3
import threading

import pytest

from catalogue.services.checkpoints import BackgroundCheckpointer, wal_file_of
from tests.reliability.helpers import env_for, manage, postgres_available, python_json

SEEDS = "tests/data/seeds"


def wal_database(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer copies frames
    db.execute("CREATE TABLE t (x TEXT)")
    return db


def rows_in_main_file(path, tmp_path):
    """What the database file holds without its log: a copy of the file alone."""
    copy = tmp_path / "main-file-only.sqlite3"
    shutil.copyfile(path, copy)
    db = sqlite3.connect(copy)
    try:
        return db.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        db.close()


def test_committed_frames_reach_the_database_file(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    db = wal_database(path)
    with BackgroundCheckpointer(str(path)) as checkpointer:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
        db.execute("COMMIT")
        checkpointer.committed()
    assert checkpointer.passes >= 1
    assert rows_in_main_file(path, tmp_path) == 200
    db.close()


def test_without_it_the_rows_stay_in_the_log(tmp_path):
    """The control for the test above: with no checkpoint the file alone lacks the rows."""
    path = tmp_path / "catalogue.sqlite3"
    db = wal_database(path)
    db.execute("INSERT INTO t VALUES ('x')")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        rows_in_main_file(path, tmp_path)
    db.close()


def checkpoint_threads():
    return [t for t in threading.enumerate() if t.name == "catalogue-wal-checkpoint"]


def test_the_thread_starts_at_the_first_commit_and_is_gone_after(tmp_path):
    """Parsing workers are forked only while this process has one thread: the
    checkpointer must not start before the first batch has committed."""
    path = tmp_path / "catalogue.sqlite3"
    db = wal_database(path)
    with BackgroundCheckpointer(str(path)) as checkpointer:
        assert checkpoint_threads() == []
        db.execute("INSERT INTO t VALUES ('x')")
        checkpointer.committed()
        assert len(checkpoint_threads()) == 1
    assert checkpoint_threads() == []
    db.close()


def test_a_commit_reported_after_the_block_starts_no_thread(tmp_path):
    """An import inside an enclosing transaction commits when that ends, after the
    import has left the block: nothing may start then that nothing would stop."""
    path = tmp_path / "catalogue.sqlite3"
    wal_database(path).close()
    with BackgroundCheckpointer(str(path)) as checkpointer:
        pass
    checkpointer.committed()
    assert checkpoint_threads() == []


class SlowCheckpoints:
    """A connection whose first checkpoint waits until the test lets it finish."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.started, self.release = threading.Event(), threading.Event()
        self.calls = 0

    def execute(self, sql):
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            self.release.wait(10)
        return self.db.execute(sql)

    def close(self):
        self.db.close()


def test_a_commit_during_a_pass_gets_a_pass_of_its_own(tmp_path, monkeypatch):
    path = tmp_path / "catalogue.sqlite3"
    db = wal_database(path)
    slow = SlowCheckpoints(path)
    monkeypatch.setattr("catalogue.services.checkpoints.sqlite3.connect", lambda *a, **k: slow)
    with BackgroundCheckpointer(str(path)) as checkpointer:
        db.execute("INSERT INTO t VALUES ('first')")
        checkpointer.committed()
        assert slow.started.wait(10)
        db.execute("INSERT INTO t VALUES ('last')")  # committed while the pass runs
        checkpointer.committed()
        slow.release.set()
    monkeypatch.undo()
    assert slow.calls == 2
    assert checkpointer.passes == 2, checkpointer.last
    assert rows_in_main_file(path, tmp_path) == 2
    db.close()


def test_a_database_it_cannot_open_only_skips_checkpoints(tmp_path):
    with BackgroundCheckpointer(str(tmp_path / "missing" / "db.sqlite3")) as checkpointer:
        checkpointer.committed()
    assert checkpointer.passes == 0


@pytest.mark.django_db
def test_nothing_to_do_without_a_write_ahead_log():
    from django.db import connection

    assert wal_file_of(connection) is None  # in-memory SQLite, or PostgreSQL
    with BackgroundCheckpointer.for_connection() as checkpointer:
        checkpointer.committed()
    assert checkpointer.passes == 0


@pytest.mark.skipif(postgres_available(), reason="SQLite-file test; runs on the SQLite leg")
def test_an_import_checkpoints_each_batch_behind_its_commits(tmp_path):
    env = env_for(f"sqlite:///{tmp_path / 'catalogue'}.sqlite3", tmp_path / "media")
    manage(env, "migrate", "--noinput")
    state = python_json(
        env,
        f"""
from catalogue.services import checkpoints, importing
seen = {{}}
real_exit = checkpoints.BackgroundCheckpointer.__exit__
def spy(self, *exc):
    real_exit(self, *exc)
    seen["path"], seen["passes"], seen["last"] = self.path, self.passes, self.last
checkpoints.BackgroundCheckpointer.__exit__ = spy
summary = importing.run_import(importing.discover([{SEEDS!r}]), batch_size=1, workers=0)
print(json.dumps({{**seen, "created": summary.count("created")}}))
""",
    )
    assert state["created"] == 2
    assert state["path"] == str(tmp_path / "catalogue.sqlite3")
    assert state["passes"] >= 1
    busy, log, copied = state["last"]
    assert busy == 0 and log == copied > 0  # the last pass copied every frame
