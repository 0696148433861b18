"""The plan use cases (core/services/plans.py), without a conversation: a profile and a unit of work in,
a stored plan out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import Session

from core.catalog import Catalog
from core.goals import GoalTarget
from core.learners import load_for_message
from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from core.messages import Identity
from core.plans.store import active_plan, store_target
from core.services import plans
from core.storage.db import Database
from core.storage.models import Learner, LearnerProfile

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def learner_with_goal(session: Session) -> tuple[Learner, LearnerProfile]:
    learner, profile, _ = load_for_message(session, Identity(telegram_id=1), "Asia/Jakarta")
    store_target(profile, GoalTarget("data-analyst"))
    profile.hours_per_week, profile.monthly_budget = 5, Decimal(0)
    profile.course_languages = ["en"]
    return learner, profile


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (dt.date(2026, 11, 7), dt.date(2026, 11, 1)),  # the first week: this month
        (dt.date(2026, 11, 8), dt.date(2026, 12, 1)),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 1)),
    ],
)
def test_a_plan_starts_this_month_only_in_its_first_week(today: dt.date, start: dt.date) -> None:
    assert plans.plan_start(today) == start


def test_a_plan_made_is_stored_current_and_read_back_the_same(database: Database, catalog: Catalog) -> None:
    with database.unit_of_work() as session:
        learner, profile = learner_with_goal(session)
        made = plans.make_plan(session, catalog, learner, profile, NOW)
        assert made.course_ids
        assert active_plan(session, learner.id or 0) is not None
        assert plans.plan_is_current(session, catalog, learner, profile, NOW)
        current = plans.current_plan(session, catalog, learner)
        assert current is not None and current.course_ids == made.course_ids

        plans.change_pace(profile, more=True)
        assert not plans.plan_is_current(session, catalog, learner, profile, NOW)


def test_more_then_fewer_hours_comes_back_to_the_same_pace_within_the_limits() -> None:
    profile = LearnerProfile(learner_id=1, hours_per_week=5)
    assert plans.change_pace(profile, more=True) == 6.25
    assert plans.change_pace(profile, more=False) == 5
    profile.hours_per_week = MAX_HOURS_PER_WEEK
    assert plans.change_pace(profile, more=True) == MAX_HOURS_PER_WEEK
    profile.hours_per_week = MIN_HOURS_PER_WEEK
    assert plans.change_pace(profile, more=False) == MIN_HOURS_PER_WEEK


def test_a_swap_lasts_through_the_re_plan(database: Database, catalog: Catalog) -> None:
    with database.unit_of_work() as session:
        learner, profile = learner_with_goal(session)
        made = plans.make_plan(session, catalog, learner, profile, NOW)
        offered = {
            cid: plans.swap_candidates(session, catalog, learner, profile, NOW, cid, made)
            for cid in made.open_course_ids
        }
        out, [chosen, *_] = next((cid, found) for cid, found in offered.items() if found)
        swapped = plans.swap_course(
            session, catalog, learner, profile, NOW, swapped_out=out, chosen=chosen.id, current=made
        )
        assert chosen.id in swapped.course_ids and out not in swapped.course_ids
        assert (profile.excluded_courses, profile.chosen_courses) == ([out], [chosen.id])
        again = plans.make_plan(session, catalog, learner, profile, NOW, fresh=True)
        assert chosen.id in again.course_ids and out not in again.course_ids
