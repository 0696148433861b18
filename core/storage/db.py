"""The database: one engine per process, one unit of work per transaction, Alembic for the schema.

Only this module opens sessions.  Services receive a :class:`sqlmodel.Session` from
:meth:`Database.unit_of_work`, which commits when the block ends normally and rolls back when it
raises, so a half-done change never lands and callers never call ``commit`` themselves.

Pooled PostgreSQL connections are not pinged before use (a ping is one more round trip on every
message).  A connection that died meanwhile (the server restarted) fails its first statement;
SQLAlchemy then invalidates the pool, and :meth:`Database.transaction` runs the work once more on
a fresh connection.  The failed attempt was rolled back, so running it again is safe.

SQLite is tuned for a bot that is read often and written in small bursts: WAL (readers do not
block the writer), foreign keys on (SQLite ships them off), writers queued on a file lock
(:mod:`core.sqlite_writer`: no busy-handler sleeps between the dialogue's worker processes), and a
busy timeout for any other writer.  PostgreSQL goes through the same code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from core.settings import migrations_dir
from core.sqlite_writer import serialize_writers

log = logging.getLogger(__name__)
T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 5000


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_database_engine(url: URL | str) -> Engine:
    """An engine for ``url``; SQLite files get their directory created and the pragmas above."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _tune_sqlite)
        if url.database and url.database != ":memory:":
            serialize_writers(engine, Path(url.database), SQLITE_BUSY_TIMEOUT_MS / 1000)
        return engine
    return create_engine(url)


def alembic_config(url: URL) -> Config:
    """Alembic's configuration, built in code so no alembic.ini has to be found on disk."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


class Database:
    """The process's database: engine, sessions and migrations."""

    def __init__(self, url: URL | str) -> None:
        self.url = make_url(url)
        self.engine = create_database_engine(self.url)
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)

    @property
    def single_writer(self) -> bool:
        """SQLite: one writing transaction at a time, across every process."""
        return self.url.get_backend_name() == "sqlite"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def transaction(self, work: Callable[[Session], T]) -> T:
        """``work`` in one unit of work, run again once if the database dropped the connection."""
        try:
            with self.unit_of_work() as session:
                return work(session)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost (%s); retrying on a new one", exc.orig)
        with self.unit_of_work() as session:
            return work(session)

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision`` on this database."""
        config = alembic_config(self.url)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(alembic_config(self.url)).get_current_head()

    def dispose(self) -> None:
        self.engine.dispose()
