"""What each ``skillstack`` command imports: only what it uses, so the command line starts fast.

Each case runs the command in a fresh interpreter and lists ``sys.modules`` when it is done. Counting
modules, not timing them, keeps the test exact on a busy machine; the times themselves are measured by
``tests/bench/bench_cli_startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.cli.arguments import LEVELS
from core.catalog.schema import Level
from tests.bench.badge_signing import jcs_signed_badge

# Run main() as the entry point does, then report the exit code and every module that was imported.
PROBE = """
import json, sys
from bot.cli.commands import main
report, argv = sys.argv[1], sys.argv[2:]
try:
    code = main(argv)
except SystemExit as stop:
    code = stop.code
with open(report, "w") as handle:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, handle)
"""
# Needed only to serve or store conversations: no other command may load them.
BOT_AND_DATABASE = (
    "telegram",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "apscheduler",
    "bot.workers",
    "bot.console",
    "core.storage.db",
    "core.dialogue",
)
# Needed only to verify badges (HTTP clients, JSON-LD, JWT).
BADGES = ("core.badges", "pyld", "aiohttp", "httpx", "jwt")


def _imported_by(tmp_path: Path, *argv: str) -> set[str]:
    report = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", PROBE, str(report), *argv], check=True, capture_output=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["exit"] == 0, result["exit"]
    return set(result["modules"])


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The loaded modules that are, or sit inside, one of ``packages``."""
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_help_loads_no_command(tmp_path: Path) -> None:
    """``--help`` needs the parser alone: of core only the limits its arguments check (plain
    constants), no third-party package."""
    modules = _imported_by(tmp_path, "--help")
    settings_and_data = ("core", "pydantic", "pydantic_settings", "yaml")
    loaded = _loaded(modules, (*settings_and_data, *BOT_AND_DATABASE, *BADGES))
    assert loaded == ["core", "core.limits"]
    assert _loaded(modules, ("bot",)) == [
        "bot",
        "bot.cli",
        "bot.cli.arguments",
        "bot.cli.commands",
        "bot.cli.exit",
    ]


def test_verify_loads_neither_the_bot_nor_the_database(tmp_path: Path) -> None:
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(jcs_signed_badge()), encoding="utf-8")
    modules = _imported_by(tmp_path, "verify", str(badge))
    assert _loaded(modules, (*BOT_AND_DATABASE, "core.planner", "core.catalog.matching")) == []
    # A local credential signed as JSON needs no JSON-LD (pyld, and aiohttp through pyld's default
    # document loader), no JWT library and no HTTP client.
    lazy = ("pyld", "aiohttp", "jwt", "httpx", "httpcore", "core.badges.jsonld.rdf_canonical")
    assert _loaded(modules, (*lazy, "core.badges.net.http")) == []


def test_plan_loads_neither_the_bot_nor_the_database_nor_the_verifier(tmp_path: Path) -> None:
    modules = _imported_by(tmp_path, "plan", "--goal", "data analyst", "--json")
    assert _loaded(modules, (*BOT_AND_DATABASE, *BADGES)) == []
    assert "core.planner" in modules  # the probe did run the planner


def test_the_level_choices_are_the_catalogs_levels() -> None:
    """The parser spells the levels out (it must not load the catalog schema); they must not drift."""
    assert tuple(level.value for level in Level) == LEVELS
