"""Progress only goes forward: what a learner finished, skipped, swapped or is stuck on stays as
they said, through every re-plan, in /progress and in /plan (issue #15, part 2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import func, select

from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.limits import MIN_HOURS_PER_WEEK
from core.storage.db import Database
from core.storage.models import LearnerProfile, Plan
from tests.fakes.badge_server import BadgeServer
from tests.integration.dialogue.test_badges import (
    conversation,
    first_plan_course,
    host_badge,
    recognise_server_as,
)
from tests.integration.dialogue.test_dialogue import Learner_, profile
from tests.scripts import ENGLISH_TYPED_ONBOARDING

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
SPEAKING = "Introduction to Public Speaking"  # the first course of the onboarded plan, month 1
ANALYTICS = "Introduction to Data Analytics"  # the second one, month 1 (it has courses like it)


@pytest.fixture
def dialogue(database: Database, catalog: Catalog) -> Dialogue:
    return Dialogue(database, catalog, clock=lambda: NOW)


@pytest.fixture
def learner(dialogue: Dialogue) -> Learner_:
    person = Learner_(dialogue)
    person.onboard(ENGLISH_TYPED_ONBOARDING)
    return person


def coverage(plan_text: str) -> int:
    found = re.search(r"Where this plan takes you: (\d+)%", plan_text)
    assert found is not None, plan_text
    return int(found.group(1))


def plan_count(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.exec(select(func.count()).select_from(Plan)).one()


def finish_first_course(learner: Learner_) -> None:
    assert SPEAKING in learner.say("/checkin")
    learner.press("Done")
    learner.press("Skip")  # no badge to give
    learner.say("/cancel")  # the second course is left for later


def test_a_finished_course_counts_through_every_re_plan(learner: Learner_) -> None:
    before = coverage(learner.say("/plan"))
    assert "Courses finished: 0" in learner.say("/progress")
    finish_first_course(learner)

    shown = learner.say("/plan")
    assert f"✓ 1. {SPEAKING}" in shown and f"Done: {SPEAKING}." in shown
    for action in ("Too little", "Too much"):  # two re-plans: the second once forgot the first's work
        learner.say("/plan")
        text = learner.press(action)
        assert f"Done: {SPEAKING}." in text
        assert f". {SPEAKING} (" not in text  # not planned again
        assert coverage(text) >= before
        assert "Courses finished: 1" in learner.say("/progress")
    assert "Presentation skills" in learner.say("/progress").split("Still to learn")[0]


def test_plan_marks_what_is_under_way_and_tells_moves_once(learner: Learner_) -> None:
    learner.say("/checkin")
    learner.say("50%")
    learner.say("/cancel")
    assert (
        f"1. {SPEAKING} (University of Washington) · 15 h · learn free · certificate $49 optional · 50% done"
        in (learner.say("/plan"))
    )
    assert "moved from" in learner.press("Too little")  # right after the re-plan that moved them
    again = learner.say("/plan")
    assert "moved from" not in again and "50% done" in again  # not on every later /plan


def test_a_skipped_course_leaves_the_plan(learner: Learner_) -> None:
    learner.say("/checkin")
    learner.say("skip")
    text = learner.say("25%")  # the last open item: the check-in closes

    assert "took it out of your plan" in text
    assert f". {SPEAKING} (" not in text
    for action in ("Too little", "Too much"):
        assert f". {SPEAKING} (" not in learner.press(action)


def test_a_swap_lasts_through_re_plans_and_a_fresh_plan(learner: Learner_, database: Database) -> None:
    learner.say("/plan")
    learner.press("Swap a course")
    learner.press(ANALYTICS)
    chosen = next(label for label in learner.buttons() if not label.startswith("Keep"))
    chosen_title = chosen.split(" (")[0]
    assert "replaces" in learner.press(chosen)
    stored = profile(database)
    assert stored.excluded_courses and stored.chosen_courses

    for text in (
        learner.press("Too little"),
        learner.say("/plan") and learner.press("Start over") and learner.press("New plan from my answers"),
    ):
        assert f". {ANALYTICS} (" not in text
        assert f". {chosen_title} (" in text


def test_stuck_offers_like_courses_in_the_learners_units_or_keeping_it(learner: Learner_) -> None:
    learner.say("/checkin")
    learner.say("done")
    learner.say("skip")
    text = learner.say("stuck")  # on Introduction to Data Analytics, 10 h

    assert f"What would you like instead of “{ANALYTICS}”?" in text
    labels = list(learner.buttons())
    assert labels[-1] == f"Keep “{ANALYTICS}”"
    for label in labels[:-1]:
        hours = re.search(r", ([\d.]+) h\)$", label)
        assert hours is not None and float(hours.group(1)) <= 20  # at most about twice its hours
    assert "stays in your plan" in learner.press("Keep")
    assert f". {ANALYTICS} (" in learner.say("/plan")


def test_stuck_in_indonesian_says_jam(dialogue: Dialogue) -> None:
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    learner.say("/language id")
    learner.say("/checkin")
    learner.say("selesai")
    learner.say("lewati")
    learner.say("stuck")
    labels = list(learner.buttons())
    assert labels and all(label.endswith(" jam)") for label in labels[:-1])
    assert labels[-1].startswith("Tetap")


def test_saving_a_setting_with_the_same_value_does_not_re_plan(learner: Learner_, database: Database) -> None:
    plans = plan_count(database)
    learner.say("/settings")
    learner.press("Hours per week")
    text = learner.say("5")

    assert "That's what you had already, so your plan stays as it is." in text
    assert "Your plan:" not in text
    assert plan_count(database) == plans

    learner.say("/settings")
    learner.press("Hours per week")
    assert "Your plan:" in learner.say("8")  # a new value does re-plan
    assert plan_count(database) == plans + 1


def test_start_over_offers_the_questions_or_a_new_plan(learner: Learner_, database: Database) -> None:
    learner.say("/plan")
    text = learner.press("Start over")
    assert "Answer the questions again" in text and "New plan from my answers" in text
    assert len(learner.buttons()) == 2

    assert "Question 1 of 11" in learner.say("yes")
    assert profile(database).goal_id == "data-analyst"  # kept until the learner answers
    learner.press("Web developer")
    assert profile(database).goal_id == "web-developer"
    assert "Your earlier answers and your plan are as they were" in learner.say("/cancel")
    assert profile(database).goal_id == "data-analyst"  # the profile the plan was made for
    assert "Your plan: Data analyst" in learner.say("/plan")

    learner.say("/plan")
    learner.press("Start over")
    assert "Your plan: Data analyst" in learner.say("no")


def test_a_verified_badge_at_a_check_in_counts_through_re_plans(
    database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    dialogue = conversation(database, catalog, badge_server)
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    _, title, provider = first_plan_course(database, catalog)
    recognise_server_as(dialogue, badge_server, provider)
    learner.say("/checkin")
    learner.press("Done")
    assert "✅ Verified" in learner.say(host_badge(badge_server, "Certificate of completion", provider))
    learner.say("/cancel")

    for action in ("Too little", "Too much"):
        learner.say("/plan")
        assert f"Done: {title}." in learner.press(action)
        assert "Courses finished: 1" in learner.say("/progress")


def progress_percent(text: str) -> int:
    found = re.search(r"(\d+)%", text)
    assert found is not None, text
    return int(found.group(1))


def test_plan_coverage_follows_courses_finished_outside_a_re_plan(learner: Learner_) -> None:
    """The bug this fixes: /plan kept the coverage of the day it was made, behind /progress."""
    before = coverage(learner.say("/plan"))
    learner.say("I finished SQL for Data Science")
    learner.press(next(label for label in learner.buttons() if label.startswith("SQL for Data Science (")))

    after = coverage(learner.say("/plan"))
    assert after > before
    assert after >= progress_percent(learner.say("/progress"))


def test_skip_and_stuck_in_one_check_in_re_plan_for_the_skip_then_offer_alternatives(
    learner: Learner_,
) -> None:
    """The bug this fixes: "stuck" returned before the re-plan for "skip"."""
    learner.say("/checkin")
    learner.say("skip")  # Introduction to Public Speaking
    text = learner.say("stuck")  # Introduction to Data Analytics: the check-in closes

    assert "You skipped a course, so I took it out of your plan" in text
    assert f"What would you like instead of “{ANALYTICS}”?" in text
    assert f"“{ANALYTICS}” stays in your plan" in learner.press("Keep")
    assert f". {SPEAKING} (" not in learner.say("/plan")


def test_each_course_the_learner_is_stuck_on_gets_alternatives_in_turn(learner: Learner_) -> None:
    """The bug this fixes: only the last course stuck on got alternatives."""
    learner.say("/checkin")
    learner.say("stuck")
    text = learner.say("stuck")

    assert f"I couldn't find another course that teaches the same skills as “{SPEAKING}”" in text
    assert f"What would you like instead of “{ANALYTICS}”?" in text  # the next one, asked at once
    chosen = next(label for label in learner.buttons() if not label.startswith("Keep"))
    text = learner.press(chosen)
    assert f"replaces “{ANALYTICS}”" in text and "Your plan:" in text


def test_a_new_goal_plans_afresh_without_the_old_goals_courses(learner: Learner_, database: Database) -> None:
    """The bug this fixes: a web developer's plan kept the data analyst's courses and swaps."""
    learner.say("/plan")
    learner.press("Swap a course")
    learner.press(ANALYTICS)
    chosen = next(label for label in learner.buttons() if not label.startswith("Keep"))
    learner.press(chosen)
    assert profile(database).chosen_courses

    learner.say("/settings")
    learner.press("Goal")
    learner.press("Web developer")
    text = learner.press("Done")  # none of the skills held

    assert "Your plan: Web developer" in text
    for old in (ANALYTICS, chosen.split(" (")[0], "SQL for Data Science"):
        assert f". {old} (" not in text
    assert profile(database).chosen_courses == []  # the swap served the old goal


def test_the_swap_menu_leaves_out_finished_courses(learner: Learner_) -> None:
    finish_first_course(learner)
    learner.say("/plan")
    learner.press("Swap a course")
    labels = list(learner.buttons())
    assert ANALYTICS in labels and SPEAKING not in labels and not any("✓" in label for label in labels)


def test_hours_that_drift_in_round_trips_are_still_the_same_setting(
    learner: Learner_, database: Database
) -> None:
    with database.unit_of_work() as session:  # where "Too much" / "Too little" round trips ended
        session.exec(select(LearnerProfile)).one().hours_per_week = 4.999
    learner.say("/plan")
    learner.press("Start over")
    learner.press("New plan from my answers")
    plans = plan_count(database)
    learner.say("/settings")
    learner.press("Hours per week")
    assert "That's what you had already" in learner.say("5")
    assert plan_count(database) == plans


def month_one_hours(plan_text: str) -> tuple[float, float]:
    """Month 1's "planned of room" hours, from "Month 1 · December 2026: 19.5 of 22.1 h, ..."."""
    found = re.search(r"Month 1 · [^:]+: ([\d.]+) of ([\d.]+) h", plan_text)
    assert found is not None, plan_text
    return float(found.group(1)), float(found.group(2))


def test_a_re_plan_in_the_month_under_way_does_not_fill_it_twice(
    database: Database, catalog: Catalog
) -> None:
    now = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)  # the first week: the plan starts this month
    learner = Learner_(Dialogue(database, catalog, clock=lambda: now))
    first = learner.onboard(ENGLISH_TYPED_ONBOARDING)
    planned, room = month_one_hours(first)
    assert "Month 1 · December 2026" in first
    speaking_hours = catalog.courses["uw-introduction-to-public-speaking"].hours
    finish_first_course(learner)
    learner.say("/plan")
    again = learner.press("Too little")  # a re-plan, still in December
    _, room_after = month_one_hours(again)
    more = room * 1.25  # "too little" gives 1.25 x the hours
    assert room_after == pytest.approx(more - speaking_hours, abs=0.2)  # what was studied is not room again
    assert planned <= room


def test_too_much_never_raises_the_least_hours_a_learner_may_give(
    learner: Learner_, database: Database
) -> None:
    with database.unit_of_work() as session:  # the least the onboarding question accepts
        session.exec(select(LearnerProfile)).one().hours_per_week = MIN_HOURS_PER_WEEK
    learner.say("/plan")
    assert "re-planned for 0.5 h a week" in learner.press("Too much")
    with database.unit_of_work() as session:
        assert session.exec(select(LearnerProfile)).one().hours_per_week == MIN_HOURS_PER_WEEK
