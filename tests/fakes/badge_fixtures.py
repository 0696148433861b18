"""Pytest fixtures for badge tests, registered for every module by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.badge_server import BadgeServer


@pytest.fixture
def badge_server() -> Iterator[BadgeServer]:
    """A running local badge server, stopped (with the fetchers it handed out) after the test."""
    with BadgeServer() as server:
        yield server
