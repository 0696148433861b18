"""The layering rule: ``core`` never imports ``bot`` or ``telegram`` (channels depend on core, not back)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = ("bot", "telegram")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_does_not_import_channels() -> None:
    offenders = []
    for path in (REPO_ROOT / "core").rglob("*.py"):
        for module in _imported_modules(path):
            if module.split(".")[0] in FORBIDDEN_IN_CORE:
                offenders.append(f"{path.relative_to(REPO_ROOT)} imports {module}")
    assert offenders == []


def test_the_scan_sees_imports() -> None:
    assert "core.catalog" in _imported_modules(REPO_ROOT / "bot" / "cli.py")


def test_only_the_database_module_opens_sessions() -> None:
    allowed = REPO_ROOT / "core" / "db.py"
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for package in ("core", "bot")
        for path in (REPO_ROOT / package).rglob("*.py")
        if path != allowed
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("sessionmaker", "Session(", "create_engine(")
        )
    ]
    assert offenders == []
