"""One SQLite writer at a time across processes, queued on a file lock instead of SQLite's sleeps.

SQLite lets one connection write at a time.  A second writer gets SQLITE_BUSY, and its busy
handler retries after sleeping 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms: it does not
notice the lock coming free in between.  With the dialogue in two worker processes, a writer
that arrived during a plan (the write lock held for a few milliseconds) slept past it, and
the conversation benchmark's p99 reply latency on SQLite was 44-482 ms across six runs.

So every connection takes an exclusive ``flock`` on a lock file beside the database before its
first write statement, and gives it up when the connection goes back to the pool (after its
COMMIT or ROLLBACK).  A waiting writer tries again every :data:`POLL_SECONDS`, so it goes on
within half a millisecond of the lock coming free; after the busy timeout it fails with SQLite's
own "database is locked", as it would have before (a hang would be worse, say for a transaction
opened inside another on the same thread).  Reads take nothing (WAL readers never wait), so
concurrency between reading transactions is unchanged.  Every writer that goes through
:func:`serialize_writers` takes the file lock before SQLite's, so two of them never wait on each
other's SQLite lock; a foreign writer (the sqlite3 shell) is still met by SQLite's busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError

READ_ONLY_STATEMENTS = ("SELECT", "PRAGMA")  # statements that never take SQLite's write lock
POLL_SECONDS = 0.0005
_FD = "writer_lock_fd"  # pool record info: this connection's open lock file
_HELD = "writer_lock_held"


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}-writer.lock")


def _wait_for(fd: int, timeout: float, statement: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                locked = sqlite3.OperationalError("database is locked")
                raise OperationalError(statement, None, locked) from None
            time.sleep(POLL_SECONDS)
        else:
            return


def serialize_writers(engine: Engine, database: Path, timeout: float) -> None:
    """Make ``engine``'s connections to the SQLite file ``database`` write one at a time.

    ``timeout``: how long a writer waits for another, in seconds, before "database is locked".
    """
    path = lock_path(database)

    @event.listens_for(engine, "connect")
    def open_lock(_dbapi_connection: Any, record: Any) -> None:
        record.info[_FD] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @event.listens_for(engine, "before_cursor_execute")
    def lock_before_writing(connection: Connection, _cursor: Any, statement: str, *_rest: Any) -> None:
        info = connection.info  # the pooled DBAPI connection's, as the pool events see it
        if info.get(_HELD) or statement.lstrip()[:6].upper() in READ_ONLY_STATEMENTS:
            return
        _wait_for(info[_FD], timeout, statement)
        info[_HELD] = True

    @event.listens_for(engine, "checkin")
    def unlock_after_transaction(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_HELD, False):
            fcntl.flock(record.info[_FD], fcntl.LOCK_UN)

    @event.listens_for(engine, "close")
    def close_lock(_dbapi_connection: Any, record: Any) -> None:
        fd = record.info.pop(_FD, None)
        record.info.pop(_HELD, None)
        if fd is not None:
            os.close(fd)  # closing the file also drops a lock still held
