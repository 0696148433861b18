"""Answers read as the learner meant them (issue #15, part 1), through the whole dialogue:
refusals that quote the answer, no "button expired" for typed text, number words only where a
number is asked, goals chosen by button, ambiguous check-in times, languages we do not speak,
and /settings showing what is set."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.messages import Inbound, InboundKind
from core.storage.db import Database
from core.storage.models import Conversation, Learner, LearnerProfile
from tests.integration.dialogue.test_dialogue import NOW, Learner_, profile
from tests.scripts import ENGLISH_TYPED_ONBOARDING

INDONESIAN_TYPED_ONBOARDING = [
    "saya ingin jadi analis data",
    "1",
    "pemula",
    "belum ada",
    "lima jam",
    "gratis aja",
    "apa saja",
    "keduanya",
    "Jakarta",
    "senin",
    "jam 7 malam",
]


@pytest.fixture
def dialogue(database: Database, catalog: Catalog) -> Dialogue:
    """The dialogue on each backend (conftest's ``database``): answers are stored in JSON state."""
    return Dialogue(database, catalog, clock=lambda: NOW)


def after(dialogue: Dialogue, answers: list[str], language: str = "en") -> Learner_:
    """A learner who has started and typed ``answers`` (the whole onboarding: at the plan)."""
    learner = Learner_(dialogue, language=language)
    learner.onboard(answers)
    return learner


def change_state(dialogue: Dialogue, edit: Callable[[dict[str, Any]], None], telegram_id: int = 1) -> None:
    """Change the stored conversation as time would: a plan or a course gone under an open question."""
    with dialogue.database.unit_of_work() as session:
        learner = session.exec(select(Learner).where(Learner.telegram_id == telegram_id)).one()
        conversation = session.get(Conversation, learner.id)
        assert conversation is not None
        state = copy.deepcopy(conversation.state)
        edit(state)
        conversation.state = state


# -- bullet 1: number words are numbers only where a number is asked -----------------------------


def test_the_teacher_one_is_not_option_one(dialogue: Dialogue) -> None:
    learner = after(dialogue, ["something in education or teaching"])
    assert "Data analyst" in learner.buttons()
    text = learner.say("the teacher one")
    assert "Did I get that right?" in text
    assert "Teacher using digital tools" in learner.buttons()
    assert profile(dialogue.database).goal_id is None  # nothing picked by "one"


def test_a_word_of_one_options_label_picks_it(dialogue: Dialogue) -> None:
    learner = after(dialogue, ["something in education or teaching"])
    assert "Question 3 of 11" in learner.say("the customer service one")
    assert profile(dialogue.database).goal_id == "customer-service-representative"


def test_an_option_is_chosen_by_its_number_in_digits(dialogue: Dialogue) -> None:
    learner = after(dialogue, ["something in education or teaching"])
    assert "Question 3 of 11" in learner.say("2")
    assert profile(dialogue.database).goal_id == "digital-marketer"


def test_number_words_still_count_for_hours(dialogue: Dialogue) -> None:
    after(dialogue, [*ENGLISH_TYPED_ONBOARDING[:4], "three"])
    assert profile(dialogue.database).hours_per_week == 3.0


# -- bullet 3: a refusal quotes the learner's words and says what would work ---------------------


@pytest.mark.parametrize(
    ("answers", "refused", "expected"),
    [
        (ENGLISH_TYPED_ONBOARDING[:0], "blah blah", "I couldn't match “blah blah” to a goal I know."),
        (ENGLISH_TYPED_ONBOARDING[:2], "blah", "I couldn't read “blah” as a level. Try “beginner”"),
        (
            ENGLISH_TYPED_ONBOARDING[:4],
            "blah",
            "I couldn't read “blah” as hours a week. Try “5”, “an hour a day” or “2 hours on weekdays”",
        ),
        (ENGLISH_TYPED_ONBOARDING[:5], "lots", "I couldn't read “lots” as a monthly budget. Try $25"),
        (ENGLISH_TYPED_ONBOARDING[:6], "zoom", "I couldn't read “zoom” as a course format."),
        (ENGLISH_TYPED_ONBOARDING[:7], "klingon", "I couldn't read “klingon” as course languages."),
        (ENGLISH_TYPED_ONBOARDING[:8], "my house", "I couldn't find a place or time zone in “my house”."),
        (ENGLISH_TYPED_ONBOARDING[:9], "soon", "I couldn't read “soon” as a day of the week."),
        (ENGLISH_TYPED_ONBOARDING[:10], "later", "I couldn't read “later” as a time. Try “19:00”"),
    ],
)
def test_a_refusal_quotes_the_answer_and_gives_examples(
    dialogue: Dialogue, answers: list[str], refused: str, expected: str
) -> None:
    learner = after(dialogue, answers)
    assert expected in learner.say(refused)


def test_a_long_answer_is_quoted_shortened(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    text = learner.say("whatever time I have left after work and taking care of kids")
    assert "“whatever time I have left after work an…”" in text


def test_a_refusal_in_indonesian_quotes_the_answer(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:4], language="id")
    text = learner.say("banyak")
    assert "Saya belum bisa membaca “banyak” sebagai jam per minggu. Coba “5”, “1 jam sehari”" in text


def test_settings_refusals_quote_the_answer(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    learner.say("/settings")
    learner.press("Email")
    assert "“not an address” doesn't look like an email address." in learner.say("not an address")
    learner.say("/settings")
    learner.press("Quiet hours")
    assert "I couldn't read “whenever” as quiet hours." in learner.say("whenever")


# -- bullet 4: a typed answer never hears "this button has expired" ------------------------------


def press_first(learner: Learner_) -> str:
    return learner.send(Inbound(InboundKind.CHOICE, payload=next(iter(learner.buttons().values()))))


def swap_gone(dialogue: Dialogue, learner: Learner_) -> None:
    """The learner is choosing a replacement course, and the course to swap out is forgotten."""
    learner.press("Swap a course")
    assert "instead of" in learner.press("Introduction to Data Analytics")  # a course with alternatives
    change_state(dialogue, lambda state: state["scratch"].pop("swap_out"))


def check_in_item_gone(dialogue: Dialogue, learner: Learner_) -> None:
    """A check-in asks about a course, and the plan is re-made under it: the item no longer exists."""
    assert "How far along are you?" in learner.say("/checkin")
    change_state(dialogue, lambda state: state["scratch"].update(items=[10**9]))


@pytest.mark.parametrize(
    ("make_stale", "typed"),
    [(swap_gone, "1"), (check_in_item_gone, "done"), (check_in_item_gone, "1"), (check_in_item_gone, "skip")],
)
def test_typed_text_for_a_question_that_is_gone_is_not_told_about_buttons(
    dialogue: Dialogue, make_stale: Callable[[Dialogue, Learner_], None], typed: str
) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    make_stale(dialogue, learner)
    text = learner.say(typed)
    assert "expired" not in text
    assert "Here's what I can do" in text


@pytest.mark.parametrize("make_stale", [swap_gone, check_in_item_gone])
def test_a_pressed_button_for_a_question_that_is_gone_expires(
    dialogue: Dialogue, make_stale: Callable[[Dialogue, Learner_], None]
) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    make_stale(dialogue, learner)
    assert "expired" in press_first(learner)


# -- bullet 5: a language we do not speak -----------------------------------------------------


def test_an_answer_in_spanish_hears_which_languages_we_speak(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    text = learner.say("cinco horas por semana")
    assert "I understand English and Indonesian" in text
    assert "Question 5 of 11" in text


def test_a_refused_english_answer_hears_no_language_hint(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    assert "I understand English and Indonesian" not in learner.say("blah")


def test_text_outside_a_question_in_another_script(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING, language="id")
    text = learner.say("我想学习数据分析")
    assert "Saya mengerti bahasa Inggris dan bahasa Indonesia" in text
    assert "/plan" in text


def test_an_understood_answer_in_indonesian_is_not_flagged(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    text = learner.say("tiga jam")
    assert "Question 6 of 11" in text
    assert "I understand" not in text


# -- bullet 6: an ambiguous check-in time inside quiet hours -----------------------------------


def test_a_bare_five_asks_morning_or_afternoon(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:10])
    text = learner.say("5")
    assert "5 in the morning or 5 in the afternoon?" in text
    assert list(learner.buttons()) == ["05:00", "17:00"]
    assert "Your plan" in learner.press("17:00")
    assert profile(dialogue.database).checkin_time == dt.time(17, 0)


def test_half_past_six_asks_morning_or_evening(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:10])
    assert "6:30 in the morning or 6:30 in the evening?" in learner.say("6:30")
    assert "Your plan" in learner.say("18:30")
    assert profile(dialogue.database).checkin_time == dt.time(18, 30)


@pytest.mark.parametrize(
    ("typed", "time"), [("1", dt.time(5)), ("2", dt.time(17)), ("sore", dt.time(17)), ("pagi", dt.time(5))]
)
def test_the_reading_is_picked_by_number_or_part_of_day(
    dialogue: Dialogue, typed: str, time: dt.time
) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:10], language="id")
    assert "Jam 5 pagi atau jam 5 sore?" in learner.say("5")
    assert "Rencana kamu" in learner.say(typed)
    assert profile(dialogue.database).checkin_time == time


def test_half_past_seven_is_after_quiet_hours_and_stored_at_once(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:10])
    assert "Your plan" in learner.say("7:30")
    assert profile(dialogue.database).checkin_time == dt.time(7, 30)


def test_six_is_asked_about_and_answered_in_indonesian(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:10], language="id")
    assert "Jam 6 pagi atau jam 6 malam?" in learner.say("6")
    learner.press("06:00")
    assert profile(dialogue.database).checkin_time == dt.time(6, 0)


@pytest.mark.parametrize(
    ("answer", "time"), [("5pm", dt.time(17)), ("17:00", dt.time(17)), ("9", dt.time(9))]
)
def test_unambiguous_or_awake_times_are_stored_at_once(
    dialogue: Dialogue, answer: str, time: dt.time
) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:10])
    assert "Your plan" in learner.say(answer)
    assert profile(dialogue.database).checkin_time == time


def test_jam_lima_sore_is_stored_at_once(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:10], language="id")
    assert "Rencana kamu" in learner.say("jam 5 sore")
    assert profile(dialogue.database).checkin_time == dt.time(17, 0)


def test_the_learners_own_quiet_hours_decide(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    learner.say("/settings")
    learner.press("Quiet hours")
    learner.say("23:00-10:00")
    learner.say("/settings")
    learner.press("Check-in time")
    assert "9 in the morning or 9 in the evening?" in learner.say("9")


# -- bullet 7: a goal's own button is not confirmed again --------------------------------------


def test_a_goal_button_goes_straight_to_the_level(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.say("/start")
    text = learner.press("Data analyst")
    assert "Did I get that right?" not in text
    assert "Question 3 of 11" in text
    assert profile(dialogue.database).goal_id == "data-analyst"
    back = learner.say("/back")
    assert "Question 1 of 11" in back  # back to the goal question, not to a confirmation
    assert "Question 3 of 11" in learner.press("Web developer")
    assert profile(dialogue.database).goal_id == "web-developer"


def test_a_typed_goal_is_still_confirmed(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.say("/start")
    assert "Did I get that right?" in learner.say("Data analyst")


def test_a_goal_button_in_settings_goes_straight_to_the_skills(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    learner.say("/settings")
    learner.press("Goal")
    text = learner.press("Web developer")
    assert "Which of these skills do you already have?" in text
    assert "Did I get that right?" not in text
    assert "What would you like to become" in learner.say("/back")


# -- bullet 8: /settings shows what is set ---------------------------------------------------


def test_settings_show_each_current_value(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    text = learner.say("/settings")
    for line in [
        "Your answers now:",
        "• Goal: Data analyst",
        "• Level: Beginner",
        "• Skills I have: Spreadsheets",
        "• Hours per week: 5 h a week",
        "• Budget: $30 a month",
        "• Course formats: Any",
        "• Course languages: English",
        "• Time zone: Jakarta (WIB)",
        "• Check-in day: Monday",
        "• Check-in time: 19:00",
        "• How often to check in: Every week",
        "• Quiet hours: 22:00-07:00",
        "• Email for badges: none",
        "• Bot language: English",
        "What would you like to change?",
    ]:
        assert line in text


def test_settings_show_values_in_indonesian(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING, language="id")
    text = learner.say("/settings")
    for line in [
        "Jawabanmu saat ini:",
        "• Jam per minggu: 5 jam seminggu",
        "• Anggaran: Gratis saja",
        "• Bahasa kursus: Inggris dan Indonesia",
        "• Hari check-in: Senin",
        "• Jam check-in: 19:00",
    ]:
        assert line in text


def test_a_changed_setting_shows_next_time(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    learner.say("/settings")
    learner.press("Hours per week")
    learner.say("an hour a day")
    assert "• Hours per week: 7 h a week" in learner.say("/settings")
    with dialogue.database.unit_of_work() as session:
        assert session.exec(select(LearnerProfile.hours_per_week)).one() == 7.0


# -- review of part 1: answers are never stored as the opposite of what was said ---------------

CHECKIN_NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # inside the onboarded plan's first month
SPEAKING = "Introduction to Public Speaking"  # the first course the check-in asks about


@pytest.fixture
def at_checkin(database: Database, catalog: Catalog) -> Learner_:
    """A learner set up in English, asked about the first course of a check-in."""
    learner = Learner_(Dialogue(database, catalog, clock=lambda: CHECKIN_NOW))
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    assert SPEAKING in learner.say("/checkin")
    return learner


def progress_of_first_course(learner: Learner_) -> str:
    learner.say("/cancel")
    return next(line for line in learner.say("/plan").splitlines() if SPEAKING in line)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("50% done", "50% done"),
        ("I'm at 60%", "60% done"),
        ("about 60%!", "60% done"),
        ("60 persen", "60% done"),
        ("it's hard but 60%", "60% done"),
        ("working hard, 60%", "60% done"),
        ("half done", "50% done"),
        ("setengah selesai", "50% done"),
        ("1", "1% done"),  # a number at the question of how far is a percentage, not button 1 (Done)
        ("5", "5% done"),  # not button 5 (Stuck)
        ("25", "25% done"),
    ],
)
def test_a_percentage_anywhere_is_the_progress(at_checkin: Learner_, typed: str, shown: str) -> None:
    text = at_checkin.say(typed)
    assert "badge" not in text.casefold()  # not read as done
    line = progress_of_first_course(at_checkin)
    assert shown in line and not line.startswith("✓")


@pytest.mark.parametrize(
    "typed",
    [
        "almost done",
        "nearly finished",
        "far from done",
        "hampir selesai",
        "done with chapter 1",
        "completed module 1 of 4",
    ],
)
def test_part_of_a_course_is_asked_as_a_percentage(at_checkin: Learner_, typed: str) -> None:
    text = at_checkin.say(typed)
    assert f"“{typed}” sounds like part of the course is done. How far along are you?" in text
    assert "75%" in at_checkin.buttons() or any("75" in label for label in at_checkin.buttons())
    assert not progress_of_first_course(at_checkin).startswith("✓")


def test_no_problem_done_is_done(at_checkin: Learner_) -> None:
    assert "badge" in at_checkin.say("No problem, done").casefold()


def test_i_dont_want_to_skip_is_not_a_skip(at_checkin: Learner_) -> None:
    text = at_checkin.say("I don't want to skip")
    assert "I couldn't read “I don't want to skip” as an answer about this course." in text
    assert SPEAKING in progress_of_first_course(at_checkin)  # still in the plan


@pytest.mark.parametrize("typed", ["yes?", "yakin?", "wait what?", "nggak yakin", "tidak yakin"])
def test_forget_is_never_confirmed_by_a_question_or_a_doubt(
    dialogue: Dialogue, database: Database, typed: str
) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING)
    learner.say("/forget")
    assert "nothing was deleted" in learner.say(typed)
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.telegram_id)).all() == [1]


@pytest.mark.parametrize(
    ("place", "zone", "said"),
    [
        ("Paris, Texas", "America/Chicago", "Time zone: Chicago (CST)."),
        ("Perth, Scotland", "Europe/London", "Time zone: London (GMT)."),
        ("London, Ontario", "America/Toronto", "Time zone: Toronto (EST)."),
        ("Sydney, Nova Scotia", "America/Halifax", "Time zone: Halifax (AST)."),
        ("Paris", "Europe/Paris", "Time zone: Paris (CET)."),
        ("jaksel", "Asia/Jakarta", "Time zone: Jakarta (WIB)."),
        ("Las Vegas", "America/Los_Angeles", "Time zone: Los Angeles (PST)."),
        ("Lima", "America/Lima", "Time zone: Lima (UTC-05)."),
    ],
)
def test_the_time_zone_picked_is_said_and_each_part_counts(
    dialogue: Dialogue, database: Database, place: str, zone: str, said: str
) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:8])
    text = learner.say(place)
    assert said in text and "Question 10 of 11" in text
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.timezone)).one() == zone


def test_places_that_disagree_are_refused(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:8])
    text = learner.say("London, Paris")
    assert "The places in “London, Paris” are in different time zones" in text
    assert "Question 9 of 11" in text


def test_indonesia_asks_which_of_its_zones(dialogue: Dialogue, database: Database) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:8], language="id")
    text = learner.say("Indonesia")
    assert "Indonesia punya lebih dari satu zona waktu." in text
    assert list(learner.buttons())[:3] == ["Jakarta (WIB)", "Makassar, Bali (WITA)", "Jayapura (WIT)"]
    assert "Zona waktu: Makassar (WITA)." in learner.press("Makassar, Bali (WITA)")
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.timezone)).one() == "Asia/Makassar"


def test_the_skills_example_names_skills_the_question_shows(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:3])
    first, second = list(learner.buttons())[:2]
    assert f"type them like “{first}, {second}”" in learner.say("blah")


def test_the_language_hint_is_in_both_languages(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    text = learner.say("cinco horas por semana")
    assert "I understand English and Indonesian" in text and "Saya mengerti bahasa Inggris" in text


def test_noon_is_neither_reading_of_an_ambiguous_time(dialogue: Dialogue) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:10])
    assert "5 in the morning or 5 in the afternoon?" in learner.say("5")
    assert "Your plan" in learner.say("noon")
    assert profile(dialogue.database).checkin_time == dt.time(12, 0)


def test_half_past_six_is_written_the_indonesian_way(dialogue: Dialogue) -> None:
    learner = after(dialogue, INDONESIAN_TYPED_ONBOARDING[:10], language="id")
    assert "Jam 6.30 pagi atau jam 6.30 malam?" in learner.say("6:30")


@pytest.mark.parametrize(("typed", "hint"), [("5 dollars", "as hours a week"), ("a lot", "as hours a week")])
def test_money_and_a_lot_are_not_hours(dialogue: Dialogue, typed: str, hint: str) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:4])
    assert hint in learner.say(typed)


@pytest.mark.parametrize("typed", ["not a beginner", "I'm no expert"])
def test_a_denied_level_is_refused(dialogue: Dialogue, typed: str) -> None:
    learner = after(dialogue, ENGLISH_TYPED_ONBOARDING[:2])
    assert f"I couldn't read “{typed}” as a level." in learner.say(typed)
    assert profile(dialogue.database).level is None
