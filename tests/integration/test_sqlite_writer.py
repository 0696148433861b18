"""SQLite writers queue on a file lock: the second waits for the first's commit, readers never wait."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from core.sqlite_writer import lock_path, serialize_writers
from core.storage.db import Database

HOLD_SECONDS = 0.3


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path}/writers.db")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield db
    db.dispose()


def lock_is_free(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_write_holds_the_lock_until_commit_and_a_read_does_not(database: Database, tmp_path: Path) -> None:
    path = lock_path(tmp_path / "writers.db")
    with database.unit_of_work() as session:
        session.execute(text("SELECT n FROM counter"))
        assert lock_is_free(path)  # reading takes nothing
        session.execute(text("UPDATE counter SET n = n + 1"))
        assert not lock_is_free(path)  # from the first write...
    assert lock_is_free(path)  # ...to the commit
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        session.execute(text("UPDATE counter SET n = n + 1"))
        raise RuntimeError("rolled back")
    assert lock_is_free(path)  # a rollback lets go too
    with database.unit_of_work() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar() == 1


def test_a_second_writer_waits_for_the_first_and_a_reader_does_not(database: Database) -> None:
    """The first writer holds its transaction until told to let go (no timing guesses: a pause of
    the test process, a garbage collection say, cannot let it commit before the reader reads)."""
    first_wrote, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}

    def slow_writer() -> None:
        with database.unit_of_work() as session:
            session.execute(text("UPDATE counter SET n = n + 1"))
            first_wrote.set()
            assert release.wait(10)
        finished["first"] = time.monotonic()

    def let_go() -> None:
        finished["released"] = time.monotonic()
        release.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert first_wrote.wait(5)
    with database.unit_of_work() as session:  # WAL: a reader goes ahead while the writer holds on
        assert session.execute(text("SELECT n FROM counter")).scalar() == 0
    assert "first" not in finished
    threading.Timer(HOLD_SECONDS, let_go).start()  # lets go while the second writer waits
    with database.unit_of_work() as session:
        session.execute(text("UPDATE counter SET n = n + 10"))
    finished["second"] = time.monotonic()
    thread.join()
    assert finished["second"] >= finished["released"]  # queued behind the first, not failed
    with database.unit_of_work() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar() == 11


def test_a_writer_waiting_too_long_gets_database_is_locked(tmp_path: Path) -> None:
    """A transaction nested in another on the same thread fails as SQLite would, instead of hanging."""
    path = tmp_path / "nested.db"
    engine = create_engine(f"sqlite:///{path}")
    serialize_writers(engine, path, timeout=0.2)
    with engine.begin() as outer:
        outer.execute(text("CREATE TABLE t (n INTEGER)"))
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), engine.begin() as inner:
            inner.execute(text("INSERT INTO t VALUES (1)"))
        assert 0.2 <= time.monotonic() - started < 2
    with engine.begin() as later:  # the outer commit let go: the next writer goes ahead
        later.execute(text("INSERT INTO t VALUES (2)"))
    engine.dispose()
