"""Where the files SkillStack ships with live: its data (catalog, locales, contexts, ...) and migrations.

The repository keeps the data in a top-level ``data/`` directory; the wheel installs that directory as
the package ``skillstack_data`` (pyproject.toml maps one to the other). Every module that reads a
shipped file starts from :data:`SHIPPED_DATA_DIR` or :func:`migrations_dir`, so a ``pip install .``
works from any working directory and nothing guesses a path relative to the source tree.

A source checkout reads its own ``data/`` first: a worktree run with another checkout's editable
install must see its own catalog, not the one the editable install points at.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA_PACKAGE = "skillstack_data"
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def shipped_data_dir() -> Path:
    """The shipped data directory: the checkout's ``data/``, else the installed ``skillstack_data``."""
    if (_SOURCE_ROOT / "pyproject.toml").is_file() and (_SOURCE_ROOT / "data").is_dir():
        return _SOURCE_ROOT / "data"
    return _directory(DATA_PACKAGE)


def migrations_dir() -> Path:
    """Alembic's script location: the ``core.migrations`` package, wherever it is installed."""
    return _directory("core.migrations")


def _directory(package: str) -> Path:
    """A package's directory on disk; the loaders glob and open files, so a zipped install cannot work."""
    location = files(package)
    if not isinstance(location, Path):
        raise RuntimeError(f"{package} is not installed as plain files ({location!r}); reinstall with pip")
    return location


SHIPPED_DATA_DIR = shipped_data_dir()
