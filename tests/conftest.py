"""Shared fixtures: databases on SQLite (always) and PostgreSQL (when configured), shared/ paths.

``SKILLSTACK_REQUIRE_POSTGRES=1`` and ``SKILLSTACK_REQUIRE_SHARED=1`` (set by ``.ci/run``) turn
what would be a skip into a failure, so CI cannot go green by silently skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.catalog import Catalog, load_catalog
from core.settings import SHIPPED_DATA_DIR
from core.storage.db import Database
from tests.paths import SHARED_DIR

pytest_plugins = ["tests.fakes.badge_fixtures"]  # the local badge server, for every test module
POSTGRES_URL = os.environ.get("SKILLSTACK_TEST_POSTGRES_URL", "")


def skip_or_fail(reason: str, require_flag: str) -> None:
    """Skip with ``reason``, or fail when CI said this kind of test is mandatory."""
    if os.environ.get(require_flag) == "1":
        pytest.fail(f"{reason} (mandatory here: {require_flag}=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or SKILLSTACK_* variables by accident."""
    for name in list(os.environ):
        if name.startswith("SKILLSTACK_") and not name.startswith(
            ("SKILLSTACK_TEST_", "SKILLSTACK_REQUIRE_")
        ):
            monkeypatch.delenv(name)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SKILLSTACK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog, loaded once (tests that need another one define their own)."""
    return load_catalog(SHIPPED_DATA_DIR)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        skip_or_fail(f"../shared is not beside the repository ({SHARED_DIR})", "SKILLSTACK_REQUIRE_SHARED")
    return SHARED_DIR


def _sqlite_database(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    if not POSTGRES_URL:
        skip_or_fail("SKILLSTACK_TEST_POSTGRES_URL is not set", "SKILLSTACK_REQUIRE_POSTGRES")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001  (any connection failure means: no PostgreSQL here)
        admin.dispose()
        skip_or_fail(
            f"PostgreSQL at SKILLSTACK_TEST_POSTGRES_URL is unreachable: {exc}", "SKILLSTACK_REQUIRE_POSTGRES"
        )
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        db = _sqlite_database(tmp_path)
    else:
        db = Database(request.getfixturevalue("postgres_url"))
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()
