"""Pytest fixtures for badge tests, registered for every module by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.badges.jsonld.contexts import ContextStore
from tests.fakes.badge_server import BadgeServer


@pytest.fixture
def badge_server() -> Iterator[BadgeServer]:
    """A running local badge server, stopped (with the fetchers it handed out) after the test."""
    with BadgeServer() as server:
        yield server


@pytest.fixture
def server(badge_server: BadgeServer) -> BadgeServer:
    """The short name the OB 3.0 tests use."""
    return badge_server


@pytest.fixture
def contexts(shared_dir: Path, tmp_path: Path) -> ContextStore:
    """Every pinned context, imported from ../shared as an offline deployment would."""
    store = ContextStore(tmp_path / "contexts")
    store.import_dir(shared_dir / "vectors" / "contexts")
    return store
