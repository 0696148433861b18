"""`skillstack match` and `skillstack plan` from the shell: outputs, JSON shapes, bad arguments."""

from __future__ import annotations

import json

import pytest

from bot.cli import main

PLAN_KEYS = {"goal", "goal_skills", "covered_skills", "uncovered_skills", "months"}
MONTH_KEYS = {"month", "capacity_hours", "hours", "cost", "items"}
ITEM_KEYS = {"course_id", "title", "provider", "hours", "cost", "skills", "part", "reason"}


def test_match_text_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "wanna", "make", "websites"]) == 0
    out = capsys.readouterr().out
    assert "Best match for “wanna make websites”" in out
    assert "Web developer" in out
    assert main(["match", "saya suka masak", "--lang", "id"]) == 1
    assert "Tidak ada yang cocok" in capsys.readouterr().out


def test_match_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "jadi analis data", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "confident"
    assert result["goals"][0]["id"] == "data-analyst"
    assert {"id", "name", "score", "alias"} <= set(result["goals"][0])
    assert isinstance(result["skills"], list)


def test_plan_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--goal",
            "I want to become a data analyst",
            "--hours",
            "6",
            "--budget",
            "50",
            "--start",
            "2027-01",
            "--have",
            "excel",
            "--json",
        ]
    )
    assert code == 0
    plan = json.loads(capsys.readouterr().out)
    assert set(plan) >= PLAN_KEYS
    assert plan["goal"] == {"id": "data-analyst", "name": "Data analyst"}
    assert "spreadsheets" not in plan["target_skills"]
    assert len(plan["months"]) == 6
    assert set(plan["months"][0]) >= MONTH_KEYS
    item = plan["months"][0]["items"][0]
    assert set(item) >= ITEM_KEYS
    assert item["reason"]
    for month in plan["months"]:
        assert month["hours"] <= month["capacity_hours"] + 1e-6
        assert month["cost"] <= 50
    assert all({"skill", "reason"} <= set(gap) for gap in plan["uncovered_skills"])


def test_plan_text_reads_like_a_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--goal", "jadi web developer", "--lang", "id", "--start", "2027-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Rencana kamu: Web developer")
    assert "Bulan 1 · Januari 2027" in out
    assert "Alasan: " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goal", "astronaut on mars"], "--goal: no goal matches"),
        (["--goal", "data analyst", "--hours", "-3"], "argument --hours"),
        (["--goal", "data analyst", "--hours", "lots"], "argument --hours"),
        (["--goal", "data analyst", "--budget", "cheap"], "argument --budget"),
        (["--goal", "data analyst", "--months", "0"], "argument --months"),
        (["--goal", "data analyst", "--level", "guru"], "argument --level"),
        (["--goal", "data analyst", "--start", "next year"], "argument --start"),
        (["--goal", "data analyst", "--have", "underwater basket weaving"], "--have: unknown skill"),
        (["--goal", "data analyst", "--currency", "XYZ"], "--currency: expected one of"),
        ([], "--goal"),
    ],
)
def test_bad_plan_arguments_exit_2_with_a_clear_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["plan", *args])
    except SystemExit as exit_:  # argparse's own errors
        code = int(exit_.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
