"""One SQLite writer at a time across processes, queued by the kernel instead of SQLite's sleeps.

SQLite lets one connection write at a time.  A second writer gets SQLITE_BUSY, and its busy
handler retries after sleeping 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms: it does not
notice the lock coming free in between.  With the dialogue in two worker processes, a writer
that arrived during a plan (the write lock held for a few milliseconds) slept past it, and
the conversation benchmark's p99 reply latency on SQLite rose from about 40 to 200-340 ms.

So every connection takes an exclusive ``flock`` on a lock file beside the database before its
first write statement, and gives it up when the connection goes back to the pool (after its
COMMIT or ROLLBACK).  A waiting writer blocks in the kernel and wakes the moment the lock is
free.  Reads take nothing (WAL readers never wait), so concurrency between reading transactions
is unchanged.  Every writer that goes through :func:`serialize_writers` takes the file lock before
SQLite's, so two of them never wait on each other's SQLite lock; a foreign writer (the sqlite3
shell) is still met by the busy timeout.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

READ_ONLY_STATEMENTS = ("SELECT", "PRAGMA")  # statements that never take SQLite's write lock
_FD = "writer_lock_fd"  # pool record info: this connection's open lock file
_HELD = "writer_lock_held"


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}-writer.lock")


def serialize_writers(engine: Engine, database: Path) -> None:
    """Make ``engine``'s connections to the SQLite file ``database`` write one at a time."""
    path = lock_path(database)

    @event.listens_for(engine, "connect")
    def open_lock(_dbapi_connection: Any, record: Any) -> None:
        record.info[_FD] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @event.listens_for(engine, "before_cursor_execute")
    def lock_before_writing(connection: Connection, _cursor: Any, statement: str, *_rest: Any) -> None:
        info = connection.info  # the pooled DBAPI connection's, as the pool events see it
        if info.get(_HELD) or statement.lstrip()[:6].upper() in READ_ONLY_STATEMENTS:
            return
        fcntl.flock(info[_FD], fcntl.LOCK_EX)
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
