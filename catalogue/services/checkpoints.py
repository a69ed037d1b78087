"""Copy an import's committed write-ahead log into the SQLite file while it goes on.

Why: in WAL mode every commit appends the pages it changed to the ``-wal`` file, and a
*checkpoint* copies them into the database file and syncs it. An import raises
SQLite's automatic checkpoint threshold (``services.importing``) so that its batches'
commits do not each copy and sync ~35 MB, but then the whole run's log (~72 MB for
1,000 texts at 100,000 documents) was copied at its last commit: 0.29 s, a sixth of
the import, with the parsing workers idle. A checkpoint can run beside a writer
(``PRAGMA wal_checkpoint(PASSIVE)`` takes no write lock and copies only committed
frames), and SQLite releases the GIL while it runs, so a thread with its own connection
copies each batch as soon as it commits, while this process stores the next one. The
last commit then has only the last batch's frames left to copy.

A checkpoint is SQLite's own bookkeeping: it changes no row, and a failed one leaves
the frames in the log for the next checkpoint. So the thread never raises into the
import; what it could not copy is copied as before at the run's last commit.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from django.db import connection

logger = logging.getLogger(__name__)

# How long the checkpointing connection waits to open the file and read its schema (a
# passive checkpoint itself never waits for a lock: it copies what it can).
BUSY_TIMEOUT_MS = 5000


def wal_file_of(conn) -> str | None:
    """The database file of this Django connection if it is SQLite in WAL mode, else None
    (PostgreSQL, an in-memory test database, a rollback journal)."""
    if conn.vendor != "sqlite":
        return None
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() != "wal":
            return None
        cursor.execute("PRAGMA database_list")
        for _seq, name, path in cursor.fetchall():
            if name == "main":
                return path or None
    return None


class BackgroundCheckpointer:
    """Call ``committed()`` after each commit; a thread (started at the first call, so
    that parsing workers are forked before this process has a second thread, see
    ``importers.parallel.start_method``) checkpoints passively. Leaving the block waits
    for the pass of the last commit and stops the thread; a commit reported after that
    (an import inside an enclosing transaction commits only when that ends) is left to
    SQLite's own checkpoints. ``passes`` counts the passes that copied every committed
    frame; ``last`` is the last pass's (busy, frames in the log, frames copied)."""

    def __init__(self, path: str | None):
        self.path = path
        self.passes = 0
        self.last: tuple[int, int, int] | None = None
        self._wake = threading.Event()
        self._pending = False  # a commit not yet checkpointed
        self._closed = False
        self._thread: threading.Thread | None = None

    @classmethod
    def for_connection(cls, conn=connection) -> BackgroundCheckpointer:
        return cls(wal_file_of(conn))

    def __enter__(self) -> BackgroundCheckpointer:
        return self

    def __exit__(self, *exc_info):
        self._closed = True
        if self._thread is not None:
            self._wake.set()
            self._thread.join()
            self._thread = None

    def committed(self):
        if self.path is None or self._closed:
            return
        if self._thread is None:
            thread = threading.Thread(
                target=self._run, name="catalogue-wal-checkpoint", daemon=True
            )
            try:
                thread.start()
            except RuntimeError as exc:  # no thread to be had: SQLite checkpoints as before
                logger.warning("no background checkpoints for %s: %s", self.path, exc)
                self.path = None
                return
            self._thread = thread
        self._pending = True
        self._wake.set()

    def _run(self):
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            logger.warning("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._pending:
                    self._pending = False
                    self._checkpoint(db)
                if self._closed and not self._pending:
                    return
        finally:
            db.close()

    def _checkpoint(self, db):
        try:
            busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            logger.info("background checkpoint skipped: %s", exc)
            return
        self.last = (busy, log, copied)
        if not busy and log == copied:
            self.passes += 1
