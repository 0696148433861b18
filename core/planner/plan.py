"""The planner's entry points: a new plan, a re-plan, and alternatives to swap a course for.

:mod:`core.planner.engine` chooses the courses phase by phase; :mod:`core.planner.result` orders
them and reports what the plan reaches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from core.catalog import Catalog
from core.catalog.schema import Course
from core.planner import depth
from core.planner.engine import Planner, Selection
from core.planner.result import arrange, build_result
from core.planner.types import Phase, PlanRequest, PlanResult

ALTERNATIVE_HOURS_FACTOR = 2.0  # a course offered instead of another takes at most about twice its hours


def plan_months(catalog: Catalog, request: PlanRequest) -> PlanResult:
    """A month-by-month plan for ``request`` (see :mod:`core.planner.engine` for how)."""
    return _run(catalog, request, previous={}, keep=request.keep)


def replan(catalog: Catalog, request: PlanRequest, previous_starts: Mapping[str, dt.date]) -> PlanResult:
    """Re-plan from ``request.start`` by the same rules, keeping done work, in-progress courses first,
    and the old courses (``request.keep``, or else every course of ``previous_starts``: course id ->
    the month it used to start) where they still fit; the result's ``moves`` say what moved or was
    dropped."""
    keep = request.keep or tuple(previous_starts)
    return _run(catalog, request, previous=previous_starts, keep=keep)


def _run(
    catalog: Catalog, request: PlanRequest, previous: Mapping[str, dt.date], keep: Sequence[str] = ()
) -> PlanResult:
    planner = Planner(catalog, request)
    base, dropped = planner.start_selection(keep)
    selection = planner.best_selection(base) if planner.open_skills(base) else base
    planner.finish_pathways(selection, Phase.CORE)
    # the core is reached, or nothing more brings it closer: next-level depth, then practice, then
    # (while months still have room) more depth at any level, so no month is left empty
    planner.go_deeper(selection, depth.DEEPER_FACTOR, depth.DEEPER_MIN_WEIGHT, next_level=True)
    planner.practise(selection)
    planner.go_deeper(selection, depth.WIDER_FACTOR, 0.0, next_level=False)
    sequence, layout = arrange(planner, selection, fixed=len(planner.pinned))
    return build_result(planner, selection, sequence, layout, dropped, previous)


def alternatives(
    catalog: Catalog, request: PlanRequest, course_id: str, planned: Iterable[str], limit: int = 5
) -> list[Course]:
    """Courses that could replace ``course_id``: eligible for this learner, not already planned,
    teaching every skill it is mostly about, at its level, in at most about twice its hours *with
    the earlier courses it still needs* (prerequisites, a pathway's earlier courses, not done or
    planned: a 6-hour course that needs 25 hours first is no way round), and never one that builds
    on it (a learner stuck on a course gets no way round that needs it); the most focused first,
    then the fewest hours."""
    planner = Planner(catalog, request)
    swapped = catalog.courses[course_id]
    wanted = set(swapped.main_skills)
    taken = set(planned) | {course_id}
    others = set(planned) - {course_id}  # what the plan keeps: its courses need not be taken again
    limit_hours = swapped.hours * ALTERNATIVE_HOURS_FACTOR
    found = [
        (hours, other)
        for other in catalog.planning_order.get(swapped.main_skills[0], ())
        if other.id not in taken
        and other.kind is swapped.kind
        and other.level is swapped.level
        and wanted <= set(other.main_skills)
        and other.hours <= limit_hours
        and planner.eligible(other.id)
        and not requires(catalog, other.id, course_id)
        and (hours := _hours_with_what_it_needs(planner, other.id, others)) is not None
        and hours <= limit_hours
    ]
    ranked = sorted(found, key=lambda pair: (len(pair[1].main_skills), pair[0], pair[1].id))
    return [course for _hours, course in ranked[:limit]]


def _hours_with_what_it_needs(planner: Planner, course_id: str, planned: set[str]) -> float | None:
    """Hours of ``course_id`` and the earlier courses it still needs beyond ``planned`` (None: it
    cannot be taken)."""
    selection = Selection(None, dict(planner.credit), chosen=set(planned))
    found = planner.closure(course_id, selection)
    if found is None:
        return None
    return sum(planner.hours_of(cid) for cid in found[0] if cid not in planned)


def requires(catalog: Catalog, course_id: str, needed: str) -> bool:
    """Whether ``course_id`` needs ``needed`` first: as a prerequisite or an earlier course of its
    pathway, directly or through what it needs."""
    seen: set[str] = set()
    waiting = [course_id]
    while waiting:
        current = waiting.pop()
        course = catalog.courses.get(current)
        if course is None or current in seen:
            continue
        seen.add(current)
        before = list(course.prerequisites)
        found = catalog.pathway_of.get(current)
        if found is not None:
            before.extend(found[0].courses[: found[1]])
        if needed in before:
            return True
        waiting.extend(before)
    return False
