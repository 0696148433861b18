"""Coaching quality: would a career coach sign the plans?  (issue #14, section 8)

Prints one JSON object.  Plans every catalog goal over a fixed grid (level beginner /
intermediate / advanced; 3, 5 or 10 h a week; budget 0, 30 or 100 USD a month; an English
learner taking English courses, or an Indonesian learner taking Indonesian and English courses,
as ``skillstack plan --lang id`` does), 6 months from 2027-01-01, with requests built the way the
CLI builds them.  Each metric carries the issue's target and a pass flag:

- median share of capacity used per month while the goal is incomplete (>= 0.8);
- empty months while the goal is incomplete (0);
- share of plan hours on courses whose main skills include a goal skill (>= 0.9);
- share of plans that finish every pathway they start or report what is left (1.0);
- share of goals whose beginner and intermediate plans differ in some grid cell (>= 0.9);
- Indonesian share of study hours for Indonesian learners, over goals with Indonesian options (>= 0.6).

Then, for the ten goals of ``tests/fixtures/reference_plans.yaml``, how many courses of the
plan's first three months a coach's reference plan also sets.  The metric functions live in
:mod:`tests.bench.coaching_metrics`; this module only runs the grid and aggregates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from core.catalog import Catalog, load_catalog
from core.catalog.schema import Course, CourseKind, Level
from core.planner import PlanRequest, PlanResult, plan_months
from core.planner.rules import Rules
from core.settings import SHIPPED_DATA_DIR
from tests.bench import coaching_metrics as metrics

START = dt.date(2027, 1, 1)
MONTHS = 6
HOURS_PER_WEEK = (3.0, 5.0, 10.0)
BUDGETS_USD = (Decimal(0), Decimal(30), Decimal(100))
# The learner's language -> the course languages the CLI accepts without --course-lang
# (bot/cli_planning.run_plan: Indonesian learners take Indonesian and English courses).
COURSE_LANGUAGES = {"en": frozenset({"en"}), "id": frozenset({"id", "en"})}
REFERENCE_PLANS = Path(__file__).resolve().parent.parent / "fixtures" / "reference_plans.yaml"
REFERENCE_MONTHS = 3


@dataclass(frozen=True)
class Cell:
    """One learner of the grid: a goal and the settings a learner gives the CLI."""

    goal: str
    level: Level
    hours_per_week: float
    budget: Decimal
    language: str  # the learner's language (decides the course languages)


@dataclass(frozen=True)
class ReferencePlan:
    """A coach's plan for one goal and profile (see tests/fixtures/reference_plans.yaml)."""

    cell: Cell
    courses: tuple[str, ...]
    source: str


def grid(goals: Iterable[str]) -> list[Cell]:
    """Every goal x level x hours a week x budget x language, in a fixed order."""
    return [
        Cell(goal, level, hours, budget, language)
        for goal, level, hours, budget, language in itertools.product(
            goals, Level, HOURS_PER_WEEK, BUDGETS_USD, COURSE_LANGUAGES
        )
    ]


def request_for(catalog: Catalog, cell: Cell) -> PlanRequest:
    """The request ``skillstack plan --goal ... --level ... --hours ... --budget ... --lang ...`` builds."""
    goal = catalog.goals[cell.goal]
    return PlanRequest(
        goal_skills=goal.skills,
        goal=goal.id,
        start=START,
        hours_per_week=cell.hours_per_week,
        monthly_budget=cell.budget,
        currency="USD",
        months=MONTHS,
        level=cell.level,
        languages=COURSE_LANGUAGES[cell.language],
        preferred_language=cell.language,
    )


def run_grid(catalog: Catalog, cells: Iterable[Cell]) -> tuple[dict[Cell, PlanResult], float]:
    """Plan every cell; returns the plans and the seconds spent planning (nothing else timed)."""
    plans: dict[Cell, PlanResult] = {}
    seconds = 0.0
    for cell in cells:
        request = request_for(catalog, cell)
        started = time.perf_counter()
        plans[cell] = plan_months(catalog, request)
        seconds += time.perf_counter() - started
    return plans, seconds


def _pooled(
    plans: Iterable[PlanResult], measure: Callable[[PlanResult], tuple[float, float]]
) -> float | None:
    """Sum of parts / sum of wholes over plans (hours-weighted, so long plans weigh more)."""
    part = whole = 0.0
    for plan in plans:
        p, w = measure(plan)
        part += p
        whole += w
    return metrics.share(part, whole)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def checked(value: float | None, target: float, at_least: bool = True) -> dict[str, Any]:
    """A metric with its target and pass flag (no value: nothing was measured, which does not pass)."""
    passed = value is not None and (value >= target if at_least else value <= target)
    return {
        "value": _rounded(value),
        "target": f"{'>=' if at_least else '<='} {target}",
        "pass": passed,
    }


def level_pairs(
    plans: Mapping[Cell, PlanResult], low: Level, high: Level
) -> dict[str, list[tuple[PlanResult, PlanResult]]]:
    """Goal -> (plan at ``low``, plan at ``high``) for each setting both levels were planned with."""
    pairs: dict[str, list[tuple[PlanResult, PlanResult]]] = defaultdict(list)
    for cell, plan in plans.items():
        other = plans.get(replace(cell, level=high))
        if cell.level is low and other is not None:
            pairs[cell.goal].append((plan, other))
    return pairs


def level_report(
    plans: Mapping[Cell, PlanResult], low: Level, high: Level
) -> tuple[float | None, float | None]:
    """(share of goals with some differing pair, share of pairs that differ)."""
    pairs = level_pairs(plans, low, high)
    goals = [metrics.any_differ(goal_pairs) for goal_pairs in pairs.values()]
    cells = [metrics.any_differ([pair]) for goal_pairs in pairs.values() for pair in goal_pairs]
    return metrics.share(sum(goals), len(goals)), metrics.share(sum(cells), len(cells))


def coaching_report(catalog: Catalog, plans: Mapping[Cell, PlanResult]) -> dict[str, Any]:
    """The six coaching metrics over a planned grid, each with its target and pass flag."""
    results = list(plans.values())
    pathways = [catalog.pathways[key] for key in sorted(catalog.pathways)]
    month_shares = [value for plan in results for value in metrics.capacity_shares(plan)]
    plan_shares = [value for plan in results if (value := metrics.plan_capacity_share(plan)) is not None]
    empty = [metrics.empty_months_while_incomplete(plan) for plan in results]
    starting = [plan for plan in results if metrics.started_pathways(plan, pathways)]
    accounted = [metrics.pathways_accounted(plan, pathways) for plan in results]
    goals_differ, cells_differ = level_report(plans, Level.BEGINNER, Level.INTERMEDIATE)
    upper_goals_differ, upper_cells_differ = level_report(plans, Level.INTERMEDIATE, Level.ADVANCED)
    indonesian_goals = {
        goal
        for goal in {cell.goal for cell in plans}
        if metrics.has_indonesian_option(catalog.courses.values(), catalog.goals[goal].skills)
    }
    indonesian_plans = [
        plan for cell, plan in plans.items() if cell.language == "id" and cell.goal in indonesian_goals
    ]
    return {
        "capacity_share_while_incomplete": {
            **checked(_median(month_shares), 0.8),
            "months": len(month_shares),
            "median_per_plan": _rounded(_median(plan_shares)),
        },
        "empty_months_while_incomplete": {
            **checked(sum(empty), 0, at_least=False),
            "plans_with_an_empty_month": sum(1 for count in empty if count),
        },
        "on_goal_hours_share": checked(_pooled(results, metrics.on_goal_hours), 0.9),
        "pathways_finished_or_reported": {
            **checked(metrics.share(sum(accounted), len(accounted)), 1.0),
            "plans_starting_a_pathway": len(starting),
            "plans_failing": len(accounted) - sum(accounted),
        },
        "beginner_vs_intermediate_goals_differing": {
            **checked(goals_differ, 0.9),
            "cells_differing_share": _rounded(cells_differ),
            "intermediate_vs_advanced_goals_differing": _rounded(upper_goals_differ),
            "intermediate_vs_advanced_cells_differing_share": _rounded(upper_cells_differ),
        },
        "indonesian_hours_share": {
            **checked(_pooled(indonesian_plans, lambda plan: _indonesian_where_offered(catalog, plan)), 0.6),
            "measured_on": "hours an eligible Indonesian course teaching the same main skill could take",
            "all_hours_share": _rounded(_pooled(indonesian_plans, metrics.indonesian_hours)),
            "goals_with_indonesian_options": len(indonesian_goals),
        },
    }


def _indonesian_where_offered(catalog: Catalog, plan: PlanResult) -> tuple[float, float]:
    """The Indonesian share for one plan, with the courses its learner could take in Indonesian."""
    planner = Rules(catalog, plan.request)

    def available(skill: str) -> list[Course]:
        return [
            course
            for course in catalog.courses_by_main_skill.get(skill, ())
            if course.kind is CourseKind.COURSE
            and metrics.INDONESIAN in course.languages
            and planner.eligible(course.id)
        ]

    return metrics.indonesian_hours_where_offered(plan, available)


def load_reference_plans(path: Path = REFERENCE_PLANS) -> dict[str, ReferencePlan]:
    """Goal id -> the coach's plan, read from the fixture (its profile becomes a grid cell)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    plans = {}
    for entry in data["plans"]:
        profile = entry["profile"]
        cell = Cell(
            entry["goal"],
            Level(profile["level"]),
            float(profile["hours_per_week"]),
            Decimal(str(profile["monthly_budget_usd"])),
            profile["language"],
        )
        plans[entry["goal"]] = ReferencePlan(cell, tuple(entry["courses"]), entry["source"])
    return plans


def reference_report(catalog: Catalog, references: Mapping[str, ReferencePlan]) -> dict[str, Any]:
    """Per goal, how many courses of the plan's first three months the coach's plan also sets."""
    per_goal = {}
    for goal, reference in references.items():
        plans, _ = run_grid(catalog, [reference.cell])
        in_reference, courses = metrics.reference_overlap(
            plans[reference.cell], reference.courses, REFERENCE_MONTHS
        )
        per_goal[goal] = {"in_reference": in_reference, "first_months_courses": courses}
    counts = [entry["in_reference"] for entry in per_goal.values()]
    # A plan with nothing in its first months shares nothing with the coach's plan: 0, not "no data".
    shares = [
        e["in_reference"] / e["first_months_courses"] if e["first_months_courses"] else 0.0
        for e in per_goal.values()
    ]
    return {
        "months": REFERENCE_MONTHS,
        "goals": per_goal,
        "mean_in_reference": _rounded(statistics.fmean(counts) if counts else None, 2),
        "mean_share_in_reference": _rounded(statistics.fmean(shares) if shares else None, 3),
    }


def main() -> None:
    catalog = load_catalog(SHIPPED_DATA_DIR)
    cells = grid(sorted(catalog.goals))
    plans, seconds = run_grid(catalog, cells)
    report = coaching_report(catalog, plans)
    print(
        json.dumps(
            {
                "benchmark": "plan_coaching",
                "grid": {
                    "start": START.isoformat(),
                    "months": MONTHS,
                    "levels": [level.value for level in Level],
                    "hours_per_week": HOURS_PER_WEEK,
                    "budgets_usd": [int(budget) for budget in BUDGETS_USD],
                    "course_languages": {key: sorted(value) for key, value in COURSE_LANGUAGES.items()},
                },
                "goals": len(catalog.goals),
                "plans": len(plans),
                "plans_per_second": round(len(plans) / seconds, 1),
                "passed": sum(metric["pass"] for metric in report.values()),
                "metrics": report,
                "reference_plans": reference_report(catalog, load_reference_plans()),
            }
        )
    )


if __name__ == "__main__":
    main()
