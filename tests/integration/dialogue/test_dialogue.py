"""The dialogue engine without any channel: every flow, both languages, typed and button answers."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.dialogue.state import QUESTION_FLOWS, ConversationState, Flow
from core.messages import Identity, Inbound, InboundKind, Reply
from core.storage.db import Database
from core.storage.models import Learner, LearnerProfile, Plan, PlanStatus
from tests.scripts import ENGLISH_TYPED_ONBOARDING

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'dialogue.db'}")
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def dialogue(database: Database, catalog: Catalog) -> Dialogue:
    return Dialogue(database, catalog, clock=lambda: NOW)


class Learner_:
    """A simulated learner: types, presses buttons by label, remembers the last buttons."""

    def __init__(self, dialogue: Dialogue, telegram_id: int = 1, language: str = "en") -> None:
        self.dialogue = dialogue
        self.identity = Identity(telegram_id=telegram_id, language_code=language)
        self.last: list[Reply] = []

    def send(self, inbound: Inbound) -> str:
        self.last = self.dialogue.handle(self.identity, inbound)
        assert self.last, "every input gets an answer"
        return "\n".join(reply.text for reply in self.last)

    def say(self, text: str) -> str:
        return self.send(Inbound.from_text(text))

    def buttons(self) -> dict[str, str]:
        return {b.label: b.payload for reply in self.last for row in reply.buttons for b in row}

    def press(self, label: str) -> str:
        payload = next(p for text, p in self.buttons().items() if label.casefold() in text.casefold())
        return self.send(Inbound(InboundKind.CHOICE, payload=payload))

    def onboard(self, answers: list[str]) -> str:
        text = self.say("/start")
        for answer in answers:
            text = self.say(answer)
        return text


def profile(database: Database, telegram_id: int = 1) -> LearnerProfile:
    with database.unit_of_work() as session:
        learner = session.exec(select(Learner).where(Learner.telegram_id == telegram_id)).one()
        found = session.get(LearnerProfile, learner.id)
        assert found is not None
        return found


def test_onboarding_by_typing_in_english(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    assert "Question 1 of 11" in learner.say("/start")
    text = learner.onboard(ENGLISH_TYPED_ONBOARDING)
    assert "Your plan: Data analyst" in text
    assert "6 months at 5 h a week, budget $30 a month." in text
    saved = profile(database)
    assert saved.goal_id == "data-analyst"
    assert saved.skills_held == ["spreadsheets"]
    assert saved.hours_per_week == 5.0
    assert saved.monthly_budget == Decimal("30.00")
    assert saved.course_languages == ["en"]
    assert saved.checkin_weekday == 0
    assert saved.checkin_time == dt.time(19, 0)
    with database.unit_of_work() as session:
        learner_row = session.exec(select(Learner)).one()
        assert learner_row.timezone == "Asia/Jakarta"
        assert (
            session.exec(select(Plan).where(Plan.status == PlanStatus.ACTIVE)).one().goal_id == "data-analyst"
        )


def test_onboarding_by_buttons_in_indonesian(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue, language="id")
    assert "Pertanyaan 1 dari 11" in learner.say("/start")
    assert "Apakah ini maksudmu?" not in learner.press("Web developer")  # its own button: no confirming
    for label in [
        "Pemula",
        "HTML",
        "CSS",
        "Selesai",
        "8 jam",
        "Gratis saja",
        "Mandiri",
        "Selesai",
        "Keduanya",
        "Makassar",
        "Sabtu",
    ]:
        learner.press(label)
    text = learner.press("09:00")
    assert "Rencana kamu: Web developer" in text
    assert "hanya kursus gratis" in text
    saved = profile(database)
    assert sorted(saved.skills_held) == ["css", "html"]
    assert saved.preferred_formats == ["self-paced"]
    assert saved.checkin_weekday == 5
    assert saved.budget_currency == "IDR"


@pytest.mark.parametrize("answer", ["5", "five", "lima", "5 hours", "5 jam", "around 5h"])
def test_hours_accept_words_and_numbers(dialogue: Dialogue, database: Database, answer: str) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:4])
    assert "Question 6 of 11" in learner.say(answer)
    assert profile(database).hours_per_week == 5.0


def test_an_answer_that_does_not_fit_gets_a_hint_and_the_question_again(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:4])
    text = learner.say("as much as possible!!")
    assert "I couldn't read “as much as possible!!” as hours a week. Try “5”" in text
    assert "Question 5 of 11" in text


def test_back_goes_to_the_previous_question(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    assert "This is the first question." in learner.say("/start") + learner.say("/back")
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:3])
    assert "Question 3 of 11" in learner.say("/back")
    assert "Question 2 of 11" in learner.say("/back")


def test_cancel_stops_and_start_begins_again(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:3])
    assert "I've stopped" in learner.say("/cancel")
    assert "There's nothing to cancel." in learner.say("/cancel")
    assert "Question 1 of 11" in learner.say("/start")


def test_a_restart_continues_at_the_same_question(database: Database, catalog: Catalog) -> None:
    first = Learner_(Dialogue(database, catalog, clock=lambda: NOW))
    first.onboard(ENGLISH_TYPED_ONBOARDING[:5])
    after_restart = Learner_(Dialogue(database, catalog, clock=lambda: NOW))
    text = after_restart.say("/start")
    assert "continue where we left off" in text
    assert "Question 6 of 11" in text
    assert "Question 7 of 11" in after_restart.say("free")


def test_stale_and_forged_buttons_change_nothing(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:3])  # at the level question
    stale = learner.buttons()
    learner.say("beginner")
    old_payload = next(iter(stale.values()))
    assert "expired" in learner.send(Inbound(InboundKind.CHOICE, payload=old_payload))
    assert "expired" in learner.send(Inbound(InboundKind.CHOICE, payload="999.0"))
    assert "expired" in learner.send(Inbound(InboundKind.CHOICE, payload=""))
    assert profile(database).level == "beginner"
    assert "Question 5 of 11" in learner.say("excel")


def test_a_shared_location_sets_the_time_zone(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:8])
    assert learner.last[-1].location_button
    text = learner.send(Inbound(InboundKind.LOCATION, latitude=-8.65, longitude=115.2))
    assert "Question 10 of 11" in text
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.timezone)).one() == "Asia/Makassar"


def test_plan_actions(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    assert "re-planned for 4 h a week" in learner.press("Too much")
    assert profile(database).hours_per_week == 4
    assert "re-planned for 3.2 h a week" in learner.press("Too much")
    assert "re-planned for 4 h a week" in learner.press("Too little")
    assert "re-planned for 5 h a week" in learner.press("Too little")
    assert profile(database).hours_per_week == 5  # back where the learner started, no drift
    assert "Start over how?" in learner.press("Start over")
    assert "Your plan: Data analyst" in learner.press("New plan from my answers")
    learner.press("Swap a course")
    first_course = "Introduction to Data Analytics"  # one with courses like it (public speaking has none)
    text = learner.press(first_course)
    assert f"instead of “{first_course}”" in text
    alternative = next(iter(learner.buttons()))
    text = learner.press(alternative)
    assert "replaces" in text
    remaining_plan = text.split("replaces")[1].split("Your plan")[1]
    assert f"{first_course} (" not in remaining_plan  # plan lines read "Title (Provider)"; titles can nest


def test_progress_settings_and_language(dialogue: Dialogue, database: Database) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    text = learner.say("/progress")
    assert "Progress: 12%" in text
    assert "At the depth your goal needs: Spreadsheets" in text
    learner.say("/settings")
    learner.press("Budget")
    text = learner.say("100")
    assert "Saved." in text
    assert "budget $100 a month" in text
    assert profile(database).monthly_budget == Decimal("100.00")
    assert "I'll speak English" in learner.say("/language en")
    assert "berbahasa Indonesia" in learner.say("/language id")
    assert "Tujuanmu: Analis data" in learner.say("/progress")


def test_unknown_commands_and_free_text_get_help(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    assert "send /start" in learner.say("hello")
    assert "I don't know the command /frobnicate" in learner.say("/frobnicate")
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    assert "/plan" in learner.say("what now?")


def test_learners_do_not_see_each_others_data(dialogue: Dialogue, database: Database) -> None:
    alice = Learner_(dialogue, telegram_id=11)
    bob = Learner_(dialogue, telegram_id=22)
    alice.onboard(ENGLISH_TYPED_ONBOARDING)
    assert "send /start" in bob.say("/plan")
    bob.say("/start")
    assert "Question 1 of 11" in bob.last[-1].text
    assert profile(database, 22).goal_id is None
    assert profile(database, 11).goal_id == "data-analyst"


def test_random_input_always_gets_an_answer(dialogue: Dialogue) -> None:
    rng = random.Random(5)
    learner = Learner_(dialogue)
    inputs = [
        Inbound.from_text("/start"),
        Inbound(InboundKind.UNSUPPORTED),
        Inbound(InboundKind.TEXT, text=""),
        Inbound(InboundKind.LOCATION, latitude=999, longitude=999),
        Inbound.from_text("/back"),
        Inbound.from_text("/cancel"),
        Inbound(InboundKind.CHOICE, payload="1.1"),
        Inbound.from_text("x" * 10_000),
        Inbound.from_text("🙂"),
        Inbound.from_text("/settings junk"),
        Inbound.from_text("/plan"),
    ]
    for _ in range(150):
        learner.send(rng.choice([*inputs, Inbound.from_text(rng.choice(ENGLISH_TYPED_ONBOARDING))]))


def test_a_blocked_learner_who_writes_again_is_active(dialogue: Dialogue, database: Database) -> None:
    from core.storage.models import LearnerStatus

    learner = Learner_(dialogue, telegram_id=31)
    learner.say("/start")
    with database.unit_of_work() as session:
        row = session.exec(select(Learner).where(Learner.telegram_id == 31)).one()
        row.status = LearnerStatus.BLOCKED
    learner.say("/start")
    with database.unit_of_work() as session:
        assert (
            session.exec(select(Learner.status).where(Learner.telegram_id == 31)).one()
            is LearnerStatus.ACTIVE
        )


@pytest.mark.parametrize(("answer", "day"), [("1", 0), ("7", 6), ("senin", 0), ("Friday", 4), ("Jumat", 4)])
def test_check_in_day_typed(dialogue: Dialogue, database: Database, answer: str, day: int) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:9])
    assert "Question 11 of 11" in learner.say(answer)
    assert profile(database).checkin_weekday == day


def test_check_in_day_out_of_range_gets_a_hint(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING[:9])
    assert "I couldn't read “8” as a day of the week" in learner.say("8")


def test_typing_a_button_label_is_pressing_it(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.say("/start")
    learner.say("analyst")
    assert "Question 1 of 11" in learner.say("something else")  # back to the goal question
    learner.say("I want to become a data analyst")
    assert "Question 3 of 11" in learner.say("Data analyst")


def test_a_stored_state_reads_and_writes_the_same_words_as_before_flows_were_an_enum() -> None:
    stored = {"flow": "settings", "step": "hours", "version": 3, "history": [], "scratch": {}, "offered": {}}
    state = ConversationState.model_validate(stored)
    assert state.flow is Flow.SETTINGS and state.flow in QUESTION_FLOWS
    assert state.model_dump(mode="json") == stored
    assert [flow.value for flow in Flow] == ["onboarding", "settings", "menu", "checkin", "badge"]
