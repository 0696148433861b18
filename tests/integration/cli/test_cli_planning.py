"""`skillstack match` and `skillstack plan` from the shell: outputs, JSON shapes, bad arguments."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli.commands import main

PLAN_KEYS = {
    "goal",
    "goal_skills",
    "transferable",
    "covered_skills",
    "uncovered_skills",
    "months",
    "depth",
    "pathways",
    "complete_on",
    "next_goals",
}
MONTH_KEYS = {"month", "capacity_hours", "hours", "cost", "items"}
ITEM_KEYS = {
    "course_id",
    "kind",
    "title",
    "provider",
    "hours",
    "cost",
    "skills",
    "main_skills",
    "phase",
    "audited",
    "pathway_step",
    "part",
    "reason",
}
PATHWAY_KEYS = {
    "id",
    "name",
    "total",
    "done_before",
    "skipped",
    "planned",
    "left",
    "left_hours",
    "finished_on",
    "exam",
}


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
    depth = {entry["skill"]: entry for entry in plan["depth"]}
    assert depth["spreadsheets"]["share"] == 1.0  # held: counted at its target
    for pathway in plan["pathways"]:
        assert set(pathway) >= PATHWAY_KEYS
        assert (
            pathway["left"]
            == pathway["total"] - pathway["done_before"] - pathway["skipped"] - pathway["planned"]
        )


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
        (["--goal", "data analyst", "--hours", "61"], "expected between 0.5 and 60 hours a week"),
        (["--goal", "data analyst", "--hours", "0.25"], "expected between 0.5 and 60 hours a week"),
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


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_match_json_reports_goal_and_skill_status_apart(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _json(capsys, "match", "I want to learn Python from zero", "--json")
    assert code == 0
    assert (result["goal_status"], result["skill_status"]) == ("unsure", "confident")
    intent = result["intent"]
    assert (intent["kind"], intent["confident"], intent["goal"]) == ("skills", True, None)
    assert [skill["id"] for skill in intent["skills"]] == ["python"]


def test_match_json_says_a_vague_goal_is_no_confident_match(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _json(capsys, "match", "I like computers", "--json")
    assert code == 1
    assert result["status"] == "unsure"  # whatever the matcher scored, nothing would be planned
    intent = result["intent"]
    assert intent["kind"] == "vague" and not intent["confident"]
    assert 4 <= len(intent["shortlist"]) <= 6
    assert all({"id", "name", "summary", "first_credential"} <= set(item) for item in intent["shortlist"])


def test_match_json_names_a_career_changes_origin_and_transferable_skills(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, result = _json(capsys, "match", "teacher who wants to switch to UX design", "--json")
    intent = result["intent"]
    assert intent["kind"] == "career_change"
    assert (intent["goal"]["id"], intent["origin"]["id"]) == ("ux-designer", "teacher")
    assert {skill["id"] for skill in intent["transferable"]} >= {"presentation-skills"}


def test_match_text_says_what_the_goal_was_understood_as(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "kerja di startup", "--lang", "id"]) == 1
    out = capsys.readouterr().out
    assert "Saya pahami sebagai belum berupa tujuan" in out
    assert out.count("\n• ") >= 4


def test_plan_for_a_skill_goal(capsys: pytest.CaptureFixture[str]) -> None:
    code, plan = _json(capsys, "plan", "--goal", "learn python and sql", "--start", "2027-01", "--json")
    assert code == 0
    assert plan["goal"]["id"] is None
    assert set(plan["goal_skills"]) == {"python", "sql"}
    assert plan["goal"]["name"] == "Python, SQL"


def test_plan_for_a_career_change_counts_and_names_transferable_skills(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["plan", "--goal", "guru mau pindah jadi UX designer", "--start", "2027-01"]
    code, plan = _json(capsys, *argv, "--json")
    assert code == 0
    assert plan["goal"]["id"] == "ux-designer"
    assert plan["transferable"] and set(plan["transferable"]) <= set(plan["goal_skills"])
    assert not set(plan["transferable"]) & set(plan["target_skills"])
    assert main([*argv, "--lang", "id"]) == 0
    assert "Dihitung sudah dikuasai dari pekerjaanmu sebelumnya:" in capsys.readouterr().out


@pytest.mark.parametrize("goal", ["something with computers", "mau cari penghasilan dari rumah", "analyst"])
def test_plan_for_a_vague_goal_prints_the_shortlist_and_exits_1(
    goal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--goal", goal]) == 1
    out = capsys.readouterr().out
    assert "there is no plan" in out
    assert "Month 1" not in out
    code, shortlist = _json(capsys, "plan", "--goal", goal, "--json")
    assert code == 1
    assert "months" not in shortlist
    assert len(shortlist["shortlist"]) >= 2 and not shortlist["confident"]
