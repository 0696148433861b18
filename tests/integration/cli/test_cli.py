"""The command line as an operator uses it: migrations, the start-up path, export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.commands import main
from core.storage.db import Database
from tests.commands import run_command
from tests.paths import FIXTURES

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


def _skillstack(args: list[str], stdin: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "skillstack"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SKILLSTACK_DATA_DIR": str(tmp_path / "var"),
        **env,
    }
    return run_command([str(script), *args], cwd=tmp_path, env=environment, stdin=stdin, timeout=60)


def test_run_without_token_migrates_and_opens_the_terminal_chat(tmp_path: Path) -> None:
    answers = (
        "I want to become a data analyst\n1\nbeginner\nnone\n5\nfree\nany\nenglish\nJakarta\nmonday\n19:00\n"
    )
    result = _skillstack(["run"], answers, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "skillstack.db").is_file()
    out = result.stdout
    assert "Question 1 of 11" in out
    assert "Your plan: Data analyst" in out
    assert "Month 1 ·" in out
    assert "Why: " in out
    assert "Traceback" not in out + result.stderr


def test_chat_speaks_indonesian_when_configured(tmp_path: Path) -> None:
    result = _skillstack(["chat"], "jadi web developer\n", tmp_path, SKILLSTACK_DEFAULT_LANGUAGE="id")
    assert result.returncode == 0, result.stderr
    assert "Pertanyaan 1 dari 11" in result.stdout
    assert "Apakah ini maksudmu?" in result.stdout  # a confident goal is confirmed, not listed with others


def test_chat_state_survives_a_restart(tmp_path: Path) -> None:
    first = _skillstack(["chat"], "I want to become a data analyst\n1\n", tmp_path)
    assert "Question 3 of 11" in first.stdout
    second = _skillstack(["chat"], "", tmp_path)
    assert "continue where we left off" in second.stdout
    assert "Question 3 of 11" in second.stdout


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


def test_the_terminal_chat_sends_files_by_path_and_saves_the_export(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just notes")
    answers = (
        "I want to become a data analyst\n1\nbeginner\nnone\n5\nfree\nany\nenglish\nJakarta\nmonday\n19:00\n"
        f"{tmp_path / 'notes.txt'}\n/export\n"
    )
    result = _skillstack(["chat"], answers, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "That file doesn't look like a badge" in result.stdout  # the path was sent as a file
    [saved] = (tmp_path / "var" / "exports").glob("skillstack-export-*.json")
    assert f"📎 {saved}" in result.stdout
    assert json.loads(saved.read_text())["profile"]["goal_id"] == "data-analyst"
