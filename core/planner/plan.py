"""The planner's entry points: a new plan, a re-plan, and alternatives to swap a course for.

:mod:`core.planner.engine` chooses the courses phase by phase; :mod:`core.planner.result` orders
them and reports what the plan reaches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from core.catalog import Catalog
from core.catalog.schema import Course
from core.planner.engine import Planner
from core.planner.result import arrange, build_result
from core.planner.types import Phase, PlanRequest, PlanResult


def plan_months(catalog: Catalog, request: PlanRequest) -> PlanResult:
    """A month-by-month plan for ``request`` (see :mod:`core.planner.engine` for how)."""
    return _run(catalog, request, previous={}, keep=request.keep)


def replan(catalog: Catalog, request: PlanRequest, previous_starts: Mapping[str, object]) -> PlanResult:
    """Re-plan from ``request.start`` by the same rules, keeping done work, in-progress courses first,
    and the old courses (``request.keep``, or else every course of ``previous_starts``: course id ->
    the month it used to start) where they still fit; the result's ``moves`` say what moved or was
    dropped."""
    keep = request.keep or tuple(previous_starts)
    return _run(catalog, request, previous=previous_starts, keep=keep)


def _run(
    catalog: Catalog, request: PlanRequest, previous: Mapping[str, object], keep: Sequence[str] = ()
) -> PlanResult:
    planner = Planner(catalog, request)
    base, dropped = planner.start_selection(keep)
    selection = planner.best_selection(base) if planner.open_skills(base) else base
    planner.finish_pathways(selection, Phase.CORE)
    if planner.complete(selection):
        planner.go_deeper(selection)
        planner.practise(selection)
    sequence, layout = arrange(planner, selection, fixed=len(planner.pinned))
    return build_result(planner, selection, sequence, layout, dropped, previous)


def alternatives(
    catalog: Catalog, request: PlanRequest, course_id: str, planned: Iterable[str], limit: int = 5
) -> list[Course]:
    """Courses that could replace ``course_id``: eligible for this learner, not already planned,
    mostly about what it is mostly about; most overlap first, then fewest hours."""
    planner = Planner(catalog, request)
    swapped = catalog.courses[course_id]
    wanted = set(swapped.main_skills)
    taken = set(planned) | {course_id}
    found = {
        other.id: other
        for skill in sorted(wanted)
        for other in catalog.planning_order.get(skill, ())
        if other.id not in taken and other.kind is swapped.kind and planner.eligible(other.id)
    }
    ranked = sorted(found.values(), key=lambda c: (-len(wanted & set(c.main_skills)), c.hours, c.id))
    return ranked[:limit]
