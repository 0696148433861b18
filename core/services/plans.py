"""Plans as use cases: make or re-plan a learner's plan, change its pace, swap a course.

Each function takes the learner's rows, the catalog, the time and a Session (the unit of work the
caller opened), stores what changed and returns the planner's result; the dialogue words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.catalog import Catalog
from core.catalog.schema import Course
from core.checkins import tick
from core.dates import add_months
from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from core.planner import PlanRequest, PlanResult, alternatives, plan_months, replan
from core.plans.store import (
    active_plan,
    hours_studied_since,
    learner_progress,
    load_plan,
    request_from_profile,
    same_goal,
    same_settings,
    save_plan,
    starting_months,
)
from core.storage.db_types import utc_now
from core.storage.models import Learner, LearnerProfile

LESS_HOURS = 0.8  # "too much" then "too little" comes back to the same hours: 0.8 x 1.25 = 1
MORE_HOURS = 1.25
START_THIS_MONTH_UNTIL_DAY = 7  # a plan made in the first week starts this month, later ones next month


def local_today(learner: Learner, now: dt.datetime) -> dt.date:
    """The learner's date at ``now``, in their time zone."""
    return now.astimezone(ZoneInfo(learner.timezone)).date()


def plan_start(today: dt.date) -> dt.date:
    """The month a plan made ``today`` starts: this one in its first week, else the next."""
    first = today.replace(day=1)
    return first if today.day <= START_THIS_MONTH_UNTIL_DAY else add_months(first, 1)


def plan_request(
    session: Session, catalog: Catalog, learner: Learner, profile: LearnerProfile, now: dt.datetime
) -> PlanRequest:
    """The planner's input from the profile: the learner's progress over all their plans and
    badges, the courses they swapped away, and their own language preferred."""
    assert learner.id is not None  # noqa: S101  (flushed on creation)
    progress = learner_progress(session, learner.id)
    today = local_today(learner, now)
    start = plan_start(today)
    request = request_from_profile(catalog, profile, start, progress)
    own = learner.language if learner.language in profile.course_languages else None  # own words
    studied = 0.0
    if start == today.replace(day=1):  # planning the month already under way
        zone = ZoneInfo(learner.timezone)
        month_began = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
        studied = hours_studied_since(session, catalog, learner.id, month_began)
    return replace(request, preferred_language=own, studied_first_month=studied)


def make_plan(
    session: Session,
    catalog: Catalog,
    learner: Learner,
    profile: LearnerProfile,
    now: dt.datetime,
    *,
    keep: tuple[str, ...] = (),
    fresh: bool = False,
) -> PlanResult:
    """Plan (or re-plan) from the profile, store it, and return it.

    A new goal plans afresh: the old goal's courses are not kept, and swaps whose chosen course
    teaches none of the new goal's skills are dropped (finished courses count as always).

    Reading the old plan and planning happen before the first write (the answer just given is not
    flushed for them: they read plans, not the profile), so SQLite's one write lock is not held
    while the planner works.
    """
    assert learner.id is not None  # noqa: S101  (flushed on creation)
    with session.no_autoflush:
        previous = active_plan(session, learner.id)
        request = plan_request(session, catalog, learner, profile, now)
        if previous is not None and not same_goal(previous, request):
            fresh = True
            drop_swaps_off_goal(catalog, profile, request)
        chosen = tuple(profile.chosen_courses)  # the learner's swaps stay, a fresh plan too
        if previous is None or fresh:
            request = replace(request, keep=keep or chosen)
            result = plan_months(catalog, request)
        else:
            starts = starting_months(session, previous)
            request = replace(request, keep=keep or tuple(dict.fromkeys([*starts, *chosen])))
            result = replan(catalog, request, starts)
    saved = save_plan(session, learner.id, request.goal, result, previous)
    tick.refresh_for_plan(session, learner, profile, saved, now)  # monthly reviews follow the plan
    return result


def current_plan(session: Session, catalog: Catalog, learner: Learner) -> PlanResult | None:
    """The learner's active plan as the planner returned it, or None before the first."""
    assert learner.id is not None  # noqa: S101
    plan = active_plan(session, learner.id)
    return load_plan(session, plan, catalog) if plan is not None else None


def plan_is_current(
    session: Session, catalog: Catalog, learner: Learner, profile: LearnerProfile, now: dt.datetime
) -> bool:
    """Whether the active plan was made from the settings the profile holds now."""
    with session.no_autoflush:  # reads plans only: the answer just given stays unflushed
        plan = active_plan(session, learner.id or 0)
        return plan is not None and same_settings(plan, plan_request(session, catalog, learner, profile, now))


def change_pace(profile: LearnerProfile, *, more: bool) -> float:
    """A quarter more (or a fifth fewer) hours a week, within the limits; the new hours.

    Kept unrounded (to the 1/1000 h), so the two steps undo each other.
    """
    hours = profile.hours_per_week or MIN_HOURS_PER_WEEK
    changed = min(max(hours * (MORE_HOURS if more else LESS_HOURS), MIN_HOURS_PER_WEEK), MAX_HOURS_PER_WEEK)
    profile.hours_per_week = round(changed, 3)
    profile.updated_at = utc_now()
    return profile.hours_per_week


def swap_candidates(
    session: Session,
    catalog: Catalog,
    learner: Learner,
    profile: LearnerProfile,
    now: dt.datetime,
    course_id: str,
    current: PlanResult,
) -> list[Course]:
    """The courses that could replace ``course_id`` in ``current``, best first."""
    request = plan_request(session, catalog, learner, profile, now)
    return alternatives(catalog, request, course_id, current.course_ids)


def swap_course(
    session: Session,
    catalog: Catalog,
    learner: Learner,
    profile: LearnerProfile,
    now: dt.datetime,
    *,
    swapped_out: str,
    chosen: str,
    current: PlanResult,
) -> PlanResult:
    """Swap a course for another (a lasting choice) and re-plan at once, the swap in its place."""
    remember_swap(profile, swapped_out, chosen)
    keep = tuple(chosen if cid == swapped_out else cid for cid in current.course_ids)
    return make_plan(session, catalog, learner, profile, now, keep=keep)


def remember_swap(profile: LearnerProfile, swapped_out: str, chosen: str) -> None:
    """A swap is a preference that lasts: the course swapped away is never planned again and the
    one chosen instead stays through every re-plan (until it is swapped away in turn)."""
    profile.excluded_courses = [*(c for c in profile.excluded_courses if c != chosen), swapped_out]
    profile.chosen_courses = [*(c for c in profile.chosen_courses if c != swapped_out), chosen]
    profile.updated_at = utc_now()


def drop_swaps_off_goal(catalog: Catalog, profile: LearnerProfile, request: PlanRequest) -> None:
    """Forget the swaps whose chosen course teaches none of ``request``'s goal skills (the goal
    changed: they served the old one)."""
    kept = [
        cid
        for cid in profile.chosen_courses
        if cid in catalog.courses
        and not set(catalog.courses[cid].main_skills).isdisjoint(request.goal_skills)
    ]
    if kept != profile.chosen_courses:
        profile.chosen_courses = kept
        profile.updated_at = utc_now()
