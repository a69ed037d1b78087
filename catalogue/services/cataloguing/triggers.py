"""Switch one SQLite connection's triggers off and back on, without a schema change.

Why: an import batch writes tens of thousands of rows into tables that carry the search
and facet triggers. Even paused (``catalogue.search.schema``'s pause row) a trigger is
compiled into every INSERT and forces SQLite to keep a statement journal for it (~140–230
MB of temporary-file writes per 1,000 texts at 100,000 documents), and the facet
triggers run per row (a stamp update per child row). Dropping the triggers inside the
batch removes both, but a schema change makes concurrent readers that open the FTS5
table while it commits fail with "vtable constructor failed" (a 500 in the load test;
reproduced again with 4 reader processes: 56 failures in 1,447 commits).
``SQLITE_DBCONFIG_ENABLE_TRIGGER`` does what dropping did for this connection only: its
statements are compiled without the (non-TEMP) triggers, nothing in the file changes,
and every other connection keeps firing them. The caller brings the derived tables up to
date itself before committing and must switch the triggers back on in a ``finally``:
the setting outlives transactions.

Python 3.12+ exposes the switch (``Connection.setconfig``); on CPython 3.11 it is
called through ``ctypes`` on the connection's ``sqlite3*`` handle (the first field
after the object header of ``pysqlite_Connection``). Where neither is possible
``set_triggers`` returns False and the caller keeps the pause row.
"""

from __future__ import annotations

import ctypes
import platform
import sqlite3
import sys

SQLITE_DBCONFIG_ENABLE_TRIGGER = 1003
_UNSUPPORTED = object()
_config = None


def _db_config():
    """``sqlite3_db_config`` from the library the ``sqlite3`` module uses, or None."""
    global _config
    if _config is None:
        _config = _UNSUPPORTED
        # A variadic C function: ctypes passes int and pointer arguments as the x86-64
        # System V convention reads them; elsewhere, no.
        # The handle's place is CPython 3.11's struct layout: fixed for 3.11, and 3.12+
        # has ``setconfig`` instead.
        if (
            sys.implementation.name == "cpython"
            and sys.version_info[:2] == (3, 11)
            and sys.platform.startswith("linux")
            and platform.machine() in ("x86_64", "AMD64")
        ):
            try:
                import _sqlite3

                function = ctypes.CDLL(_sqlite3.__file__).sqlite3_db_config
            except (ImportError, OSError, AttributeError):
                pass
            else:
                function.restype = ctypes.c_int
                _config = function
    return None if _config is _UNSUPPORTED else _config


def _handle(raw: sqlite3.Connection) -> ctypes.c_void_p:
    return ctypes.c_void_p.from_address(id(raw) + object.__basicsize__)


def set_triggers(raw: sqlite3.Connection, enabled: bool) -> bool:
    """Fire (or not) this connection's triggers; True if the setting now is ``enabled``."""
    if hasattr(raw, "setconfig"):  # Python 3.12+
        raw.setconfig(SQLITE_DBCONFIG_ENABLE_TRIGGER, enabled)
        return raw.getconfig(SQLITE_DBCONFIG_ENABLE_TRIGGER) == enabled
    config = _db_config()
    if config is None or not isinstance(raw, sqlite3.Connection):
        return False
    result = ctypes.c_int(-1)
    code = config(
        _handle(raw),
        SQLITE_DBCONFIG_ENABLE_TRIGGER,
        ctypes.c_int(int(enabled)),
        ctypes.byref(result),
    )
    return code == 0 and result.value == int(enabled)


def triggers_enabled(raw: sqlite3.Connection) -> bool | None:
    """Whether this connection fires triggers (None if it cannot be asked)."""
    if hasattr(raw, "getconfig"):
        return bool(raw.getconfig(SQLITE_DBCONFIG_ENABLE_TRIGGER))
    config = _db_config()
    if config is None or not isinstance(raw, sqlite3.Connection):
        return None
    result = ctypes.c_int(-1)
    code = config(
        _handle(raw), SQLITE_DBCONFIG_ENABLE_TRIGGER, ctypes.c_int(-1), ctypes.byref(result)
    )
    return bool(result.value) if code == 0 and result.value in (0, 1) else None
