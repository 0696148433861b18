"""What a career coach checks in a plan, as pure functions of planner results (issue #14, section 8).

Each function reads only the :class:`PlanResult` it is given (and the catalog entries passed in),
so the benchmark's numbers can be tested on hand-made plans.  ``bench_plan_coaching`` runs the
grid and aggregates; nothing here plans, loads files or times anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.catalog.schema import Course, CourseKind, Pathway
from core.planner import PlanMonth, PlanResult, ProgressState

INDONESIAN = "id"
ALWAYS_ON_GOAL = frozenset({CourseKind.PROJECT, CourseKind.EXAM})  # applying or certifying the goal


def incomplete_months(result: PlanResult) -> tuple[PlanMonth, ...]:
    """Months that start before the goal's completion month; every month when it is never complete.

    These are the months a coach expects to be full: the learner still lacks part of the goal.
    """
    if result.complete_on is None:
        return result.months
    return tuple(month for month in result.months if month.starts_on < result.complete_on)


def capacity_shares(result: PlanResult) -> list[float]:
    """Hours planned / hours offered, per incomplete month (months with no capacity are skipped)."""
    return [
        month.hours / month.capacity_hours for month in incomplete_months(result) if month.capacity_hours > 0
    ]


def plan_capacity_share(result: PlanResult) -> float | None:
    """The same share over all incomplete months together (None: no incomplete month with capacity).

    The issue's "the median plan uses 29% of the hours the learner offered" is this figure.
    """
    months = [month for month in incomplete_months(result) if month.capacity_hours > 0]
    if not months:
        return None
    return sum(month.hours for month in months) / sum(month.capacity_hours for month in months)


def empty_months_while_incomplete(result: PlanResult) -> int:
    """Months with nothing planned although the goal is not yet reached ("Free month" too early)."""
    return sum(1 for month in incomplete_months(result) if month.hours == 0)


def is_on_goal(course: Course, goal_skills: Iterable[str]) -> bool:
    """A course serves the goal when one of its main skills is a goal skill; projects and exams always do.

    Main skills, not every tagged skill: a sales course that touches "communication" is not
    communication training for an analyst.
    """
    return course.kind in ALWAYS_ON_GOAL or not set(course.main_skills).isdisjoint(goal_skills)


def on_goal_hours(result: PlanResult) -> tuple[float, float]:
    """(hours on courses that serve the goal, all planned hours)."""
    goal_skills = set(result.request.goal_skills)
    on_goal = total = 0.0
    for month in result.months:
        for item in month.items:
            total += item.hours
            if is_on_goal(item.course, goal_skills):
                on_goal += item.hours
    return on_goal, total


def started_pathways(result: PlanResult, pathways: Iterable[Pathway]) -> list[Pathway]:
    """Pathways with at least one course (or their exam) in the plan's months."""
    planned = set(result.course_ids)
    return [p for p in pathways if not planned.isdisjoint([*p.courses, *([p.exam] if p.exam else [])])]


def pathway_accounted(result: PlanResult, pathway: Pathway) -> bool:
    """Whether the plan reports a started pathway truthfully: finished in the months, or what is left.

    The months are the evidence: the pathway must be in ``result.pathways``, its ``planned``
    count must match the pathway courses actually in the months, and unless every course is
    planned or done before, the report must say courses and hours are left.
    """
    report = next((p for p in result.pathways if p.pathway_id == pathway.id), None)
    if report is None:
        return False
    planned = set(result.course_ids)
    done = {course_id for course_id, p in result.request.progress.items() if p.state is ProgressState.DONE}
    if report.planned != sum(1 for course_id in pathway.courses if course_id in planned):
        return False
    finished = all(course_id in planned or course_id in done for course_id in pathway.courses)
    return finished or (report.left > 0 and report.left_hours > 0)


def pathways_accounted(result: PlanResult, pathways: Iterable[Pathway]) -> bool:
    """Every pathway the plan starts is finished within it or reported with what is left."""
    return all(pathway_accounted(result, pathway) for pathway in started_pathways(result, pathways))


def plan_signature(result: PlanResult) -> tuple[tuple[str, ...], ...]:
    """The plan as a learner sees it: which courses in which month (to tell two plans apart)."""
    return tuple(tuple(item.course.id for item in month.items) for month in result.months)


def any_differ(pairs: Iterable[tuple[PlanResult, PlanResult]]) -> bool:
    """Whether at least one pair of plans (same learner settings, two levels) differs."""
    return any(plan_signature(a) != plan_signature(b) for a, b in pairs)


def has_indonesian_option(courses: Iterable[Course], goal_skills: Iterable[str]) -> bool:
    """Whether the catalog teaches any goal skill (as a main skill) in Indonesian.

    Projects are left out: SkillStack writes every project in both languages, so they would make
    every goal look served in Indonesian.
    """
    skills = set(goal_skills)
    return any(
        course.kind is not CourseKind.PROJECT
        and INDONESIAN in course.languages
        and not skills.isdisjoint(course.main_skills)
        for course in courses
    )


def indonesian_hours(result: PlanResult) -> tuple[float, float]:
    """(study hours on courses offered in Indonesian, all study hours); projects are not study."""
    indonesian = total = 0.0
    for month in result.months:
        for item in month.items:
            if item.course.kind is CourseKind.PROJECT:
                continue
            total += item.hours
            if INDONESIAN in item.course.languages:
                indonesian += item.hours
    return indonesian, total


def first_months_courses(result: PlanResult, months: int = 3) -> list[str]:
    """Each course planned in the first ``months`` months once, in the order it starts."""
    seen: dict[str, None] = {}
    for month in result.months[:months]:
        for item in month.items:
            seen.setdefault(item.course.id, None)
    return list(seen)


def reference_overlap(result: PlanResult, reference: Iterable[str], months: int = 3) -> tuple[int, int]:
    """(courses of the first months that a coach's reference plan also sets, courses of the first months)."""
    courses = first_months_courses(result, months)
    wanted = set(reference)
    return sum(1 for course_id in courses if course_id in wanted), len(courses)


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide (reported as null, never as 0 or 1)."""
    return part / whole if whole else None
