"""The goal question in chat: skill goals, career changes, vague goals and close goals, in both languages.

Runs on SQLite, and on PostgreSQL too when SKILLSTACK_TEST_POSTGRES_URL is set (the shared
``database`` fixture), since the profile keeps new goal fields (migration 0005).
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.storage.db import Database
from core.storage.models import Plan, PlanStatus
from tests.integration.dialogue.test_dialogue import NOW, Learner_, profile

AFTER_GOAL_EN = ["beginner", "none", "five", "free", "any", "english", "Jakarta", "senin", "7pm"]
AFTER_GOAL_ID = ["pemula", "belum ada", "lima", "gratis", "apa saja", "keduanya", "Jakarta", "senin", "19:00"]


@pytest.fixture
def dialogue(database: Database, catalog: Catalog) -> Dialogue:
    return Dialogue(database, catalog, clock=lambda: NOW)


def _goal_question(learner: Learner_, text: str) -> str:
    learner.say("/start")
    return learner.say(text)


def _shortlist_buttons(learner: Learner_) -> list[str]:
    return [label for label in learner.buttons() if label not in ("Something else", "Yang lain")]


def _active_plan_goal(database: Database) -> str | None:
    with database.unit_of_work() as session:
        return session.exec(select(Plan.goal_id).where(Plan.status == PlanStatus.ACTIVE)).one()


@pytest.mark.parametrize(
    ("language", "text", "label", "skills", "rest", "title"),
    [
        ("en", "I want to learn Python and SQL", "Skills: Python and SQL", {"python", "sql"}, AFTER_GOAL_EN,
         "Your plan: Python, SQL"),
        ("id", "pengen jago excel", "Keterampilan: Spreadsheet (lembar kerja)", {"spreadsheets"},
         AFTER_GOAL_ID, "Rencana kamu: Spreadsheet (lembar kerja)"),
    ],
)  # fmt: skip
def test_a_skill_goal_is_confirmed_stored_and_planned(
    dialogue: Dialogue,
    database: Database,
    language: str,
    text: str,
    label: str,
    skills: set[str],
    rest: list[str],
    title: str,
) -> None:
    learner = Learner_(dialogue, language=language)
    _goal_question(learner, text)
    assert label in learner.buttons()
    learner.press(label)
    saved = profile(database)
    assert (saved.goal_id, set(saved.goal_skills)) == (None, skills)
    text = learner.onboard(rest)  # /start again continues where the learner is
    assert title in text
    assert _active_plan_goal(database) is None
    assert label.split(": ")[1] in learner.say("/progress")


@pytest.mark.parametrize(
    ("language", "text", "brings", "button", "rest", "held_line"),
    [
        ("en", "teacher who wants to switch to UX design", "From your work in teaching you already bring",
         "UX/UI designer, coming from teaching", AFTER_GOAL_EN, "Counted as held from your earlier work:"),
        ("id", "guru mau pindah jadi UX designer", "Dari pekerjaanmu di bidang guru",
         "Desainer UI/UX, dari latar guru", AFTER_GOAL_ID,
         "Dihitung sudah dikuasai dari pekerjaanmu sebelumnya:"),
    ],
)  # fmt: skip
def test_a_career_change_aims_at_the_destination_and_says_what_carries_over(
    dialogue: Dialogue,
    database: Database,
    catalog: Catalog,
    language: str,
    text: str,
    brings: str,
    button: str,
    rest: list[str],
    held_line: str,
) -> None:
    learner = Learner_(dialogue, language=language)
    assert brings in _goal_question(learner, text)
    learner.press(button)
    saved = profile(database)
    assert (saved.goal_id, saved.origin_id) == ("ux-designer", "teacher")
    carried = set(saved.transferable_skills) & set(catalog.goals["ux-designer"].skills)
    assert "presentation-skills" in carried
    learner.say(rest[0])  # the level; then the skills question leaves out what the old work gave
    offered = learner.buttons()
    assert catalog.skills["presentation-skills"].name.get(language) not in offered
    assert catalog.skills["ux-design"].name.get(language) in offered
    text = learner.onboard(rest[1:])
    assert held_line in text
    assert _active_plan_goal(database) == "ux-designer"


@pytest.mark.parametrize(
    ("language", "text", "intro", "other"),
    [
        ("en", "I like computers", "These paths fit what you said.", "Something else"),
        ("id", "mau cari penghasilan dari rumah", "Jalur-jalur ini cocok dengan ceritamu.", "Yang lain"),
    ],
)
def test_a_vague_goal_gets_a_shortlist_with_a_line_each_and_something_else(
    dialogue: Dialogue, database: Database, language: str, text: str, intro: str, other: str
) -> None:
    learner = Learner_(dialogue, language=language)
    reply = _goal_question(learner, text)
    assert intro in reply
    paths = _shortlist_buttons(learner)
    assert 4 <= len(paths) <= 6
    assert reply.count("\n• ") == len(paths)
    assert other in learner.buttons()
    assert profile(database).goal_id is None  # nothing chosen yet: no plan from a statement of interest
    learner.press(paths[1])
    assert profile(database).goal_id is not None
    assert profile(database).origin_id is None


def test_something_else_goes_back_to_the_goal_question(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue, language="id")
    _goal_question(learner, "bingung mau belajar apa")
    assert "Pertanyaan 1 dari 11" in learner.press("Yang lain")


def test_a_vague_career_change_offers_the_origins_usual_paths(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue, language="id")
    assert "Ini jalur yang sering diambil orang dari bidang sales" in _goal_question(
        learner, "dari sales mau pindah ke IT"
    )
    learner.press("IT support")
    saved = profile(database)
    assert (saved.goal_id, saved.origin_id) == ("it-support-specialist", "sales")


def test_close_goals_are_asked_about(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    assert "Which of these fits you best?" in _goal_question(learner, "analyst")
    paths = _shortlist_buttons(learner)
    assert {"Data analyst", "Business analyst"} <= set(paths)
    learner.say("2")  # a typed number picks the second path
    assert profile(database).goal_id is not None


def test_a_new_goal_statement_at_the_confirmation_replaces_the_choices(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    _goal_question(learner, "I like computers")
    learner.say("actually I want to learn SQL")
    assert list(learner.buttons())[:1] == ["Skills: SQL"]


def test_changing_the_goal_in_settings_to_skills_replans(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    learner.onboard(["data analyst", "yes", *AFTER_GOAL_EN])
    learner.say("/settings")
    learner.press("Goal")
    learner.say("public speaking")
    learner.say("yes")
    text = learner.say("done")
    assert "Your plan: Presentation skills" in text
    assert profile(database).goal_skills == ["presentation-skills"]
    assert _active_plan_goal(database) is None
