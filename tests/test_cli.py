"""The command line as an operator uses it: migrations, the start-up path, export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from core.db import Database

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COURSE_KEYS = {
    "id",
    "title",
    "provider",
    "url",
    "skills",
    "level",
    "hours",
    "cost",
    "format",
    "languages",
    "credential",
    "prerequisites",
    "pathway",
}


@pytest.fixture
def fixture_catalog(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SKILLSTACK_CATALOG_DIR", str(FIXTURES / "catalog"))
    return FIXTURES / "catalog"


def test_db_upgrade_creates_the_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    database_file = tmp_path / "var" / "skillstack.db"
    assert database_file.is_file()
    assert "Database is at revision" in capsys.readouterr().out
    database = Database(f"sqlite:///{database_file}")
    assert database.current_revision() == database.head_revision()
    database.dispose()


def test_run_migrates_then_shows_the_terminal_preview(
    tmp_path: Path, fixture_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 0
    assert (tmp_path / "var" / "skillstack.db").is_file()
    out = " ".join(capsys.readouterr().out.split())  # undo the terminal line wrapping
    assert "2 courses and credentials from 1 providers, 1 of them free, 1 taught in Indonesian" in out
    assert "4 skills (2 technical, 1 soft, 1 digital literacy) and 1 goals" in out


def test_chat_speaks_indonesian_when_configured(
    monkeypatch: pytest.MonkeyPatch, fixture_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSTACK_DEFAULT_LANGUAGE", "id")
    assert main(["chat"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Katalog berisi 2 kursus" in out
    assert "Analis data" in out


def test_export_json_has_the_documented_shape(
    fixture_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "export", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert set(exported) == {"courses", "skills", "goals"}
    assert [c["id"] for c in exported["courses"]] == ["sample-sheets", "sample-sql"]
    sql = exported["courses"][1]
    assert set(sql) >= COURSE_KEYS
    assert sql["cost"] == {"model": "subscription", "amount": 49.0, "currency": "USD", "audit_free": True}
    assert sql["prerequisites"] == ["sample-sheets"]
    assert sql["pathway"] == "Sample Data Certificate"
    assert {"id", "name", "kind", "aliases"} <= set(exported["skills"][0])
    assert exported["goals"][0]["skills"] == {
        "sql": 1.0,
        "spreadsheets": 0.9,
        "communication": 0.5,
        "online-safety": 0.3,
    }


def test_unknown_subcommand_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


def test_console_script_is_installed(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "skillstack"
    assert script.exists(), "pip install -e . should install the skillstack console script"
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert result.returncode == 0
    assert "catalog" in result.stdout
