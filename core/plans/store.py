"""Plans in the database: save a :class:`PlanResult`, load it back, and turn a profile into a request.

A saved plan keeps everything needed to show it again exactly as it was made (hours, costs and
the reason facts per item, the request and the gaps in ``plans.summary``), so /plan does not
depend on re-running the planner against a catalog that may have changed since.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, fields, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from core.catalog import Catalog
from core.catalog.schema import CourseFormat, Level
from core.dates import add_months
from core.goals.target import EMPHASIS_WEIGHT, GoalTarget
from core.planner.depth import contribution
from core.planner.rules import Rules
from core.planner.types import (
    PathwayProgress,
    Phase,
    PlanMonth,
    PlannedItem,
    PlanRequest,
    PlanResult,
    Progress,
    ProgressState,
    Reason,
    SkillDepth,
    UncoveredReason,
    UncoveredSkill,
)
from core.storage.db_types import utc_now
from core.storage.models import Badge, BadgeStatus, LearnerProfile, Plan, PlanItem, PlanItemStatus, PlanStatus

DEFAULT_HOURS = 5.0
HOURS_TOLERANCE = 0.05  # hours a week shown to one decimal: closer than this is the same setting
CREDITED_BY = "credited_by"  # plan item details: the badge that marked the part done...
BEFORE_CREDIT = "before_credit"  # ...and [status, percent] it had before, to undo exactly that


def profile_target(profile: LearnerProfile) -> GoalTarget:
    """The learner's goal as they confirmed it: a catalog goal, skills, or both, and their origin."""
    return GoalTarget(
        profile.goal_id,
        dict.fromkeys(profile.goal_skills, EMPHASIS_WEIGHT),
        profile.origin_id,
        frozenset(profile.transferable_skills),
    )


def store_target(profile: LearnerProfile, target: GoalTarget) -> None:
    """Keep a confirmed goal on the profile (what :func:`profile_target` reads back)."""
    profile.goal_id = target.goal
    profile.goal_skills = list(target.skills)  # a list keeps the learner's order (JSONB would sort keys)
    profile.origin_id = target.origin
    profile.transferable_skills = sorted(target.transferable)


def has_goal(catalog: Catalog, profile: LearnerProfile) -> bool:
    """Whether the profile names something to plan for (a known goal, or skills)."""
    return bool(profile_target(profile).goal_skills(catalog))


def request_from_profile(
    catalog: Catalog,
    profile: LearnerProfile,
    start: dt.date,
    progress: dict[str, Progress] | None = None,
) -> PlanRequest:
    """The planner's input for this learner, from what they told us."""
    return profile_target(profile).request(
        catalog,
        start=start,
        hours_per_week=profile.hours_per_week or DEFAULT_HOURS,
        monthly_budget=profile.monthly_budget or Decimal(0),
        currency=profile.budget_currency,
        level=profile.level or Level.BEGINNER,
        held_skills=frozenset(profile.skills_held),
        languages=frozenset(profile.course_languages),
        formats=frozenset(CourseFormat(f) for f in profile.preferred_formats),
        avoid_providers=frozenset(profile.avoid_providers),
        progress=progress or {},
        exclude_courses=frozenset(profile.excluded_courses),
    )


def _request_summary(request: PlanRequest) -> dict[str, Any]:
    return {
        "goal_skills": dict(request.goal_skills),
        "goal": request.goal,
        "transferable": sorted(request.transferable),
        "start": request.start.isoformat(),
        "hours_per_week": request.hours_per_week,
        "monthly_budget": str(request.monthly_budget),
        "currency": request.currency,
        "months": request.months,
        "level": request.level.value,
        "held_skills": sorted(request.held_skills),
        "languages": sorted(request.languages),
        "formats": sorted(f.value for f in request.formats),
        "avoid_providers": sorted(request.avoid_providers),
        "preferred_language": request.preferred_language,
        "studied_first_month": request.studied_first_month,
    }


def _request_from_summary(data: dict[str, Any]) -> PlanRequest:
    return PlanRequest(
        goal_skills=data["goal_skills"],
        goal=data.get("goal"),
        transferable=frozenset(data.get("transferable", ())),
        start=dt.date.fromisoformat(data["start"]),
        hours_per_week=data["hours_per_week"],
        monthly_budget=Decimal(data["monthly_budget"]),
        currency=data["currency"],
        months=data["months"],
        level=Level(data["level"]),
        held_skills=frozenset(data["held_skills"]),
        languages=frozenset(data["languages"]),
        formats=frozenset(CourseFormat(f) for f in data["formats"]),
        avoid_providers=frozenset(data["avoid_providers"]),
        preferred_language=data.get("preferred_language"),
        studied_first_month=data.get("studied_first_month", 0.0),
    )


def same_settings(plan: Plan, now: PlanRequest) -> bool:
    """Whether ``plan`` answers ``now`` as well: made for the same goal and settings, whatever the
    start month (re-saving a setting with the value it had changes nothing to re-plan).  Hours are
    the same within :data:`HOURS_TOLERANCE`: "Too much" and "Too little" multiply them, and after
    a few round trips 5 h a week is stored as 4.999.  Read from the stored request alone: the plan
    need not be loaded."""
    made = _request_from_summary(plan.summary["request"])
    ignored = {"start": None, "hours_per_week": None, "studied_first_month": None}
    return _request_summary(made) | ignored == _request_summary(now) | ignored and math.isclose(
        made.hours_per_week, now.hours_per_week, abs_tol=HOURS_TOLERANCE
    )


def same_goal(plan: Plan, request: PlanRequest) -> bool:
    """Whether ``plan`` was made for the goal ``request`` asks for (its goal and its skills)."""
    made = plan.summary["request"]
    goal: str | None = made.get("goal")
    goal_skills: dict[str, float] = made["goal_skills"]
    return goal == request.goal and goal_skills == dict(request.goal_skills)


def save_plan(
    session: Session, learner_id: int, goal_id: str | None, result: PlanResult, previous: Plan | None
) -> Plan:
    """Store ``result`` as the learner's active plan; ``previous`` (their active plan, as the caller
    just read it: None when there is none) and any other active one become superseded.

    One UPDATE supersedes them (plans loaded in the session follow it), and the items go in as one
    multi-row INSERT: a plan is a dozen rows, which as ORM objects cost more CPU than planning it.
    """
    if previous is not None:
        session.execute(
            update(Plan)
            .where(col(Plan.learner_id) == learner_id, col(Plan.status) == PlanStatus.ACTIVE)
            .values(status=PlanStatus.SUPERSEDED)
        )
    request = result.request
    plan = Plan(
        learner_id=learner_id,
        goal_id=goal_id,
        horizon_months=request.months,
        starts_on=request.start,
        summary={
            "request": _request_summary(request),
            "covered": list(result.covered_skills),
            "uncovered": [
                {"skill": g.skill, "reason": g.reason.value, "hours_needed": g.hours_needed}
                for g in result.uncovered
            ],
            "coverage": result.coverage,
            "total_hours": result.total_hours,
            "total_cost": str(result.total_cost),
            "months": [
                {"capacity": m.capacity_hours, "hours": m.hours, "cost": str(m.cost)} for m in result.months
            ],
            "depth": [[d.skill, d.target_hours, d.credited_hours, d.planned_hours] for d in result.depth],
            "pathways": [_pathway_to_json(p) for p in result.pathways],
            "complete_on": result.complete_on and result.complete_on.isoformat(),
            "next_goals": list(result.next_goals),  # moves are news told once, not stored
        },
    )
    session.add(plan)
    session.flush()
    assert plan.id is not None  # noqa: S101  (flushed above)
    now = utc_now()
    rows = [
        {
            "plan_id": plan.id,
            "course_id": item.course.id,
            "month": month.index,
            "part": item.part,
            "parts": item.parts,
            "position": position,
            "status": PlanItemStatus.PLANNED
            if item.in_progress_percent is None
            else PlanItemStatus.IN_PROGRESS,
            "progress_percent": item.in_progress_percent or 0,
            "reason": "",
            "details": {
                "hours": item.hours,
                "cost": str(item.cost),
                "new_skills": list(item.new_skills),
                "reason": _reason_to_json(item.reason),
            },
            "updated_at": now,
        }
        for month in result.months
        for position, item in enumerate(month.items)
    ]
    if rows:
        session.execute(insert(PlanItem), rows)
    return plan


def active_plan(session: Session, learner_id: int) -> Plan | None:
    query = select(Plan).where(Plan.learner_id == learner_id, Plan.status == PlanStatus.ACTIVE)
    return session.exec(query.order_by(col(Plan.id).desc())).first()


def plan_items(session: Session, plan: Plan) -> list[PlanItem]:
    query = select(PlanItem).where(PlanItem.plan_id == plan.id)
    return list(session.exec(query.order_by(col(PlanItem.month), col(PlanItem.position))))


def set_course_status(
    session: Session,
    plan: Plan,
    course_id: str,
    status: PlanItemStatus,
    percent: int,
    now: dt.datetime,
    *,
    skip_done: bool = False,
) -> None:
    """Update every part of a course in the plan (a long course spans months); ``skip_done``
    leaves parts already done as they are (a badge for a course the learner already reported)."""
    for row in plan_items(session, plan):
        if row.course_id == course_id and not (skip_done and row.status is PlanItemStatus.DONE):
            row.status, row.progress_percent, row.updated_at = status, percent, now


def credit_course(session: Session, learner_id: int, course_id: str, badge_id: int, now: dt.datetime) -> None:
    """Mark ``course_id`` done in the active plan for badge ``badge_id``, remembering on each part
    what it was before, so removing the badge can undo exactly what it did (:func:`uncredit_badge`).
    Parts already done stay as they are: the badge did not finish them."""
    plan = active_plan(session, learner_id)
    if plan is None:
        return
    for row in plan_items(session, plan):
        if row.course_id == course_id and row.status is not PlanItemStatus.DONE:
            before = [row.status.value, row.progress_percent]
            row.details = {**row.details, CREDITED_BY: badge_id, BEFORE_CREDIT: before}
            row.status, row.progress_percent, row.updated_at = PlanItemStatus.DONE, 100, now


def uncredit_badge(session: Session, learner_id: int, badge_id: int, now: dt.datetime) -> None:
    """Undo what badge ``badge_id`` alone marked done, in every plan of the learner: each part goes
    back to how it was before the badge (a part the learner reported done another way stays)."""
    rows = (
        select(PlanItem)
        .join(Plan, col(Plan.id) == col(PlanItem.plan_id))
        .where(Plan.learner_id == learner_id, PlanItem.status == PlanItemStatus.DONE)
    )
    for row in session.exec(rows):
        if row.details.get(CREDITED_BY) != badge_id:
            continue
        status, percent = row.details.get(BEFORE_CREDIT) or [PlanItemStatus.PLANNED.value, 0]
        details = {k: v for k, v in row.details.items() if k not in (CREDITED_BY, BEFORE_CREDIT)}
        row.details, row.status, row.progress_percent = details, PlanItemStatus(status), percent
        row.updated_at = now


def load_plan(session: Session, plan: Plan, catalog: Catalog) -> PlanResult:
    """The stored plan as a :class:`PlanResult`, as it stands today: finished courses marked done
    (its request carries the learner's progress over all plans, for the "Done" line), skipped ones
    left out, and no moves: what a re-plan moved is news told once, right after it (courses no
    longer in the catalog are left out too)."""
    summary = plan.summary
    progress = learner_progress(session, plan.learner_id)
    request = replace(_request_from_summary(summary["request"]), progress=progress)
    by_month: dict[int, list[PlannedItem]] = {}
    for row in plan_items(session, plan):
        course = catalog.courses.get(row.course_id)
        state = progress.get(row.course_id)
        if course is None or (state is not None and state.state is ProgressState.SKIPPED):
            continue
        details = row.details
        reason = _reason_from_json(details["reason"])
        by_month.setdefault(row.month, []).append(
            PlannedItem(
                course,
                details["hours"],
                Decimal(details["cost"]),
                row.part,
                row.parts,
                tuple(details["new_skills"]),
                reason,
                row.progress_percent if row.status is PlanItemStatus.IN_PROGRESS else None,
                done=state is not None and state.state is ProgressState.DONE,
            )
        )
    months = tuple(
        PlanMonth(
            index + 1,
            add_months(request.start, index),
            data["capacity"],
            data["hours"],
            Decimal(data["cost"]),
            tuple(by_month.get(index + 1, ())),
        )
        for index, data in enumerate(summary["months"])
    )
    rules = Rules(catalog, request)
    depths = _depth_today(rules, months)
    covered = tuple(sorted(d.skill for d in depths if d.share >= 1 - 1e-6))
    return PlanResult(
        request=request,
        months=months,
        covered_skills=covered,
        uncovered=tuple(
            UncoveredSkill(g["skill"], UncoveredReason(g["reason"]), g["hours_needed"])
            for g in summary["uncovered"]
            if g["skill"] not in covered
        ),
        coverage=round(rules.coverage(depths), 4),
        total_hours=summary["total_hours"],
        total_cost=Decimal(summary["total_cost"]),
        depth=depths,
        pathways=tuple(_pathway_from_json(p) for p in summary.get("pathways", ())),
        complete_on=_date(summary.get("complete_on")),
        next_goals=tuple(summary.get("next_goals", ())),
    )


def _depth_today(rules: Rules, months: tuple[PlanMonth, ...]) -> tuple[SkillDepth, ...]:
    """Depth per goal skill as it stands today, by the planner's own measure (what /progress says):
    every course finished so far, in this plan or not, is credited; the plan's courses not yet
    done add what they would.  Stored figures are the plan's day: courses finished since outside
    it ("I finished X", a badge) would leave /plan behind /progress."""
    planned: dict[str, float] = {}
    for month in months:
        for item in month.items:
            if not item.done:
                for skill, hours in contribution(item.course, item.hours).items():
                    planned[skill] = planned.get(skill, 0.0) + hours
    return rules.depths(planned)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _reason_to_json(reason: Reason) -> dict[str, Any]:
    data = asdict(reason)
    data["certificate_price"] = None if reason.certificate_price is None else str(reason.certificate_price)
    data["phase"] = reason.phase.value
    return data


def _reason_from_json(data: dict[str, Any]) -> Reason:
    """A stored reason; plans saved before a field existed get its default, and fields a later
    version dropped are ignored."""
    known = {field.name for field in fields(Reason)}
    step = data.get("pathway_step")
    price = data.get("certificate_price")
    return Reason(
        **{
            **{key: value for key, value in data.items() if key in known},
            "skills": tuple(data["skills"]),
            "prerequisite_for": tuple(data["prerequisite_for"]),
            "pathway_step": tuple(step) if step else None,
            "certificate_price": None if price is None else Decimal(price),
            "phase": Phase(data.get("phase", Phase.CORE.value)),
        }
    )


def _pathway_to_json(pathway: PathwayProgress) -> dict[str, Any]:
    data = asdict(pathway)
    for key in ("finished_on", "exam_on"):
        data[key] = data[key] and data[key].isoformat()
    return data


def _pathway_from_json(data: dict[str, Any]) -> PathwayProgress:
    return PathwayProgress(
        **{**data, "finished_on": _date(data["finished_on"]), "exam_on": _date(data["exam_on"])}
    )


def learner_progress(session: Session, learner_id: int) -> dict[str, Progress]:
    """What the learner did with each course, over all their plans and badges.

    A re-plan leaves finished and skipped courses out of the new plan, so the active plan alone
    forgets them: the second re-plan would plan a finished course again and /progress would count
    nothing.  Done and skipped last (the first plan that says so decides); an in-progress course
    takes its newest percentage; a badge that is not invalid finishes its course, in the plan or
    not (removing it undoes what only it marked done, :func:`uncredit_badge`).
    """
    rows = (
        select(PlanItem)
        .join(Plan, col(Plan.id) == col(PlanItem.plan_id))
        .where(Plan.learner_id == learner_id)
        .order_by(col(Plan.id), col(PlanItem.month), col(PlanItem.position))
    )
    progress: dict[str, Progress] = {}
    for row in session.exec(rows):
        known = progress.get(row.course_id)
        if known is not None and known.state is not ProgressState.IN_PROGRESS:
            continue
        if row.status is PlanItemStatus.DONE:
            progress[row.course_id] = Progress(ProgressState.DONE)
        elif row.status is PlanItemStatus.SKIPPED:
            progress[row.course_id] = Progress(ProgressState.SKIPPED)
        elif row.status is PlanItemStatus.IN_PROGRESS:
            progress[row.course_id] = Progress(ProgressState.IN_PROGRESS, row.progress_percent)
    credited = select(Badge.course_id).where(
        Badge.learner_id == learner_id, Badge.status != BadgeStatus.INVALID, col(Badge.course_id).is_not(None)
    )
    for course_id in session.exec(credited):
        if course_id is not None:  # the query's filter, said again for the type checker
            progress[course_id] = Progress(ProgressState.DONE)
    return progress


def hours_studied_since(session: Session, catalog: Catalog, learner_id: int, since: dt.datetime) -> float:
    """Hours the learner reported studying since ``since``: courses finished then count whole,
    courses under way by their percentage (each course once, as it stands now).  A re-plan in the
    middle of a month takes them off that month's room, so a month is never filled twice."""
    rows = (
        select(PlanItem)
        .join(Plan, col(Plan.id) == col(PlanItem.plan_id))
        .where(Plan.learner_id == learner_id, col(PlanItem.updated_at) >= since)
        .order_by(col(PlanItem.updated_at))
    )
    share: dict[str, float] = {}
    for row in session.exec(rows):
        if row.status is PlanItemStatus.DONE:
            share[row.course_id] = 1.0
        elif row.status is PlanItemStatus.IN_PROGRESS:
            share[row.course_id] = row.progress_percent / 100
    return round(sum(catalog.courses[c].hours * part for c, part in share.items() if c in catalog.courses), 2)


def starting_months(session: Session, plan: Plan) -> dict[str, dt.date]:
    """Course id -> the month it starts in ``plan``, read from its rows (for re-planning reports)."""
    starts: dict[str, dt.date] = {}
    for row in plan_items(session, plan):
        starts.setdefault(row.course_id, add_months(plan.starts_on, row.month - 1))
    return starts
