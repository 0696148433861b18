"""Throw-away databases for benchmarks: a SQLite file in a temporary folder, or a PostgreSQL schema.

Each maker returns a SQLAlchemy URL and the function that removes the database again.  The
PostgreSQL one needs SKILLSTACK_TEST_POSTGRES_URL and works in a fresh schema (``search_path``),
so benchmarks never touch other data in that database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.storage.db import Database

Cleanup = Callable[[], None]


def sqlite_url() -> tuple[str, Cleanup]:
    folder = tempfile.TemporaryDirectory()
    return f"sqlite:///{folder.name}/bench.db", folder.cleanup


def postgres_url() -> tuple[str, Cleanup]:
    base = os.environ["SKILLSTACK_TEST_POSTGRES_URL"]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def cleanup() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), cleanup


def sqlite_database() -> tuple[Database, Cleanup]:
    url, cleanup = sqlite_url()
    return Database(url), cleanup


def postgres_database() -> tuple[Database, Cleanup]:
    url, cleanup = postgres_url()
    return Database(url), cleanup
