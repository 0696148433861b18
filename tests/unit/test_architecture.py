"""The layering rule: ``core`` never imports ``bot`` or ``telegram`` (channels depend on core, not back)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.paths import REPO_ROOT

FORBIDDEN_IN_CORE = ("bot", "telegram")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # the module or a name in it
    return names


def test_core_does_not_import_channels() -> None:
    offenders = []
    for path in (REPO_ROOT / "core").rglob("*.py"):
        for module in _imported_modules(path):
            if module.split(".")[0] in FORBIDDEN_IN_CORE:
                offenders.append(f"{path.relative_to(REPO_ROOT)} imports {module}")
    assert offenders == []


def test_the_scan_sees_imports() -> None:
    assert "core.catalog" in _imported_modules(REPO_ROOT / "bot" / "cli" / "catalog.py")


DATABASE_OPENERS = re.compile(r"\bsessionmaker\b|\bSession\(|\bcreate_engine\(")  # not FetchSession(


def test_only_the_database_module_opens_sessions() -> None:
    allowed = REPO_ROOT / "core" / "storage" / "db.py"
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for package in ("core", "bot")
        for path in (REPO_ROOT / package).rglob("*.py")
        if path != allowed and DATABASE_OPENERS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_product_never_reads_shared() -> None:
    """Test vectors and contexts in ../shared are for tests; the product ships what it needs."""
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for package in ("core", "bot")
        for path in (REPO_ROOT / package).rglob("*.py")
        if any(
            re.search(r"shared/vectors|\.\./shared|\"shared\"", line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")  # naming a source in a comment reads nothing
        )
    ]
    assert offenders == []


HTTP_CLIENTS = ("httpx", "httpcore", "urllib.request", "requests", "socket", "aiohttp", "urllib3")


def test_the_core_reaches_the_network_only_through_the_safe_fetcher() -> None:
    """Every URL a learner or a badge supplies must pass the SSRF checks; one fetcher does HTTP: its
    face (``net.fetcher``), its rules (``net.rules``) and its HTTP half (``net.http``, loaded when
    something is fetched, and reached only through the face)."""
    fetcher = {
        REPO_ROOT / "core" / "badges" / "net" / name
        for name in ("__init__.py", "fetcher.py", "rules.py", "http.py")
    }
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: {module}"
        for path in (REPO_ROOT / "core").rglob("*.py")
        if path not in fetcher
        for module in _imported_modules(path)
        if module.split(".")[0] in {name.split(".")[0] for name in HTTP_CLIENTS}
        and not module.startswith("urllib.parse")
    ]
    assert offenders == []
    reaching_around = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "core").rglob("*.py")
        if path not in fetcher and "core.badges.net.http" in _imported_modules(path)
    ]
    assert reaching_around == []
